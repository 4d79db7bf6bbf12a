import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

const modules = fileURLToPath(new URL("../../node_modules/@modelcontextprotocol/", import.meta.url));

/** The registry's reference servers, run with this Node (devDependencies). */
export const EVERYTHING = `${modules}server-everything/dist/index.js`;
export const FILESYSTEM = `${modules}server-filesystem/dist/index.js`;
/** A small server on the real SDK for what the reference servers cannot do on cue (die, change tools). */
export const FLAKY = fileURLToPath(new URL("./fixtures/flaky-server.mjs", import.meta.url));

/** A stdio server config for server-everything. */
export function everythingStdio(): { command: string; args: string[] } {
  return { command: process.execPath, args: [EVERYTHING, "stdio"] };
}

/** A port nothing listens on right now, on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

/** server-everything over Streamable HTTP (or SSE) on 127.0.0.1, resolved once it listens. */
export async function startEverythingHttp(
  transport: "streamableHttp" | "sse" = "streamableHttp",
): Promise<{ url: string; stop(): void; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, [EVERYTHING, transport], {
    env: { ...process.env, PORT: String(port) },
    stdio: ["ignore", "ignore", "pipe"],
  });
  await new Promise<void>((resolve, reject) => {
    let said = "";
    child.stderr!.on("data", (d: Buffer) => {
      said += d.toString();
      if (/listening on port|running on port/i.test(said)) resolve();
    });
    child.on("exit", (code) => reject(new Error(`server-everything exited (${code}): ${said}`)));
  });
  const path = transport === "sse" ? "/sse" : "/mcp";
  return { url: `http://127.0.0.1:${port}${path}`, child, stop: () => child.kill() };
}

/** The SDK's own example server with its demo OAuth authorization server (`--oauth`), on free ports. */
export async function startOAuthExampleServer(): Promise<{ url: string; stop(): void }> {
  const [mcpPort, authPort] = [await freePort(), await freePort()];
  const script = `${modules}sdk/dist/esm/examples/server/simpleStreamableHttp.js`;
  const child = spawn(process.execPath, [script, "--oauth"], {
    env: { ...process.env, MCP_PORT: String(mcpPort), MCP_AUTH_PORT: String(authPort) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  await new Promise<void>((resolve, reject) => {
    let said = "";
    const hear = (d: Buffer) => {
      said += d.toString();
      if (/Authorization Server listening/.test(said) && /Streamable HTTP Server listening/.test(said))
        resolve();
    };
    child.stdout!.on("data", hear);
    child.stderr!.on("data", hear);
    child.on("exit", (code) => reject(new Error(`the OAuth example server exited (${code}): ${said}`)));
  });
  return { url: `http://localhost:${mcpPort}/mcp`, stop: () => child.kill() };
}
