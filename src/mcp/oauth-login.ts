import { spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import { UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import type { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { createTransport, loadMcpSdk } from "./connection.js";
import { authFile, FileOAuthProvider, readStoredAuth } from "./oauth-store.js";
import type { McpRemoteConfig } from "./server-config.js";

/** Claude Code's default: the user has five minutes to finish in the browser. */
const DEFAULT_SIGN_IN_TIMEOUT_MS = 5 * 60_000;

/** What a sign-in needs: the server, where sign-ins live, where to talk to the user. */
export interface SignInOptions {
  name: string;
  config: McpRemoteConfig;
  dir: string;
  cwd: string;
  out(line: string): void;
  err(line: string): void;
  /** Opens the authorization page; default: the system's opener when stdout is a terminal. */
  openUrl?(url: string): void;
  timeoutMs?: number;
}

/** A one-shot callback listener on 127.0.0.1 for the authorization server's redirect. */
interface Callback {
  url: string;
  code: Promise<string>;
  close(): void;
}

async function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve((server.address() as { port: number }).port);
    });
  });
}

/** Listens for `/callback?code=…&state=…`; a state that is not ours or an `error` rejects. */
async function startCallback(
  preferredPort: number,
  state: () => string,
  timeoutMs: number,
): Promise<Callback> {
  let settle: { ok(code: string): void; fail(err: Error): void } | undefined;
  const code = new Promise<string>((ok, fail) => {
    settle = { ok, fail };
  });
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (url.pathname !== "/callback") return void res.writeHead(404).end();
    const error = url.searchParams.get("error");
    const got = url.searchParams.get("code");
    const reply = (status: number, text: string) =>
      res.writeHead(status, { "content-type": "text/plain; charset=utf-8" }).end(text);
    if (error) {
      reply(400, "Sign-in failed; see the terminal.");
      settle?.fail(
        new Error(
          `the authorization server said: ${error} ${url.searchParams.get("error_description") ?? ""}`.trim(),
        ),
      );
    } else if (!got || url.searchParams.get("state") !== state()) {
      reply(400, "This sign-in link does not belong to the running `quarry mcp auth`.");
      settle?.fail(new Error("the callback's state did not match this sign-in; start it again"));
    } else {
      reply(200, "Signed in to the MCP server. You can close this tab and return to the terminal.");
      settle?.ok(got);
    }
  });
  let port: number;
  try {
    port = await listen(server, preferredPort);
  } catch {
    port = await listen(server, 0); // the registered port is taken: a new registration follows
  }
  const timer = setTimeout(
    () => settle?.fail(new Error(`nobody finished signing in within ${Math.round(timeoutMs / 1000)} s`)),
    timeoutMs,
  );
  return {
    url: `http://127.0.0.1:${port}/callback`,
    code: code.finally(() => clearTimeout(timer)),
    close: () => {
      clearTimeout(timer);
      server.close();
      server.closeAllConnections(); // the browser's keep-alive socket must not hold the process open
    },
  };
}

function systemOpener(url: string): void {
  if (!process.stdout.isTTY) return;
  const command =
    process.platform === "darwin" ? "open" : process.platform === "win32" ? "explorer" : "xdg-open";
  const child = spawn(command, [url], { stdio: "ignore", detached: true });
  child.on("error", () => {}); // no opener: the printed link is enough
  child.unref();
}

/**
 * `quarry mcp auth NAME`: the MCP authorization flow (OAuth 2.1 with PKCE and dynamic client registration,
 * all in the SDK's auth helpers) with a 127.0.0.1 callback. Tokens land in a 0600 file; nothing of them is
 * printed. Returns the exit code.
 */
export async function signIn(o: SignInOptions): Promise<number> {
  const file = authFile(o.dir, o.name, o.config.url);
  const previous = readStoredAuth(file)?.redirectUrl;
  const preferredPort = previous ? Number(new URL(previous).port) : 0;
  let provider: FileOAuthProvider | undefined;
  const callback = await startCallback(
    preferredPort,
    () => provider?.state() ?? "",
    o.timeoutMs ?? DEFAULT_SIGN_IN_TIMEOUT_MS,
  );
  provider = new FileOAuthProvider(
    file,
    o.dir,
    o.config.url,
    (authorizationUrl) => {
      o.err(`Open this link to sign in to MCP server "${o.name}":`);
      o.err(`  ${authorizationUrl.href}`);
      (o.openUrl ?? systemOpener)(authorizationUrl.href);
    },
    callback.url,
  );
  const connectOnce = async () => {
    const client = new Client({ name: "quarry", version: "0.1.0" });
    const transport = createTransport(await loadMcpSdk(), o.config, o.cwd, provider) as
      | StreamableHTTPClientTransport
      | SSEClientTransport;
    try {
      await client.connect(transport);
      return { client, transport, signedIn: true as const };
    } catch (err) {
      await client.close().catch(() => {});
      if (err instanceof UnauthorizedError) return { client, transport, signedIn: false as const };
      throw err;
    }
  };
  try {
    let attempt = await connectOnce();
    if (!attempt.signedIn) {
      const code = await callback.code;
      await attempt.transport.finishAuth(code);
      attempt = await connectOnce();
      if (!attempt.signedIn) throw new Error("the server still refused the new token");
    }
    const tools = await attempt.client.listTools().then(
      (r) => r.tools.length,
      () => undefined,
    );
    await attempt.client.close();
    o.out(
      `Signed in to MCP server "${o.name}"${tools === undefined ? "" : ` (${tools} tools)`}. The sign-in is stored in ${file}, readable only by you; \`quarry mcp auth ${o.name} --logout\` removes it.`,
    );
    return 0;
  } catch (err) {
    o.err(`signing in to MCP server "${o.name}" failed: ${(err as Error).message}`);
    return 1;
  } finally {
    callback.close();
  }
}
