import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/index.js";
import { mainTurns, makeRepo, runCli, scriptedWorld, startWorld } from "../e2e/harness.js";
import { EVERYTHING, everythingStdio } from "./servers.js";

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const call = (name: string, input: Record<string, unknown>) => ({
  type: "tool_use" as const,
  id: `toolu_${name.replace(/\W/g, "")}`,
  name,
  input,
});

/** A scripted model that calls one tool, then finishes. */
async function modelCalling(name: string, input: Record<string, unknown>) {
  const started = await startWorld(
    scriptedWorld([
      { turn: 1, reply: { content: [call(name, input)] } },
      { turn: 2, reply: { content: [{ type: "text", text: "Done." }] } },
    ]),
  );
  emulator = started.emulator;
  return started;
}

type Block = { type: string; content?: unknown; is_error?: boolean; tool_use_id?: string };
function toolResultSent(em: RunningEmulator): Block {
  const body = mainTurns(em)[1]!.body as { messages: { content: Block[] }[] };
  return body.messages.at(-1)!.content.find((b) => b.type === "tool_result")!;
}
/** The tools offered in the first request of the latest run (each run here makes two main requests). */
function toolsOffered(em: RunningEmulator): string[] {
  return (mainTurns(em).at(-2)!.body as { tools: { name: string }[] }).tools.map((t) => t.name);
}
const everythingConfig = JSON.stringify({ mcpServers: { everything: everythingStdio() } });

describe("quarry -p with MCP servers (built CLI, scripted emulator model)", () => {
  it("the model calls mcp__everything__echo and the result reaches its next request", async () => {
    const { emulator: em, home } = await modelCalling("mcp__everything__echo", { message: "ping" });
    const run = await runCli(
      [
        "-p",
        "echo ping",
        "--output-format",
        "quarry-events",
        "--allowedTools",
        "mcp__everything__echo",
        "--mcp-config",
        everythingConfig,
      ],
      { cwd: makeRepo(), emulator: em, home },
    );
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(toolsOffered(em)).toContain("mcp__everything__echo");
    const result = toolResultSent(em);
    expect(result.is_error).toBeFalsy();
    expect(JSON.stringify(result.content)).toContain("Echo: ping");
    const init = JSON.parse(run.stdout.split("\n")[0]!);
    expect(init.mcpServers).toEqual([
      expect.objectContaining({ name: "everything", status: "connected", source: "dynamic" }),
    ]);
  });

  it("without permission the model gets Claude Code's denial and the flag that grants it", async () => {
    const { emulator: em, home } = await modelCalling("mcp__everything__echo", { message: "ping" });
    const run = await runCli(["-p", "echo ping", "--mcp-config", everythingConfig], {
      cwd: makeRepo(),
      emulator: em,
      home,
    });
    expect(run.code).toBe(0);
    const result = toolResultSent(em);
    expect(result.is_error).toBe(true);
    expect(String(result.content)).toContain(
      "requested permissions to use mcp__everything__echo, but you haven't granted it yet",
    );
    expect(String(result.content)).toContain('--allowedTools "mcp__everything__echo"');
  });

  it("an image from an MCP tool is passed to the model", async () => {
    const { emulator: em, home } = await modelCalling("mcp__everything__get-tiny-image", {});
    const run = await runCli(
      ["-p", "show me", "--allowedTools", "mcp__everything", "--mcp-config", everythingConfig],
      { cwd: makeRepo(), emulator: em, home },
    );
    expect(run.code).toBe(0);
    const content = toolResultSent(em).content as { type: string; source?: { media_type: string } }[];
    expect(content.find((b) => b.type === "image")?.source?.media_type).toBe("image/png");
  });

  it("a missing command and a server that hangs at start-up: the turn completes, stderr says so", async () => {
    const { emulator: em, home } = await modelCalling("Glob", { pattern: "*" });
    const config = JSON.stringify({
      mcpServers: {
        ghost: { command: "quarry-no-such-mcp-server-binary" },
        sleepy: { command: process.execPath, args: ["-e", "setInterval(() => {}, 1000)"] },
      },
    });
    const started = Date.now();
    const run = await runCli(["-p", "list files", "--mcp-config", config], {
      cwd: makeRepo(),
      emulator: em,
      home,
      env: { MCP_TIMEOUT: "1500" },
    });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Done.");
    expect(run.stderr).toContain(
      'quarry: warning: MCP server "ghost" failed to start: command "quarry-no-such-mcp-server-binary" was not found',
    );
    expect(run.stderr).toContain(
      'MCP server "sleepy" failed to start: it did not answer within 1500 ms (MCP_TIMEOUT)',
    );
  });

  it("an untrusted project's .mcp.json server never starts; trusting the folder runs it", async () => {
    const { emulator: em, home } = await modelCalling("Glob", { pattern: "*" });
    const repo = makeRepo();
    const marker = join(repo, "server-ran.marker");
    // The server a repository asks for: it leaves a marker file the moment it runs.
    const script = `require("fs").writeFileSync(${JSON.stringify(marker)}, "ran"); process.argv.splice(1, 1); process.argv[1] = ${JSON.stringify(EVERYTHING)}; import(${JSON.stringify(EVERYTHING)});`;
    writeFileSync(
      join(repo, ".mcp.json"),
      JSON.stringify({ mcpServers: { repo: { command: process.execPath, args: ["-e", script, "stdio"] } } }),
    );
    const untrusted = await runCli(["-p", "list files"], { cwd: repo, emulator: em, home });
    expect(untrusted.code).toBe(0);
    expect(existsSync(marker)).toBe(false);
    expect(untrusted.stderr).toMatch(
      /MCP server "repo" from .*\.mcp\.json was not started: .* is not a trusted folder/,
    );
    expect(untrusted.stderr).toContain("--trust-project / QUARRY_TRUST_PROJECT=1");

    const trusted = await runCli(["-p", "list files"], {
      cwd: repo,
      emulator: em,
      home,
      env: { QUARRY_TRUST_PROJECT: "1" },
    });
    expect(trusted.code).toBe(0);
    expect(existsSync(marker)).toBe(true);
    expect(trusted.stderr).toBe("");
    expect(toolsOffered(em).filter((n) => n.startsWith("mcp__repo__")).length).toBeGreaterThan(0);
  });
});
