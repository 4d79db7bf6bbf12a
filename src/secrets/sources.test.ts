import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SecretRegistry } from "./registry.js";
import { createSessionSecrets } from "./session.js";
import { addEnvSecrets, addResolvedCredentials, isCredentialName } from "./sources.js";

describe("isCredentialName", () => {
  it.each([
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_BEARER_TOKEN_BEDROCK",
    "ANTHROPIC_API_KEY",
    "GITHUB_TOKEN",
    "GHTOKEN",
    "NPM_CONFIG__AUTHTOKEN",
    "CLIENT_SECRET_VALUE",
    "DB_PASSWORD",
    "PGPASSWORD",
    "STRIPE_KEY",
    "OPENAI_APIKEY",
    "deployKey",
    "SSH_PASSPHRASE",
    "GOOGLE_APPLICATION_CREDENTIALS_JSON",
  ])("%s holds a credential", (name) => expect(isCredentialName(name)).toBe(true));

  it.each([
    "AWS_ACCESS_KEY_ID",
    "KEYBOARD_LAYOUT",
    "MONKEY_PATCH",
    "XKB_KEYMAP",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "PASSWORD_STORE_DIR",
    "SECRET_NAME",
    "HOME",
    "PATH",
    "SSH_AUTH_SOCK",
    "PWD",
  ])("%s does not", (name) => expect(isCredentialName(name)).toBe(false));
});

describe("sources", () => {
  it("takes credential-named env values, not identifiers, short values or paths to existing files", () => {
    const home = mkdtempSync(join(tmpdir(), "quarry-secrets-"));
    const keyFile = join(home, "id_ed25519");
    writeFileSync(keyFile, "");
    const secrets = new SecretRegistry();
    addEnvSecrets(secrets, {
      AWS_BEARER_TOKEN_BEDROCK: "bedrock-bearer-value-0001",
      AWS_ACCESS_KEY_ID: "AKIDNOTASECRET00001",
      FEATURE_TOKEN: "on",
      SSH_KEY: keyFile,
      HOME: home,
    });
    expect(secrets.scrub(`bedrock-bearer-value-0001 AKIDNOTASECRET00001 on ${keyFile} ${home}`)).toBe(
      `<redacted:AWS_BEARER_TOKEN_BEDROCK> AKIDNOTASECRET00001 on ${keyFile} ${home}`,
    );
  });

  it("reads the AWS credentials and config files, the SSO cache and the CLI cache", async () => {
    const home = mkdtempSync(join(tmpdir(), "quarry-secrets-"));
    mkdirSync(join(home, ".aws", "sso", "cache"), { recursive: true });
    mkdirSync(join(home, ".aws", "cli", "cache"), { recursive: true });
    writeFileSync(
      join(home, ".aws", "credentials"),
      "[default]\naws_access_key_id = AKIDNOTASECRET00001\naws_secret_access_key = fileSecretKey/0000000000000000000000000\n[work]\naws_session_token = fileSessionToken000000000000\n",
    );
    writeFileSync(
      join(home, ".aws", "config"),
      "[profile x]\naws_secret_access_key = configSecretKey0000000\n",
    );
    writeFileSync(
      join(home, ".aws", "sso", "cache", "abc.json"),
      JSON.stringify({ accessToken: "ssoAccessToken0000000", refreshToken: "ssoRefreshToken0000000" }),
    );
    writeFileSync(
      join(home, ".aws", "cli", "cache", "def.json"),
      JSON.stringify({
        Credentials: { SecretAccessKey: "cliCacheSecret0000000", SessionToken: "cliCacheToken0000000" },
      }),
    );
    writeFileSync(join(home, ".aws", "sso", "cache", "broken.json"), "{not json");
    const secrets = await createSessionSecrets({ env: { HOME: home }, home });
    const values = [
      "fileSecretKey/0000000000000000000000000",
      "fileSessionToken000000000000",
      "configSecretKey0000000",
      "ssoAccessToken0000000",
      "ssoRefreshToken0000000",
      "cliCacheSecret0000000",
      "cliCacheToken0000000",
    ];
    const clean = secrets.scrub(values.join("\n"));
    for (const value of values) expect(clean).not.toContain(value);
    expect(clean).toContain("<redacted:aws_secret_access_key [default]>");
    expect(secrets.scrub("AKIDNOTASECRET00001")).toBe("AKIDNOTASECRET00001");
  });

  it("adds credentials the SDK resolved (credential_process, SSO, assumed roles)", () => {
    const secrets = new SecretRegistry();
    addResolvedCredentials(secrets, {
      secretAccessKey: "resolvedSecret000000",
      sessionToken: "resolvedToken000000",
    });
    expect(secrets.scrub("resolvedSecret000000 resolvedToken000000")).toBe(
      "<redacted:AWS secret access key> <redacted:AWS session token>",
    );
  });
});
