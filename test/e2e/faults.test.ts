import { appendFileSync, existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/index.js";
import { validateHistory } from "../../src/agent/history.js";
import type { Message } from "../../src/model/types.js";
import { mainTurns, makeRepo, runCli, scriptedWorld, startWorld, text, tool } from "./harness.js";

/**
 * Quarry against every fault the emulator injects (docs/decisions/0012-fault-handling.md): each test checks
 * the exit code, what stderr says (naming the knob), that every request Bedrock saw had a valid history, and
 * that the session can be continued afterwards.
 */

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function setup(world: Parameters<typeof startWorld>[0]) {
  const started = await startWorld(world);
  emulator = started.emulator;
  return started;
}

/** Small timeouts and quick retries so each fault resolves in well under a second. */
const FAST = { QUARRY_STREAM_IDLE_TIMEOUT_MS: "300", QUARRY_MAX_RETRIES: "1" };

/** Every main-model request the emulator answered, as sent. */
function sentHistories(em: RunningEmulator): Message[][] {
  return mainTurns(em).map((e) => (e.body as { messages: Message[] }).messages);
}

/** Asserts every request Quarry sent satisfies Bedrock's history rules. */
function expectValidRequests(em: RunningEmulator): void {
  for (const [i, messages] of sentHistories(em).entries()) {
    expect({ request: i, problems: validateHistory(messages) }).toEqual({ request: i, problems: [] });
  }
}

/** No raw SDK or Node warning lines: every stderr line is Quarry's own. */
function expectOnlyQuarryLines(stderr: string): void {
  const foreign = stderr.split("\n").filter((l) => l.trim() !== "" && !/^(quarry:| {2})/.test(l));
  expect(foreign).toEqual([]);
  expect(stderr).not.toMatch(/NodeVersionSupportWarning|@smithy|requestTimeout/);
}

describe("stalled streams end on the idle timer", () => {
  it.each([
    ["after the headers", 0],
    ["in the middle of a tool call", 3],
  ])("a stall %s is retried, and the retry completes the turn", async (_label, afterEvents) => {
    const { emulator: em, home } = await setup(
      scriptedWorld([
        { turn: 1, times: 1, fault: { kind: "stall", phase: "events", afterEvents } },
        { turn: 1, reply: { content: [tool("LS", { path: "." })] } },
        { turn: 2, reply: { content: [text("Listed.")] } },
      ]),
    );
    const repo = makeRepo({ "a.txt": "a" });
    const run = await runCli(["-p", "list"], { cwd: repo, emulator: em, home, env: FAST });
    expect(run.stderr).toContain("Bedrock sent nothing for 300 ms");
    expect(run.stderr).toContain("retrying (attempt 2)");
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe("Listed.");
    expect(mainTurns(em)).toHaveLength(3);
    expectValidRequests(em);
    expectOnlyQuarryLines(run.stderr);
  });

  it("a stream that keeps stalling ends with exit 1, naming the timeout and the knob; --continue works", async () => {
    const { emulator: em, home } = await setup(
      scriptedWorld([
        // The failed prompt and the next one reach Bedrock merged into one user message.
        { promptIncludes: "again", reply: { content: [text("Fine now.")] } },
        { promptIncludes: "stall", fault: { kind: "stall", phase: "events", afterEvents: 2 } },
      ]),
    );
    const repo = makeRepo();
    const run = await runCli(["-p", "stall please"], { cwd: repo, emulator: em, home, env: FAST });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("Bedrock sent nothing for 300 ms");
    expect(run.stderr).toContain("from QUARRY_STREAM_IDLE_TIMEOUT_MS");
    expect(run.stderr).toContain("export QUARRY_STREAM_IDLE_TIMEOUT_MS=<milliseconds>");
    expect(mainTurns(em)).toHaveLength(2); // the first attempt and one retry (QUARRY_MAX_RETRIES=1)
    expectOnlyQuarryLines(run.stderr);

    const next = await runCli(["-p", "again", "--continue"], { cwd: repo, emulator: em, home, env: FAST });
    expect(next.code).toBe(0);
    expect(next.stdout.trim()).toBe("Fine now.");
    expectValidRequests(em);
  });

  it("a side call that never gets its headers ends on API_TIMEOUT_MS; the answer still succeeds", async () => {
    const { emulator: em, home } = await setup(
      scriptedWorld(
        [
          { turn: 1, reply: { content: [tool("Bash", { command: "sleep 1" })] } },
          { turn: 2, reply: { content: [text("Answered.")] } },
        ],
        (w) => {
          w.script?.unshift({ model: "haiku", fault: { kind: "stall", phase: "events", afterEvents: 0 } });
        },
      ),
    );
    // stream-json names the session with the side model (text and json -p ask for no title). The title
    // request runs beside the conversation and is given up when `-p` ends, so the answer here waits on a
    // one-second command: the title's timeout comes first.
    const run = await runCli(
      ["-p", "hi", "--output-format", "stream-json", "--verbose", "--allowedTools", "Bash(sleep:*)"],
      {
        cwd: makeRepo(),
        emulator: em,
        home,
        env: { API_TIMEOUT_MS: "300", QUARRY_MAX_RETRIES: "0" },
      },
    );
    expect(run.code).toBe(0);
    const result = run.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l))
      .find((m) => m.type === "result");
    expect(result).toMatchObject({ subtype: "success", result: "Answered." });
    expect(run.stderr).toContain("No session title: Bedrock did not answer within 300 ms");
    expect(run.stderr).toContain("from API_TIMEOUT_MS");
    expectOnlyQuarryLines(run.stderr);
  });

  it("honours Claude Code's CLAUDE_STREAM_IDLE_TIMEOUT_MS and reports a malformed value", async () => {
    const { emulator: em, home } = await setup(
      scriptedWorld([{ fault: { kind: "stall", phase: "events", afterEvents: 0 } }]),
    );
    const repo = makeRepo();
    const run = await runCli(["-p", "hi"], {
      cwd: repo,
      emulator: em,
      home,
      env: { CLAUDE_STREAM_IDLE_TIMEOUT_MS: "250", QUARRY_MAX_RETRIES: "0", API_TIMEOUT_MS: "soon" },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("Bedrock sent nothing for 250 ms");
    expect(run.stderr).toContain("from CLAUDE_STREAM_IDLE_TIMEOUT_MS");
    expect(run.stderr).toContain("API_TIMEOUT_MS=soon is not a whole number");
    expect(mainTurns(em)).toHaveLength(1);
  });
});

/** The request bodies of the main-model calls, parsed. */
function bodies(em: RunningEmulator) {
  return mainTurns(em).map((e) => e.body as { max_tokens: number; messages: Message[] });
}

describe("a cut-off answer is never taken as complete", () => {
  it("cut-off text is continued, and the whole answer is the result", async () => {
    const { emulator: em, home } = await setup(
      scriptedWorld([
        { turn: 1, reply: { content: [text("Part one")], stopReason: "max_tokens" } },
        { turn: 2, reply: { content: [text(" and part two.")] } },
      ]),
    );
    const run = await runCli(["-p", "write"], { cwd: makeRepo(), emulator: em, home });
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe("Part one and part two.");
    expect(run.stderr).toContain("cut off at max_tokens");
    const second = bodies(em)[1]!.messages;
    expect(JSON.stringify(second.at(-1))).toContain("cut off by the output token limit");
    expectValidRequests(em);
  });

  it("an answer cut off every time ends with an error and exit 1, naming the knob", async () => {
    const { emulator: em, home } = await setup(
      scriptedWorld([{ reply: { content: [text("Again and again")], stopReason: "max_tokens" } }]),
    );
    const repo = makeRepo();
    const run = await runCli(["-p", "write", "--output-format", "json"], { cwd: repo, emulator: em, home });
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ is_error: true, subtype: "error_during_execution" });
    expect(run.stderr).toContain("the answer is incomplete");
    expect(run.stderr).toContain("CLAUDE_CODE_MAX_OUTPUT_TOKENS");
    expectValidRequests(em);
  });

  it("a tool call cut off at max_tokens is not run; the turn is asked again with more room", async () => {
    const { emulator: em, home } = await setup(
      scriptedWorld([
        {
          turn: 1,
          times: 1,
          reply: {
            content: [tool("Write", { file_path: "cut.txt", content: "half" })],
            stopReason: "max_tokens",
          },
        },
        { turn: 1, reply: { content: [tool("Write", { file_path: "whole.txt", content: "all" })] } },
        { turn: 2, reply: { content: [text("Wrote it.")] } },
      ]),
    );
    const repo = makeRepo();
    const run = await runCli(["-p", "write", "--permission-mode", "acceptEdits"], {
      cwd: repo,
      emulator: em,
      home,
    });
    expect(run.code).toBe(0);
    expect(existsSync(join(repo, "cut.txt"))).toBe(false);
    expect(readFileSync(join(repo, "whole.txt"), "utf8")).toBe("all");
    const [first, second] = bodies(em);
    expect(second!.max_tokens).toBe(first!.max_tokens * 2);
    expect(run.stderr).toContain("it was not run");
    expectValidRequests(em);
  });

  it("a tool call under end_turn is run and answered, so the next request stays valid", async () => {
    const { emulator: em, home } = await setup(
      scriptedWorld([
        { turn: 1, reply: { content: [tool("LS", { path: "." })], stopReason: "end_turn" } },
        { turn: 2, reply: { content: [text("Listed.")] } },
      ]),
    );
    const repo = makeRepo({ "a.txt": "a" });
    const run = await runCli(["-p", "list"], { cwd: repo, emulator: em, home });
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe("Listed.");
    expect(JSON.stringify(bodies(em)[1]!.messages.at(-1))).toContain("a.txt");
    expectValidRequests(em);
  });
});

describe("tool calls the model gets wrong", () => {
  it("duplicate tool_use ids are renamed and each call answered once; --continue stays valid", async () => {
    const { emulator: em, home } = await setup(
      scriptedWorld([
        { turn: 1, reply: { content: [tool("LS", { path: "." }, "dup"), tool("LS", { path: "." }, "dup")] } },
        { turn: 2, reply: { content: [text("Both listed.")] } },
        { turn: 3, reply: { content: [text("Still fine.")] } },
      ]),
    );
    const repo = makeRepo({ "a.txt": "a" });
    const run = await runCli(["-p", "list twice"], { cwd: repo, emulator: em, home });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("reused tool call id(s) dup");
    const results = (bodies(em)[1]!.messages.at(-1)!.content as { type: string; tool_use_id: string }[])
      .filter((b) => b.type === "tool_result")
      .map((b) => b.tool_use_id);
    expect(results).toEqual(["dup", "dup_2"]);
    const next = await runCli(["-p", "more", "--continue"], { cwd: repo, emulator: em, home });
    expect(next.code).toBe(0);
    expectValidRequests(em);
  });

  it("a thousand reads in one turn are budgeted to fit the context window, each told what was cut", async () => {
    const reads = Array.from({ length: 1000 }, (_, i) =>
      tool("Read", { file_path: "big.txt" }, `toolu_r${i}`),
    );
    const { emulator: em, home } = await setup(
      scriptedWorld([
        { turn: 1, reply: { content: reads } },
        { turn: 2, reply: { content: [text("Read them all.")] } },
      ]),
    );
    const repo = makeRepo({ "big.txt": `${"x".repeat(79)}\n`.repeat(40) });
    const run = await runCli(["-p", "read a lot"], { cwd: repo, emulator: em, home });
    expect(run.code).toBe(0);
    const results = (bodies(em)[1]!.messages.at(-1)!.content as { type: string; content: string }[]).filter(
      (b) => b.type === "tool_result",
    );
    expect(results).toHaveLength(1000);
    const total = results.reduce((n, r) => n + r.content.length, 0);
    expect(total).toBeLessThan(200_000); // a quarter of the 200k-token window, at 4 characters a token
    expect(results.every((r) => r.content.includes("[Output cut: showed"))).toBe(true);
    expectValidRequests(em);
  }, 60_000);
});

describe("sessions stay usable", () => {
  it("a second run on a session in use stops with exit 2 and the fix; the first is unharmed", async () => {
    const { emulator: em, home } = await setup(
      scriptedWorld([
        { promptIncludes: "slow", times: 1, fault: { kind: "stall", phase: "events", afterEvents: 1 } },
        { reply: { content: [text("Done.")] } },
      ]),
    );
    const repo = makeRepo();
    const env = { QUARRY_STREAM_IDLE_TIMEOUT_MS: "4000", QUARRY_MAX_RETRIES: "0" };
    const first = runCli(["-p", "slow one"], { cwd: repo, emulator: em, home, env });
    // The first run has created its session once its model request reaches the emulator.
    while (mainTurns(em).length === 0) await new Promise((r) => setTimeout(r, 20));
    const second = await runCli(["-p", "meanwhile", "--continue"], { cwd: repo, emulator: em, home, env });
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(/Session [0-9a-f-]{36} is in use by another Quarry process \(pid \d+/);
    expect(second.stderr).toContain("Fix: wait for that run to finish");
    expect(mainTurns(em)).toHaveLength(1); // refused before any model call
    expect((await first).code).toBe(1);
    const after = await runCli(["-p", "now", "--continue"], { cwd: repo, emulator: em, home, env });
    expect(after.code).toBe(0);
    expect(after.stdout.trim()).toBe("Done.");
    expectValidRequests(em);
  }, 40_000); // three CLI runs, one held for the 4 s stall window

  it("--continue of a session fuller than the context window compacts first, within the limits", async () => {
    const { emulator: em, home } = await setup(
      scriptedWorld([{ reply: { content: [text("Carried on.")] } }]),
    );
    const repo = makeRepo();
    const env = { QUARRY_MAX_RETRIES: "0" };
    const seeded = await runCli(["-p", "start"], { cwd: repo, emulator: em, home, env });
    expect(seeded.code).toBe(0);
    // Grow the saved conversation past the 200k-token window: a huge pasted prompt and its answer.
    const dir = join(home, ".quarry-data/sessions");
    const [project] = readdirSync(dir);
    const [file] = readdirSync(join(dir, project!)).filter((f) => f.endsWith(".jsonl"));
    const huge = "lorem ipsum ".repeat(100_000); // 1.2M characters ≈ 300k tokens
    const line = (message: Message) => `${JSON.stringify({ type: "message", message })}\n`;
    appendFileSync(
      join(dir, project!, file!),
      line({ role: "user", content: huge }) + line({ role: "assistant", content: [text("Noted.")] }),
    );
    const run = await runCli(["-p", "go on", "--continue"], { cwd: repo, emulator: em, home, env });
    expect(run.stderr).not.toContain("error");
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe("Carried on.");
    const summaryCall = em.log.find(
      (e) => e.operation === "invoke" && JSON.stringify(e.body).includes("Summarise"),
    );
    expect(JSON.stringify(summaryCall?.body).length).toBeLessThan(500_000);
    const last = JSON.stringify(bodies(em).at(-1)!.messages);
    expect(last).toContain("[Summary of the earlier conversation]");
    expect(last.length).toBeLessThan(100_000);
    expectValidRequests(em);
  }, 40_000);

  it("quarry-events after a retried stream does not repeat the text already emitted", async () => {
    // Long enough, and cut late enough (20 events of 24-character deltas), that text reaches stdout before
    // the cut: the secret scrubber holds back a short tail of every streamed block (src/secrets).
    const answer = "The answer is forty-two, worked out step by step. ".repeat(20).trim();
    const { emulator: em, home } = await setup(
      scriptedWorld([
        {
          times: 1,
          reply: { content: [text(answer)] },
          fault: { kind: "stream-exception", exception: "modelStreamErrorException", afterEvents: 20 },
        },
        { reply: { content: [text(answer)] } },
      ]),
    );
    const run = await runCli(["-p", "answer", "--output-format", "quarry-events"], {
      cwd: makeRepo(),
      emulator: em,
      home,
    });
    expect(run.code).toBe(0);
    const events = run.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string; text?: string; shown_text_chars?: number });
    const retry = events.find((e) => e.type === "retry");
    expect(retry?.shown_text_chars).toBeGreaterThan(0);
    const streamed = events.flatMap((e) => (e.type === "text_delta" ? [e.text] : [])).join("");
    expect(streamed).toBe(answer);
    expect(mainTurns(em)).toHaveLength(2);
  });
});
