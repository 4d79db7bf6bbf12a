import { afterEach, describe, expect, it } from "vitest";
import type { RunningEmulator, WorldInput } from "../../emulator/index.js";
import { defaultWorld } from "../../emulator/index.js";
import { mainTurns, makeRepo, runCli, startWorld, text } from "../e2e/harness.js";

/**
 * Service tier, latency and the 1M-context beta on the wire (docs/failover.md): each request carries exactly
 * what is configured, and the emulator refuses what a model does not take.
 */

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function run(env: Record<string, string>, change?: (w: WorldInput) => void) {
  const w = defaultWorld();
  w.script = [{ reply: { content: [text("ok")] } }];
  change?.(w);
  const started = await startWorld(w);
  emulator = started.emulator;
  const result = await runCli(["-p", "hi"], {
    cwd: makeRepo(),
    emulator: started.emulator,
    home: started.home,
    env: { QUARRY_MAX_RETRIES: "0", ...env },
  });
  const turns = mainTurns(started.emulator);
  return { ...result, turns, bodies: turns.map((t) => t.body as Record<string, unknown>) };
}

describe("service tier", () => {
  it("ANTHROPIC_BEDROCK_SERVICE_TIER goes out as X-Amzn-Bedrock-Service-Tier", async () => {
    const withTier = await run({ ANTHROPIC_BEDROCK_SERVICE_TIER: "priority" });
    expect(withTier.code).toBe(0);
    expect(withTier.turns.map((t) => t.headers["x-amzn-bedrock-service-tier"])).toEqual(["priority"]);
  });

  it("without the setting there is no tier header", async () => {
    const without = await run({});
    expect(without.turns.map((t) => t.headers["x-amzn-bedrock-service-tier"])).toEqual([undefined]);
  });

  it("a tier the model does not take is refused with Bedrock's text", async () => {
    const r = await run({ ANTHROPIC_BEDROCK_SERVICE_TIER: "flex" }, (w) => {
      for (const m of w.models ?? []) m.serviceTiers = ["default"];
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("The provided service tier is not supported for this model.");
  });

  it("an unknown tier is a settings error before any request", async () => {
    const r = await run({ ANTHROPIC_BEDROCK_SERVICE_TIER: "cheapest" });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('"default", "flex", "priority", "reserved"');
    expect(r.turns).toEqual([]);
  });

  it("latency-optimized is not sent for a model AWS does not offer it for, with a warning", async () => {
    const r = await run({ QUARRY_BEDROCK_LATENCY: "optimized" });
    expect(r.code).toBe(0);
    expect(r.turns.map((t) => t.headers["x-amzn-bedrock-performanceconfig-latency"])).toEqual([undefined]);
    expect(r.stderr).toContain("Latency-optimized inference");
  });
});

describe("1M context", () => {
  it("[1m] on a model with the beta sends anthropic_beta context-1m-2025-08-07", async () => {
    const r = await run({ ANTHROPIC_MODEL: "sonnet[1m]" });
    expect(r.code).toBe(0);
    expect(r.bodies.map((b) => b.anthropic_beta)).toEqual([["context-1m-2025-08-07"]]);
  });

  it("CLAUDE_CODE_DISABLE_1M_CONTEXT turns it off: no beta on the wire", async () => {
    const r = await run({ ANTHROPIC_MODEL: "sonnet[1m]", CLAUDE_CODE_DISABLE_1M_CONTEXT: "1" });
    expect(r.code).toBe(0);
    expect(r.bodies.map((b) => b.anthropic_beta)).toEqual([undefined]);
    expect(r.stderr).toContain("CLAUDE_CODE_DISABLE_1M_CONTEXT");
  });

  it("a model without a 1M window gets no beta (and the emulator would refuse it)", async () => {
    const r = await run({ ANTHROPIC_MODEL: "haiku[1m]" });
    expect(r.code).toBe(0);
    expect(r.bodies.map((b) => b.anthropic_beta)).toEqual([undefined]);
  });
});
