import { isAbsolute, join, resolve } from "node:path";

/**
 * Paths inside a workspace root that a sandboxed command may never change, relative to the root: files
 * Quarry, Claude Code, editors or git would later act on (settings granting permissions, MCP servers, git
 * hooks and `core.fsmonitor`, editor tasks). See docs/security/sandbox.md.
 */
export const PROTECTED_IN_WORKSPACE: readonly string[] = [
  ".git/config",
  ".git/hooks",
  ".git/info",
  ".quarry",
  ".claude",
  ".mcp.json",
  ".vscode",
  ".idea",
];

/** Credential stores under the home directory that a sandboxed command must not read. */
const HOME_SECRETS: readonly string[] = [
  ".aws",
  ".ssh",
  ".gnupg",
  ".claude",
  ".claude.json",
  ".docker",
  ".netrc",
  ".git-credentials",
  ".kube",
  ".npmrc",
  ".pypirc",
  ".azure",
  ".config/gcloud",
  ".config/gh",
  ".config/git/credentials",
  ".config/quarry",
  ".local/share/quarry",
];

/**
 * Host directories hidden (replaced by an empty one) because they hold Unix sockets to daemons that act
 * outside any sandbox: Docker, the session bus, ssh-agent. A read-only mount does not stop `connect()`.
 */
const SOCKET_DIRS: readonly string[] = ["/run", "/var/run"];

/** What the sandbox allows, as absolute paths; built once per session. */
export interface SandboxLayout {
  /** Writable: the workspace roots and the session's sandbox temp directory. Everything else is read-only. */
  readonly writable: readonly string[];
  /** Relative to each workspace root: read-only inside the sandbox even though the root is writable. */
  readonly protectedInWorkspace: readonly string[];
  /** Unreadable: credential stores and socket directories (hidden behind an empty directory or file). */
  readonly hidden: readonly string[];
  /** Private, writable, and discarded after each command (a fresh /tmp). */
  readonly scratch: readonly string[];
}

/** Inputs for the layout; `env` supplies AWS_SHARED_CREDENTIALS_FILE and friends when they point elsewhere. */
export interface LayoutOptions {
  readonly roots: readonly string[];
  readonly home: string;
  readonly tempDir: string;
  /** Quarry's user config directory (settings, trust), when it is not ~/.config/quarry. */
  readonly userConfigDir?: string;
  /** Quarry's data directory (transcripts), when it is not ~/.local/share/quarry. */
  readonly dataDir?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** Env vars naming credential files that may live outside the home directory. */
const CREDENTIAL_FILE_ENV = [
  "AWS_SHARED_CREDENTIALS_FILE",
  "AWS_CONFIG_FILE",
  "AWS_WEB_IDENTITY_TOKEN_FILE",
  "GOOGLE_APPLICATION_CREDENTIALS",
  "KUBECONFIG",
  "DOCKER_CONFIG",
  "NETRC",
];

/** The session's layout: workspace + temp writable, secrets hidden, protected paths read-only. */
export function sandboxLayout(o: LayoutOptions): SandboxLayout {
  const env = o.env ?? {};
  const hidden = new Set<string>(HOME_SECRETS.map((p) => join(o.home, p)));
  for (const dir of [o.userConfigDir, o.dataDir]) if (dir) hidden.add(resolve(dir));
  for (const name of CREDENTIAL_FILE_ENV) {
    // KUBECONFIG may be a list; every entry is a credential file.
    for (const path of (env[name] ?? "").split(":")) if (path && isAbsolute(path)) hidden.add(path);
  }
  const runtime = env.XDG_RUNTIME_DIR;
  if (runtime && isAbsolute(runtime)) hidden.add(runtime);
  for (const dir of SOCKET_DIRS) hidden.add(dir);
  return {
    writable: [...new Set([...o.roots.map((r) => resolve(r)), resolve(o.tempDir)])],
    protectedInWorkspace: PROTECTED_IN_WORKSPACE,
    hidden: [...hidden],
    scratch: ["/tmp", "/var/tmp"],
  };
}

// Names of env vars whose values are credentials; they are dropped from a sandboxed command's environment,
// so `env` inside the sandbox cannot show them (see docs/security/sandbox.md).
const SECRET_ENV_NAME =
  /(^|_)(TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|CREDENTIALS?|API_?KEY|ACCESS_KEY(_ID)?|PRIVATE_KEY|AUTH)(_|$)/i;
const SECRET_ENV_EXACT = new Set([
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_SECURITY_TOKEN",
  "AWS_BEARER_TOKEN_BEDROCK",
  "AWS_CONTAINER_CREDENTIALS_FULL_URI",
  "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
  "SSH_AUTH_SOCK",
  "GPG_AGENT_INFO",
]);

/** The environment a sandboxed command sees: the given one without credential-bearing variables. */
export function sandboxEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || SECRET_ENV_EXACT.has(name) || SECRET_ENV_NAME.test(name)) continue;
    out[name] = value;
  }
  return out;
}
