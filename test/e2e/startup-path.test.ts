// What stands between spawn and the first model request (docs/startup.md): only what that request needs.
// The side model, the inference-profile list (when the ID needs no resolution) and the Service Quotas read
// wait until the model has answered; a title request never holds up the answer or the exit.
import { afterEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/index.js";
import { makeRepo, runCli, scriptedWorld, startWorld, text } from "./harness.js";

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const PROFILE = "us.anthropic.claude-sonnet-4-6";
const HAIKU = "us.anthropic.claude-haiku-4-5-20251001-v1:0";
const ANSWER = Array.from({ length: 40 }, (_, i) => `word${i}`).join(" ");
const CONTROL = new Set(["ListInferenceProfiles", "GetInferenceProfile", "ListServiceQuotas"]);

/** The operations the emulator saw, in order of arrival, from `from` on. */
function operations(em: RunningEmulator, from = 0): string[] {
  return em.log.slice(from).map((e) => e.operation ?? e.path);
}

describe("the path to the first model request", () => {
  it("with an explicit profile ID and a fresh HOME, the first request is the first thing sent", async () => {
    const started = await startWorld(scriptedWorld([{ reply: { content: [text("Hi.")] } }]));
    emulator = started.emulator;
    const run = await runCli(["-p", "hi"], {
      cwd: makeRepo(),
      emulator,
      home: started.home,
      env: { ANTHROPIC_MODEL: PROFILE },
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Hi.");
    const ops = operations(emulator);
    expect(ops[0]).toBe("invoke-with-response-stream");
    expect(emulator.log[0]!.modelId).toBe(PROFILE);
    // What was deferred still happens after the answer (and fills the caches for the next start).
    expect(ops).toContain("ListServiceQuotas");
  });

  it("with the default alias, a warm HOME sends the first request before any control-plane call", async () => {
    const started = await startWorld(scriptedWorld([{ reply: { content: [text("Hi.")] } }]));
    emulator = started.emulator;
    const cwd = makeRepo();
    const first = await runCli(["-p", "hi"], { cwd, emulator, home: started.home });
    expect(first.code).toBe(0);
    // A fresh HOME resolves the alias with the account's profile list: that one call may come first.
    const firstOps = operations(emulator);
    expect(firstOps.indexOf("ListInferenceProfiles")).toBeLessThan(
      firstOps.indexOf("invoke-with-response-stream"),
    );
    const mark = emulator.log.length;
    const second = await runCli(["-p", "hi"], { cwd, emulator, home: started.home });
    expect(second.code).toBe(0);
    const ops = operations(emulator, mark);
    expect(ops[0]).toBe("invoke-with-response-stream");
    // Profile list and quotas came from the disk cache.
    expect(ops.filter((o) => CONTROL.has(o))).toEqual([]);
  });

  it("stream-json prints the answer and exits without waiting for a title that never comes", async () => {
    const started = await startWorld(
      scriptedWorld([{ reply: { content: [text(ANSWER)] } }], (w) => {
        // The side model (titles) accepts the request and never sends its headers.
        w.script?.unshift({ model: "haiku", fault: { kind: "stall", phase: "before-headers" } });
        // The answer streams for about a second, so the title request is out before it ends.
        w.latency = { requestMs: 0, firstTokenMs: 0, tokensPerSecond: 40 };
      }),
    );
    emulator = started.emulator;
    const t0 = Date.now();
    const run = await runCli(["-p", "hi", "--output-format", "stream-json", "--verbose"], {
      cwd: makeRepo(),
      emulator,
      home: started.home,
      // Far beyond the test's own limit: only not waiting can pass.
      env: { API_TIMEOUT_MS: "600000", QUARRY_MAX_RETRIES: "0", ANTHROPIC_SMALL_FAST_MODEL: HAIKU },
    });
    const elapsed = Date.now() - t0;
    expect(run.code).toBe(0);
    const lines = run.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string; subtype?: string; result?: string });
    expect(lines.at(-1)).toMatchObject({ type: "result", subtype: "success", result: ANSWER });
    // The title was asked for (beside the answer), and given up at exit without a warning.
    expect(emulator.log.some((e) => e.operation === "invoke" && e.modelId?.includes("haiku"))).toBe(true);
    expect(run.stderr).not.toContain("No session title");
    expect(elapsed).toBeLessThan(15_000);
  });
});
