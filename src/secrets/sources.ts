import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { loadSharedConfigFiles } from "@smithy/shared-ini-file-loader";
import type { SecretRegistry } from "./registry.js";

// Where Quarry finds the credentials it holds or can see. What each source covers, and what it cannot:
// docs/security/secrets.md.

// Words of an env var name that mark its value as a credential. Names are split into words first, so
// KEYBOARD_LAYOUT or MONKEY_PATCH are not mistaken for a KEY; a word that merely contains TOKEN, SECRET or
// PASSWORD (GHTOKEN, DBPASSWORD) still counts.
const CREDENTIAL_WORD = /TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|CREDENTIAL/;
const KEY_WORD =
  /^(?:KEYS?|[A-Z]*(?:API|ACCESS|SECRET|PRIVATE|AUTH|SIGNING|ENCRYPTION|MASTER|LICENSE)KEYS?)$/;
// Names whose value points at a credential (a path, a URL, an ID) rather than being one.
const NOT_A_VALUE = /_(?:FILE|PATH|DIR|ID|URL|URI|ARN|NAME|TYPE|REGION|EXPIRATION|EXPIRY|TTL)$/;

/** Whether an environment variable's name says its value is a credential (AWS_BEARER_TOKEN_BEDROCK, *_KEY…). */
export function isCredentialName(name: string): boolean {
  const upper = name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();
  if (NOT_A_VALUE.test(upper)) return false;
  return upper.split(/[^A-Z0-9]+/).some((word) => CREDENTIAL_WORD.test(word) || KEY_WORD.test(word));
}

/** Adds the value of every credential-named variable in `env` (values that name an existing file are skipped). */
export function addEnvSecrets(registry: SecretRegistry, env: NodeJS.ProcessEnv): void {
  for (const [name, value] of Object.entries(env)) {
    if (!value || !isCredentialName(name)) continue;
    // SSH_KEY=/home/me/.ssh/id_ed25519 names a file; redacting the path would only garble output.
    if (/^[/~]/.test(value) && !/\s/.test(value) && existsSync(value)) continue;
    registry.add(value, name);
  }
}

/** Fields of the AWS shared files and caches whose values are secrets (access key IDs are identifiers). */
const AWS_SECRET_FIELDS = new Set(["aws_secret_access_key", "aws_session_token", "aws_security_token"]);

/**
 * Adds the secrets in the AWS shared files (credentials and config, wherever AWS_SHARED_CREDENTIALS_FILE and
 * AWS_CONFIG_FILE put them), the SSO token cache and the CLI's cached role credentials.
 */
export async function addAwsFileSecrets(
  registry: SecretRegistry,
  options: { env: NodeJS.ProcessEnv; home: string },
): Promise<void> {
  const { env, home } = options;
  const files = await loadSharedConfigFiles({
    filepath: env.AWS_SHARED_CREDENTIALS_FILE || join(home, ".aws", "credentials"),
    configFilepath: env.AWS_CONFIG_FILE || join(home, ".aws", "config"),
    ignoreCache: true,
  }).catch(() => undefined);
  for (const data of [files?.credentialsFile, files?.configFile]) {
    for (const [profile, fields] of Object.entries(data ?? {})) {
      for (const [field, value] of Object.entries(fields ?? {})) {
        if (AWS_SECRET_FIELDS.has(field.toLowerCase())) registry.add(value, `${field} [${profile}]`);
      }
    }
  }
  for (const dir of [join(home, ".aws", "sso", "cache"), join(home, ".aws", "cli", "cache")]) {
    for (const cached of readJsonFiles(dir)) addCachedCredentials(registry, cached);
  }
}

/** Adds credentials the AWS SDK resolved (env, profile, SSO, assumed role, credential_process output). */
export function addResolvedCredentials(
  registry: SecretRegistry,
  credentials: { secretAccessKey?: string; sessionToken?: string },
): void {
  registry.add(credentials.secretAccessKey, "AWS secret access key");
  registry.add(credentials.sessionToken, "AWS session token");
}

// SSO cache files hold accessToken/refreshToken/clientSecret; CLI cache files hold Credentials.{…}.
function addCachedCredentials(registry: SecretRegistry, cached: unknown): void {
  if (!cached || typeof cached !== "object") return;
  const record = cached as Record<string, unknown>;
  for (const field of ["accessToken", "refreshToken", "clientSecret"]) {
    if (typeof record[field] === "string") registry.add(record[field], `AWS SSO ${field}`);
  }
  const creds = record.Credentials as Record<string, unknown> | undefined;
  if (creds && typeof creds === "object") {
    if (typeof creds.SecretAccessKey === "string")
      registry.add(creds.SecretAccessKey, "AWS secret access key");
    if (typeof creds.SessionToken === "string") registry.add(creds.SessionToken, "AWS session token");
  }
}

function readJsonFiles(dir: string): unknown[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith(".json"));
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    try {
      return [JSON.parse(readFileSync(join(dir, name), "utf8"))];
    } catch {
      return [];
    }
  });
}
