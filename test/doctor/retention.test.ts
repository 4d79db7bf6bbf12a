import { afterAll, describe, expect, it } from "vitest";
import { makeRepo, runCli, startWorld } from "../e2e/harness.js";
import { closeAll, doctorJson, worldWith } from "./harness.js";

const SONNET_46 = "anthropic.claude-sonnet-4-6";
const REFUSAL = "data retention mode 'default' is not available for this model";

afterAll(closeAll);

const refusingWorld = () =>
  worldWith((w) => {
    const m = w.models!.find((x) => x.modelId === SONNET_46)!;
    m.refusesDefaultDataRetention = true;
  });

describe("data-retention gating", () => {
  it("doctor's 1-token probe reveals it before the first real request, with the fix", async () => {
    const r = await doctorJson({ world: refusingWorld() });
    const c = r.check("model.main.retention");
    expect(c.status).toBe("fail");
    expect(c.detail).toContain(REFUSAL);
    expect(c.fix).toContain("Data retention");
    expect(c.fix).toContain("set ANTHROPIC_MODEL to another model");
    // The side model (Haiku) is not gated and passes.
    expect(r.check("model.small.retention").status).toBe("pass");
  });

  it("a session stops at the first refusal: one request in the emulator log, the fix on stderr", async () => {
    const { emulator, home } = await startWorld(refusingWorld());
    try {
      const run = await runCli(["-p", "hi"], { cwd: makeRepo(), emulator, home });
      expect(run.code).not.toBe(0);
      expect(run.stderr + run.stdout).toContain(REFUSAL);
      expect(run.stderr + run.stdout).toContain("Data retention");
      const runtime = emulator.log.filter(
        (e) => e.service === "bedrock-runtime" && e.modelId?.includes("sonnet-4-6"),
      );
      expect(runtime).toHaveLength(1);
      expect(runtime[0]!.status).toBe(400);
    } finally {
      await emulator.close();
    }
  });
});
