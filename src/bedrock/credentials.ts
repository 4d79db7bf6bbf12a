import { spawn } from "node:child_process";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import type { AwsProfileInfo } from "./aws-config.js";
import { classifyBedrockError, type FailureContext, QuarryError } from "./errors.js";

/** How Quarry authenticates to Bedrock. */
export type AuthMode =
  | { kind: "sigv4"; source: string }
  | { kind: "bearer"; source: string }
  | { kind: "none"; source: string };

/** Refresh this long before expiry so a long turn never starts with credentials about to lapse. */
const REFRESH_WINDOW_MS = 5 * 60 * 1000;

/** Picks the auth scheme the way Claude Code does: skip-auth, then a Bedrock API key, then the AWS chain. */
export function chooseAuthMode(env: NodeJS.ProcessEnv, profile: AwsProfileInfo): AuthMode {
  if (isTruthy(env.CLAUDE_CODE_SKIP_BEDROCK_AUTH))
    return { kind: "none", source: "env CLAUDE_CODE_SKIP_BEDROCK_AUTH" };
  if (env.AWS_BEARER_TOKEN_BEDROCK)
    return { kind: "bearer", source: "Bedrock API key (env AWS_BEARER_TOKEN_BEDROCK)" };
  return { kind: "sigv4", source: describeCredentialSource(env, profile) };
}

/**
 * Names which link of the AWS default chain will supply credentials, in the chain's own order, without
 * resolving them (doctor shows this even when resolution fails).
 */
export function describeCredentialSource(env: NodeJS.ProcessEnv, profile: AwsProfileInfo): string {
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    return `environment variables (AWS_ACCESS_KEY_ID …${env.AWS_ACCESS_KEY_ID.slice(-4)}${env.AWS_SESSION_TOKEN ? " with AWS_SESSION_TOKEN" : ""})`;
  }
  const label = `profile ${profile.name} (${profile.nameSource})`;
  const c = profile.config ?? {};
  if (c.sso_session || c.sso_start_url) return `${label}: SSO`;
  if (c.credential_process) return `${label}: credential_process`;
  if (c.role_arn) return `${label}: assume role ${c.role_arn}`;
  if (profile.hasStaticKeys) return `${label}: keys in ${profile.credentialsFile}`;
  if (env.AWS_WEB_IDENTITY_TOKEN_FILE) return "web identity token (AWS_WEB_IDENTITY_TOKEN_FILE)";
  if (env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI || env.AWS_CONTAINER_CREDENTIALS_FULL_URI)
    return "container credentials";
  return "instance metadata (no env keys or profile credentials found)";
}

export interface CredentialCacheOptions {
  /** The underlying provider, normally the AWS SDK's fromNodeProviderChain. */
  load: AwsCredentialIdentityProvider;
  /** Run once when credentials are expired (the `awsAuthRefresh` setting), then retry. */
  authRefresh?: { command: string; run?: (command: string) => Promise<void> };
  context?: FailureContext;
  now?: () => number;
}

/**
 * Resolves credentials once and reuses them until shortly before they expire. Concurrent callers share one
 * in-flight resolution (single-flight). Failures become QuarryErrors with the fix (e.g. `aws sso login`).
 */
export class CredentialCache {
  private cached: AwsCredentialIdentity | undefined;
  private inFlight: Promise<AwsCredentialIdentity> | undefined;
  private refreshTried = false;
  private readonly now: () => number;
  private readonly resolvedListeners: ((creds: AwsCredentialIdentity) => void)[] = [];

  constructor(private readonly options: CredentialCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  /**
   * The provider to hand to AWS SDK clients. Marked `memoized` so the SDK does not wrap it in its own cache:
   * that cache would keep credentials without an expiry forever, and a refresh (awsAuthRefresh, a new SSO
   * login) could never take effect in this session.
   */
  readonly provider: AwsCredentialIdentityProvider = Object.assign(() => this.get(), { memoized: true });

  async get(): Promise<AwsCredentialIdentity> {
    if (this.cached && !this.expiresSoon(this.cached)) return this.cached;
    this.inFlight ??= this.resolve().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** Calls `listener` with every set of credentials resolved (so a session can scrub them: src/secrets/). */
  onResolved(listener: (creds: AwsCredentialIdentity) => void): void {
    this.resolvedListeners.push(listener);
  }

  /** Forget cached credentials (after Bedrock said they expired, or after a refresh command ran). */
  invalidate(): void {
    this.cached = undefined;
  }

  /**
   * Runs the awsAuthRefresh command at most once per failure streak; returns true if it ran and the caller
   * should retry. A second consecutive failure is reported instead of looping.
   */
  async tryAuthRefresh(): Promise<boolean> {
    const refresh = this.options.authRefresh;
    if (!refresh || this.refreshTried) return false;
    this.refreshTried = true;
    await (refresh.run ?? runShellCommand)(refresh.command);
    this.invalidate();
    return true;
  }

  private async resolve(): Promise<AwsCredentialIdentity> {
    const creds = await this.resolveOnce();
    for (const listener of this.resolvedListeners) listener(creds);
    return creds;
  }

  private async resolveOnce(): Promise<AwsCredentialIdentity> {
    try {
      const creds = await this.options.load();
      if (creds.expiration && creds.expiration.getTime() <= this.now()) {
        throw new QuarryError({
          ...this.options.context,
          kind: "expired-credentials",
          rawMessage: `credentials expired at ${creds.expiration.toISOString()}`,
          explanation: "Your AWS credentials have expired.",
          fix: this.options.context?.awsProfile
            ? `aws sso login --profile ${this.options.context.awsProfile}`
            : "Refresh your temporary credentials and export them again.",
          retryable: false,
        });
      }
      this.cached = creds;
      this.refreshTried = false;
      return creds;
    } catch (err) {
      const classified = classifyBedrockError(err, this.options.context);
      if (classified.kind === "expired-credentials" && (await this.tryAuthRefresh())) {
        try {
          this.cached = await this.options.load();
          return this.cached;
        } catch (again) {
          throw classifyBedrockError(again, this.options.context);
        }
      }
      throw classified;
    }
  }

  private expiresSoon(creds: AwsCredentialIdentity): boolean {
    return creds.expiration !== undefined && creds.expiration.getTime() - REFRESH_WINDOW_MS <= this.now();
  }
}

/** Builds the AWS default chain provider lazily, so start-up never loads the SDK unless a call needs it. */
export async function defaultChainProvider(
  profile: string | undefined,
): Promise<AwsCredentialIdentityProvider> {
  const { fromNodeProviderChain } = await import("@aws-sdk/credential-providers");
  // ignoreCache: re-read ~/.aws files on each resolution, so a refreshed credentials file is picked up.
  return fromNodeProviderChain(profile ? { profile, ignoreCache: true } : { ignoreCache: true });
}

/** Runs awsAuthRefresh with output on stderr (stdout belongs to print mode's result). */
function runShellCommand(command: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, { shell: true, stdio: ["ignore", process.stderr, process.stderr] });
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`awsAuthRefresh command \`${command}\` exited with code ${code}`)),
    );
  });
}

function isTruthy(v: string | undefined): boolean {
  return v !== undefined && !["", "0", "false", "no", "off"].includes(v.trim().toLowerCase());
}
