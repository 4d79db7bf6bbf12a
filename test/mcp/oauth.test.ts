import { spawn } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emulatorClientEnv, type RunningEmulator } from "../../emulator/index.js";
import { mainTurns, makeRepo, runCli, scriptedWorld, startWorld, tool } from "../e2e/harness.js";
import { BIN } from "../support/run-cli.js";
import { startOAuthExampleServer } from "./servers.js";

let server: { url: string; stop(): void };
let emulator: RunningEmulator;
let home: string;
beforeAll(async () => {
  server = await startOAuthExampleServer();
  ({ emulator, home } = await startWorld(
    scriptedWorld([
      { turn: 1, reply: { content: [tool("mcp__demo__greet", { name: "Marie" })] } },
      { turn: 2, reply: { content: [{ type: "text", text: "Greeted." }] } },
    ]),
  ));
}, 30_000);
afterAll(async () => {
  server.stop();
  await emulator.close();
});

/** `quarry mcp auth demo`, with the test acting as the browser: it follows the printed link. */
function signInAsBrowser(cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env = { ...emulatorClientEnv(emulator.url, home), NO_COLOR: "1" };
    const child = spawn(process.execPath, [BIN, "mcp", "auth", "demo"], { cwd, env });
    let stdout = "";
    let stderr = "";
    let followed = false;
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", async (d) => {
      stderr += d;
      const link = /(http\S+\/authorize\?\S+)/.exec(stderr)?.[1];
      if (!link || followed) return;
      followed = true;
      // The demo authorization server approves at once and redirects to Quarry's 127.0.0.1 callback.
      const approve = await fetch(link, { redirect: "manual" });
      const callback = approve.headers.get("location");
      if (!callback) return reject(new Error(`no redirect from ${link}: ${approve.status}`));
      expect(new URL(callback).hostname).toBe("127.0.0.1");
      await fetch(callback);
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe("remote MCP server sign-in (OAuth 2.1 + PKCE, the SDK's example authorization server)", () => {
  it("a session before sign-in warns with the command; after `quarry mcp auth` the tool works", async () => {
    const cwd = makeRepo();
    const add = await runCli(["mcp", "add", "--transport", "http", "demo", server.url, "-s", "user"], {
      cwd,
      emulator,
      home,
    });
    expect(add.code).toBe(0);

    const before = await runCli(["-p", "hi", "--allowedTools", "mcp__demo__greet"], { cwd, emulator, home });
    expect(before.stderr).toContain("quarry mcp auth demo");
    const offered = (mainTurns(emulator)[0]!.body as { tools: { name: string }[] }).tools.map((t) => t.name);
    expect(offered).toContain("Read");
    expect(offered).not.toContain("mcp__demo__greet");

    const signed = await signInAsBrowser(cwd);
    expect(signed.stderr).toContain('Open this link to sign in to MCP server "demo"');
    expect(signed.stderr).not.toContain("failed");
    expect(signed.code).toBe(0);
    expect(signed.stdout).toContain('Signed in to MCP server "demo"');

    // The sign-in is a 0600 file in a 0700 folder, and no token reaches the terminal.
    const dir = join(home, ".quarry", "mcp-auth");
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const [file] = readdirSync(dir);
    expect(statSync(join(dir, file!)).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(readFileSync(join(dir, file!), "utf8"));
    const token = stored.tokens.access_token as string;
    expect(token.length).toBeGreaterThan(8);
    expect(signed.stdout + signed.stderr).not.toContain(token);

    const after = await runCli(["-p", "greet Marie", "--allowedTools", "mcp__demo__greet"], {
      cwd,
      emulator,
      home,
    });
    expect(after.code).toBe(0);
    expect(after.stderr).not.toContain("sign in");
    const turns = mainTurns(emulator);
    const last = turns.at(-1)!.body as { messages: { content: unknown }[] };
    expect(JSON.stringify(last.messages.at(-1)!.content)).toContain("Hello, Marie!");
    expect(after.stdout + JSON.stringify(emulator.log)).not.toContain(token);
  }, 120_000);
});
