import type { OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { Tool as McpTool } from "@modelcontextprotocol/sdk/types.js";
import type { McpCallResult } from "./content.js";
import { authFile, FileOAuthProvider } from "./oauth-store.js";
import { isRemote, type McpServerConfig, transportOf } from "./server-config.js";

/** Quarry as an MCP client names itself so in `initialize`. */
const CLIENT_INFO = { name: "quarry", version: "0.1.0" };
// The last lines a stdio server wrote to stderr, for saying why it failed or died.
const STDERR_LINES = 5;

/** One connected MCP server: its tools, calls, and a hook for when it goes away. */
export interface McpConnection {
  readonly client: Client;
  listTools(): Promise<McpTool[]>;
  callTool(
    name: string,
    args: unknown,
    options: { signal: AbortSignal; timeoutMs?: number },
  ): Promise<McpCallResult>;
  /** What the server last said on stderr (stdio servers), for error messages. */
  stderrTail(): string;
  close(): Promise<void>;
}

/** How a connection is opened: where stdio servers run, and how to hear about tool-list changes and exits. */
export interface ConnectOptions {
  cwd: string;
  /** Give up connecting (initialize included) after this long. */
  timeoutMs: number;
  /** The session closed while this server was still starting. */
  signal?: AbortSignal;
  onToolsChanged(): void;
  onClose(): void;
  /**
   * Where remote servers' OAuth sign-ins are stored (docs/mcp.md#remote-sign-in) and the server's name.
   * Without it a server that wants OAuth fails with the SDK's UnauthorizedError.
   */
  auth?: { dir: string; server: string };
}

/** The error a session gets from a server that wants OAuth: it cannot wait for a browser, so it says how. */
export class McpSignInRequired extends Error {
  constructor(server: string) {
    super(`it needs you to sign in; run \`quarry mcp auth ${server}\` and start again`);
  }
}

/**
 * The OAuth provider for a remote server, unless its config sends its own Authorization header (a token
 * the user manages). A session cannot open a browser, so signing in fails with the command that does.
 */
function sessionAuthProvider(config: McpServerConfig, o: ConnectOptions): FileOAuthProvider | undefined {
  if (!o.auth || !isRemote(config)) return undefined;
  if (Object.keys(config.headers ?? {}).some((h) => h.toLowerCase() === "authorization")) return undefined;
  const server = o.auth.server;
  return new FileOAuthProvider(authFile(o.auth.dir, server, config.url), o.auth.dir, config.url, () => {
    throw new McpSignInRequired(server);
  });
}

/**
 * The MCP SDK (with ajv and its schema compiler, ~340 KB) is loaded on the first connection, not at start-up:
 * most sessions configure no server, and none should pay for it before the first model request.
 */
export async function loadMcpSdk() {
  const [client, sse, stdio, http] = await Promise.all([
    import("@modelcontextprotocol/sdk/client/index.js"),
    import("@modelcontextprotocol/sdk/client/sse.js"),
    import("@modelcontextprotocol/sdk/client/stdio.js"),
    import("@modelcontextprotocol/sdk/client/streamableHttp.js"),
  ]);
  return {
    Client: client.Client,
    SSEClientTransport: sse.SSEClientTransport,
    StdioClientTransport: stdio.StdioClientTransport,
    StreamableHTTPClientTransport: http.StreamableHTTPClientTransport,
  };
}
type McpSdk = Awaited<ReturnType<typeof loadMcpSdk>>;

/** Builds the SDK transport for an expanded config. */
export function createTransport(
  sdk: McpSdk,
  config: McpServerConfig,
  cwd: string,
  authProvider?: OAuthClientProvider,
): Transport {
  const { SSEClientTransport, StdioClientTransport, StreamableHTTPClientTransport } = sdk;
  const kind = transportOf(config);
  if (isRemote(config)) {
    const url = new URL(config.url);
    const requestInit = config.headers ? { headers: config.headers } : undefined;
    return kind === "http"
      ? new StreamableHTTPClientTransport(url, { requestInit, authProvider })
      : new SSEClientTransport(url, { requestInit, authProvider });
  }
  // The SDK gives the child only a safe subset of this process's env (HOME, PATH, USER…) plus the
  // server's own `env`: AWS credentials and other secrets are not handed to every server.
  return new StdioClientTransport({
    command: config.command,
    args: config.args ?? [],
    env: config.env,
    cwd: config.cwd ?? cwd,
    stderr: "pipe",
  });
}

/** Connects to one server (spawning it for stdio); rejects on failure or after `timeoutMs`. */
export async function connectServer(config: McpServerConfig, o: ConnectOptions): Promise<McpConnection> {
  let url: string | undefined;
  if (isRemote(config)) {
    try {
      url = new URL(config.url).href;
    } catch {
      throw new Error(`"${config.url}" is not a URL; write it as http://host:port/path`);
    }
  }
  const sdk = await loadMcpSdk();
  const transport = createTransport(sdk, config, o.cwd, sessionAuthProvider(config, o));
  const tail: string[] = [];
  if (transport instanceof sdk.StdioClientTransport) {
    transport.stderr?.on("data", (chunk: Buffer) => {
      tail.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      tail.splice(0, Math.max(0, tail.length - STDERR_LINES));
    });
  }
  const client = new sdk.Client(CLIENT_INFO, {
    capabilities: {},
    listChanged: { tools: { autoRefresh: false, debounceMs: 50, onChanged: () => o.onToolsChanged() } },
  });
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), o.timeoutMs);
  const cancel = () => controller.abort();
  o.signal?.addEventListener("abort", cancel, { once: true });
  try {
    await client.connect(transport, { signal: controller.signal, timeout: o.timeoutMs });
  } catch (err) {
    await client.close().catch(() => {});
    const why = o.signal?.aborted
      ? "the session closed while it was starting"
      : controller.signal.aborted
        ? `it did not answer within ${o.timeoutMs} ms (MCP_TIMEOUT)`
        : describeConnectError(err, config, url);
    const said = tail.length > 0 ? `; it said: ${tail.join(" | ")}` : "";
    throw new Error(`${why}${said}`);
  } finally {
    clearTimeout(timer);
    o.signal?.removeEventListener("abort", cancel);
  }
  client.onclose = () => o.onClose();
  return {
    client,
    async listTools() {
      const tools: McpTool[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.listTools(cursor ? { cursor } : undefined);
        tools.push(...page.tools);
        cursor = page.nextCursor;
      } while (cursor);
      return tools;
    },
    async callTool(name, args, options) {
      const result = await client.callTool(
        { name, arguments: (args ?? {}) as Record<string, unknown> },
        undefined,
        {
          signal: options.signal,
          ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}),
          resetTimeoutOnProgress: true,
        },
      );
      return result as McpCallResult;
    },
    stderrTail: () => tail.join(" | "),
    async close() {
      client.onclose = undefined;
      await client.close().catch(() => {});
    },
  };
}

function describeConnectError(err: unknown, config: McpServerConfig, url: string | undefined): string {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === "ENOENT" && !isRemote(config)) {
    return `command "${config.command}" was not found; install it or fix "command" (PATH is searched)`;
  }
  const message = e instanceof Error ? e.message : String(err);
  if (url && /ECONNREFUSED|fetch failed/i.test(message)) return `nothing is listening at ${url} (${message})`;
  return message;
}
