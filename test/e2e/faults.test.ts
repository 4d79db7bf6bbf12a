import { afterEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/index.js";
import { validateHistory } from "../../src/agent/history.js";
import type { Message } from "../../src/providers/types.js";
import { mainTurns, makeRepo, runCli, scriptedWorld, startWorld } from "./harness.js";

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

const text = (t: string) => ({ type: "text" as const, text: t });
const tool = (name: string, input: Record<string, unknown>, id = `toolu_${name}`) => ({
  type: "tool_use" as const,
  id,
  name,
  input,
});
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
        { turn: 1, times: 1, fault: { kind: "stall", afterEvents } },
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
        { promptIncludes: "stall", fault: { kind: "stall", afterEvents: 2 } },
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

  it("honours Claude Code's CLAUDE_STREAM_IDLE_TIMEOUT_MS and reports a malformed value", async () => {
    const { emulator: em, home } = await setup(scriptedWorld([{ fault: { kind: "stall", afterEvents: 0 } }]));
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

