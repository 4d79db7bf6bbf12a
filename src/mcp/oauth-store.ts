import { createHash, randomBytes } from "node:crypto";
import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from "@modelcontextprotocol/sdk/shared/auth.js";
import { atomicWriteFile } from "../tools/atomic-write.js";

/** What Quarry keeps for one remote server's sign-in: never logged, mode 0600 in a 0700 folder. */
export interface StoredAuth {
  serverUrl: string;
  /** The callback the client was registered with; a later sign-in reuses its port. */
  redirectUrl?: string;
  clientInformation?: OAuthClientInformationMixed;
  tokens?: OAuthTokens;
  codeVerifier?: string;
}

/** The folder under the user config dir that holds MCP sign-ins (docs/security/mcp.md#remote-sign-in). */
export function mcpAuthDir(userConfigDir: string): string {
  return join(userConfigDir, "mcp-auth");
}

/** One file per server name and URL: a server that moves to a new URL signs in afresh. */
export function authFile(dir: string, server: string, url: string): string {
  const safe = server.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 40);
  const hash = createHash("sha256").update(url).digest("hex").slice(0, 12);
  return join(dir, `${safe}-${hash}.json`);
}

/** Reads a stored sign-in; a missing or unreadable file is "not signed in". */
export function readStoredAuth(file: string): StoredAuth | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as StoredAuth;
  } catch {
    return undefined;
  }
}

/** Removes a stored sign-in (`quarry mcp auth NAME --logout`); true when there was one. */
export function forgetStoredAuth(file: string): boolean {
  const had = readStoredAuth(file) !== undefined;
  rmSync(file, { force: true });
  return had;
}

async function writeStoredAuth(file: string, dir: string, data: StoredAuth): Promise<void> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  // Created 0600 before the first byte is written; atomicWriteFile keeps an existing file's mode.
  closeSync(openSync(file, "a", 0o600));
  chmodSync(file, 0o600);
  await atomicWriteFile(file, `${JSON.stringify(data, null, 2)}\n`);
}

/** How a provider reacts when the server wants the user to sign in. */
export type SignInHandler = (authorizationUrl: URL) => void | Promise<void>;

/**
 * The SDK's OAuthClientProvider backed by a file: dynamic client registration, PKCE verifier, tokens and
 * refresh all go through the SDK's auth helpers; this only stores what they hand over. `onSignIn` decides
 * what "send the user to the authorization page" means: print the link (`quarry mcp auth`), or fail with
 * the command to run (a session, which cannot wait for a browser).
 */
export class FileOAuthProvider implements OAuthClientProvider {
  private data: StoredAuth;
  private readonly expectedState = randomBytes(16).toString("hex");

  constructor(
    private readonly file: string,
    private readonly dir: string,
    serverUrl: string,
    private readonly onSignIn: SignInHandler,
    private readonly callbackUrl?: string,
  ) {
    const stored = readStoredAuth(file);
    this.data = stored?.serverUrl === serverUrl ? stored : { serverUrl };
    // A registration is bound to its redirect URI: a new callback needs a new registration.
    if (callbackUrl && this.data.redirectUrl !== callbackUrl) {
      this.data = { serverUrl, redirectUrl: callbackUrl };
    }
  }

  get redirectUrl(): string {
    // A session has no callback listening; the SDK still needs a URL to choose the authorization-code flow,
    // and onSignIn stops it before anything is sent there.
    return this.callbackUrl ?? this.data.redirectUrl ?? "http://127.0.0.1/callback";
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: "Quarry",
      redirect_uris: this.redirectUrl ? [this.redirectUrl] : [],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
    };
  }

  /** The state sent with the authorization request; the callback must bring it back. */
  state(): string {
    return this.expectedState;
  }

  clientInformation(): OAuthClientInformationMixed | undefined {
    return this.data.clientInformation;
  }

  async saveClientInformation(info: OAuthClientInformationMixed): Promise<void> {
    // Registering belongs to the sign-in (with its real callback), not to a session that cannot finish one.
    if (!this.callbackUrl) return this.onSignIn(new URL(this.redirectUrl));
    this.data = { ...this.data, clientInformation: info, redirectUrl: this.redirectUrl };
    await writeStoredAuth(this.file, this.dir, this.data);
  }

  tokens(): OAuthTokens | undefined {
    return this.data.tokens;
  }

  async saveTokens(tokens: OAuthTokens): Promise<void> {
    this.data = { ...this.data, tokens };
    await writeStoredAuth(this.file, this.dir, this.data);
  }

  redirectToAuthorization(authorizationUrl: URL): void | Promise<void> {
    return this.onSignIn(authorizationUrl);
  }

  async saveCodeVerifier(codeVerifier: string): Promise<void> {
    this.data = { ...this.data, codeVerifier };
    await writeStoredAuth(this.file, this.dir, this.data);
  }

  codeVerifier(): string {
    if (!this.data.codeVerifier) throw new Error("no sign-in is in progress (no PKCE verifier saved)");
    return this.data.codeVerifier;
  }

  async invalidateCredentials(scope: "all" | "client" | "tokens" | "verifier" | "discovery"): Promise<void> {
    if (scope === "discovery") return;
    const next = { ...this.data };
    if (scope === "all" || scope === "client") delete next.clientInformation;
    if (scope === "all" || scope === "tokens") delete next.tokens;
    if (scope === "all" || scope === "verifier") delete next.codeVerifier;
    this.data = next;
    await writeStoredAuth(this.file, this.dir, this.data);
  }
}
