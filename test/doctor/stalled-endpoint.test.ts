// A preflight must answer even when what it checks does not: an endpoint that accepts every request and never
// replies (a stalled proxy or VPC endpoint) makes each check fail with that said, and doctor exits promptly.
import { afterEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/index.js";
import { makeRepo, runCli, startWorld } from "../e2e/harness.js";
import { type JsonCheck, worldWith } from "./harness.js";

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

describe("quarry doctor against an endpoint that never answers", () => {
  it("fails the hung checks with the cause and the fix, and exits within its deadline", async () => {
    // Every request (STS, control plane, runtime) waits ten minutes before any byte of the answer.
    const started = await startWorld(
      worldWith((w) => {
        w.latency = { requestMs: 600_000, firstTokenMs: 0, tokensPerSecond: 0 };
      }),
    );
    emulator = started.emulator;
    const t0 = Date.now();
    const run = await runCli(["doctor", "--json"], {
      cwd: makeRepo(),
      emulator,
      home: started.home,
      env: { QUARRY_DOCTOR_TIMEOUT_MS: "1500" },
    });
    const elapsed = Date.now() - t0;
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as { ok: boolean; checks: JsonCheck[] };
    expect(report.ok).toBe(false);
    const hung = report.checks.filter((c) => c.detail.startsWith("No answer within 1.5 s"));
    expect(hung.length).toBeGreaterThan(0);
    expect(hung[0]!.fix).toContain("QUARRY_DOCTOR_TIMEOUT_MS");
    // Each check waits at most its deadline; nested phases add up to a few of them, never the client's 120 s.
    expect(elapsed).toBeLessThan(20_000);
  }, 40_000);
});
