import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type Options, query, type SDKMessage } from "@anthropic-ai/claude-agent-sdk";
import { afterEach, describe, expect, it } from "vitest";
import { emulatorClientEnv, type RunningEmulator } from "../../emulator/index.js";
import { ClaudeMessage } from "../../src/headless/schema.js";
import { mainTurns, makeRepo, scriptedWorld, startWorld, text, tool } from "../e2e/harness.js";
import { BIN } from "../support/run-cli.js";

// Claude Code's own Agent SDK drives the built Quarry (bin/quarry.js) against the emulator, as any program
// built on the SDK would (docs/headless.md).

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function setup(rules: Parameters<typeof scriptedWorld>[0]) {
  const started = await startWorld(scriptedWorld(rules));
  emulator = started.emulator;
  const repo = makeRepo({ "README.md": "# demo\n" });
  return { repo, env: emulatorClientEnv(started.emulator.url, started.home), em: started.emulator };
}

/**
 * The SDK's own launch (`node bin/quarry.js <flags>`, as pathToClaudeCodeExecutable gives it), through its
 * spawn hook only so the test sees how the process ended.
 */
function watchedSpawn(): {
  spawn: Options["spawnClaudeCodeProcess"];
  exit: Promise<{ code: number | null; signal: string | null }>;
} {
  let done: (v: { code: number | null; signal: string | null }) => void = () => {};
  const exit = new Promise<{ code: number | null; signal: string | null }>((r) => {
    done = r;
  });
  return {
    exit,
    spawn: (o) => {
      const child = spawn(o.command, o.args, { cwd: o.cwd, env: o.env, stdio: ["pipe", "pipe", "pipe"] });
      child.once("exit", (code, signal) => done({ code, signal }));
      return child;
    },
  };
}

/** Collects every message; the SDK validates nothing, so each is checked against Quarry's schema here. */
async function collect(messages: AsyncIterable<SDKMessage>): Promise<SDKMessage[]> {
  const seen: SDKMessage[] = [];
  for await (const m of messages) {
    const parsed = ClaudeMessage.safeParse(m);
    if (!parsed.success) throw new Error(`invalid line ${JSON.stringify(m)}: ${parsed.error.message}`);
    seen.push(m);
  }
  return seen;
}

describe("@anthropic-ai/claude-agent-sdk query() drives quarry", () => {
  it("a scripted edit completes with a success result and the file is on disk", async () => {
    const { repo, env } = await setup([
      {
        turn: 1,
        reply: {
          content: [
            text("Writing it."),
            tool("Write", { file_path: "hello.txt", content: "hi\n" }, "toolu_w"),
          ],
        },
      },
      { turn: 2, reply: { content: [text("Created hello.txt.")] } },
    ]);
    const messages = await collect(
      query({
        prompt: "create hello.txt",
        options: { pathToClaudeCodeExecutable: BIN, cwd: repo, env, permissionMode: "acceptEdits" },
      }),
    );
    expect(readFileSync(join(repo, "hello.txt"), "utf8")).toBe("hi\n");
    expect(messages[0]).toMatchObject({
      type: "system",
      subtype: "init",
      cwd: repo,
      permissionMode: "acceptEdits",
    });
    const assistants = messages.filter((m) => m.type === "assistant");
    // One line per block; the two blocks of the first reply share a message id.
    expect(assistants.map((m) => m.message.content[0]?.type)).toEqual(["text", "tool_use", "text"]);
    expect(assistants[0]!.message.id).toBe(assistants[1]!.message.id);
    expect(assistants[2]!.message.id).not.toBe(assistants[0]!.message.id);
    const result = messages.at(-1)!;
    expect(result).toMatchObject({
      type: "result",
      subtype: "success",
      is_error: false,
      result: "Created hello.txt.",
      num_turns: 2,
      permission_denials: [],
    });
    expect(new Set(messages.map((m) => m.session_id)).size).toBe(1);
  });

  it("a canUseTool callback denies a Bash call: the command does not run and the denial is in the result", async () => {
    const { repo, env, em } = await setup([
      { turn: 1, reply: { content: [tool("Bash", { command: "touch marker" }, "toolu_b")] } },
      { turn: 2, reply: { content: [text("I could not run it.")] } },
    ]);
    const asked: { tool: string; input: unknown; id: string }[] = [];
    const messages = await collect(
      query({
        prompt: "make a marker",
        options: {
          pathToClaudeCodeExecutable: BIN,
          cwd: repo,
          env,
          canUseTool: async (toolName, input, { toolUseID }) => {
            asked.push({ tool: toolName, input, id: toolUseID });
            return { behavior: "deny", message: "no shell today" };
          },
        },
      }),
    );
    expect(existsSync(join(repo, "marker"))).toBe(false);
    expect(asked).toEqual([{ tool: "Bash", input: { command: "touch marker" }, id: "toolu_b" }]);
    const result = messages.at(-1)!;
    expect(result).toMatchObject({
      type: "result",
      subtype: "success",
      permission_denials: [
        { tool_name: "Bash", tool_use_id: "toolu_b", tool_input: { command: "touch marker" } },
      ],
    });
    const toolResult = messages.find((m) => m.type === "user");
    expect(JSON.stringify(toolResult)).toContain("no shell today");
    // The model was told, as an error result.
    const sent = JSON.stringify((mainTurns(em)[1]!.body as { messages: unknown[] }).messages.at(-1));
    expect(sent).toContain("no shell today");
    expect(sent).toContain('"is_error":true');
  });

  it("interrupt() ends a slow tool call cleanly with error_during_execution, and the process exits", async () => {
    const { repo, env, em } = await setup([
      { turn: 1, reply: { content: [tool("Bash", { command: "sleep 30 && touch late" }, "toolu_s")] } },
      { turn: 2, reply: { content: [text("never reached")] } },
    ]);
    const started = Date.now();
    const watched = watchedSpawn();
    const q = query({
      prompt: "wait a while",
      options: {
        pathToClaudeCodeExecutable: BIN,
        cwd: repo,
        env,
        allowedTools: ["Bash(sleep:*)"],
        spawnClaudeCodeProcess: watched.spawn,
      },
    });
    const messages: SDKMessage[] = [];
    let exitError: unknown;
    try {
      for await (const m of q) {
        expect(ClaudeMessage.safeParse(m).success).toBe(true);
        messages.push(m);
        if (m.type === "assistant" && m.message.content[0]?.type === "tool_use") await q.interrupt();
      }
    } catch (err) {
      exitError = err;
    }
    expect(Date.now() - started).toBeLessThan(15_000);
    const result = messages.find((m) => m.type === "result");
    expect(result).toMatchObject({ subtype: "error_during_execution", is_error: true });
    expect(JSON.stringify(messages)).toContain("[Request interrupted by user for tool use]");
    expect(existsSync(join(repo, "late"))).toBe(false);
    expect(mainTurns(em)).toHaveLength(1);
    // The SDK reports an error result as an error, as it does for Claude Code.
    expect(String(exitError)).toContain("Request interrupted by user");
    const killed = messages.find((m) => m.type === "user");
    expect(killed).toMatchObject({ message: { content: [{ tool_use_id: "toolu_s", is_error: true }] } });
    // Quarry exited by itself after stdin closed (the SDK kills only after a grace period): code 1, no signal.
    expect(await watched.exit).toEqual({ code: 1, signal: null });
    expect(messages.map((m) => m.type)).toEqual(["system", "assistant", "user", "user", "result"]);
  });
});
