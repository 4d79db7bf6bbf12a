import { afterAll, describe, expect, it } from "vitest";
import { closeAll, doctorJson, worldWith } from "../doctor/harness.js";

/** `quarry doctor` checks the configured guardrail through GetGuardrail on the emulator's control plane. */

afterAll(closeAll);

const ID = "abcdef123456";
const withGuardrail = (crossRegion: boolean, regions = ["us-east-1"]) =>
  worldWith((w) => {
    w.guardrails = [{ id: ID, regions, crossRegion, versions: ["1"] }];
  });
const env = { QUARRY_GUARDRAIL_ID: ID, QUARRY_GUARDRAIL_VERSION: "1" };

describe("doctor: guardrail", () => {
  it("passes for a guardrail with a guardrail profile, naming the profile", async () => {
    const r = await doctorJson({ world: withGuardrail(true), env });
    expect(r.check("guardrail").status).toBe("pass");
    expect(r.check("guardrail").detail).toContain("cross-region: guardrail profile us.guardrail.v1:0");
  });

  it("fails when the main model is a cross-region profile and the guardrail has no guardrail profile", async () => {
    const r = await doctorJson({ world: withGuardrail(false), env });
    expect(r.check("guardrail").status).toBe("fail");
    expect(r.check("guardrail").fix).toContain("enable cross-Region on the guardrail");
  });

  it("fails when the guardrail does not exist in the region", async () => {
    const r = await doctorJson({ world: withGuardrail(true, ["us-west-2"]), env });
    expect(r.check("guardrail").status).toBe("fail");
    expect(r.check("guardrail").detail).toContain(`Guardrail ${ID} version 1 does not exist in us-east-1`);
  });
});
