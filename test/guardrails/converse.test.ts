import { afterEach, describe, expect, it } from "vitest";
import { multiFamilyWorld, type RunningEmulator } from "../../emulator/index.js";
import { converseRouteFields } from "../../src/providers/converse-client.js";
import { makeRepo, runCli, startWorld, text } from "../e2e/harness.js";

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

describe("guardrail and tier settings over Converse", () => {
  it("become Converse's guardrailConfig, serviceTier and performanceConfig", () => {
    expect(
      converseRouteFields({
        guardrailIdentifier: "gr-1",
        guardrailVersion: "2",
        trace: "ENABLED_FULL",
        serviceTier: "flex",
        performanceConfigLatency: "optimized",
      }),
    ).toEqual({
      guardrailConfig: { guardrailIdentifier: "gr-1", guardrailVersion: "2", trace: "enabled_full" },
      serviceTier: { type: "flex" },
      performanceConfig: { latency: "optimized" },
    });
    expect(converseRouteFields(undefined)).toEqual({});
    expect(converseRouteFields({ trace: "ENABLED" })).toEqual({});
  });

  it("a Nova session with a guardrail sends it in every Converse request", async () => {
    const world = multiFamilyWorld();
    world.script = [{ model: "nova", turn: 1, reply: { content: [text("Hi from Nova.")] } }];
    const started = await startWorld(world);
    emulator = started.emulator;
    const run = await runCli(["-p", "hello"], {
      cwd: makeRepo(),
      emulator,
      home: started.home,
      env: {
        ANTHROPIC_MODEL: "amazon.nova-pro-v1:0",
        QUARRY_GUARDRAIL_ID: "gr-team",
        QUARRY_GUARDRAIL_VERSION: "3",
      },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("Hi from Nova.");
    const turns = emulator.log.filter(
      (e) => e.modelId === "amazon.nova-pro-v1:0" && /converse/.test(e.operation ?? ""),
    );
    expect(turns.length).toBeGreaterThan(0);
    for (const t of turns) {
      expect((t.body as { guardrailConfig?: unknown }).guardrailConfig).toMatchObject({
        guardrailIdentifier: "gr-team",
        guardrailVersion: "3",
      });
    }
  });
});
