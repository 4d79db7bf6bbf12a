import { afterEach, describe, expect, it } from "vitest";
import type { RunningEmulator, WorldInput } from "../../emulator/index.js";
import { defaultWorld } from "../../emulator/index.js";
import type { ScriptRule } from "../../emulator/world/schema.js";
import { ProtocolEventSchema } from "../../src/protocol/events.js";
import { mainTurns, makeRepo, runCli, startWorld, text, tool } from "../e2e/harness.js";

/**
 * Failover against the emulator (docs/failover.md): a region that stays throttled moves the session along
 * the declared path — another region of the geography, global only with the setting, the fallback model
 * last — and every switch shows in the output. Residency is checked as an effect: the emulator's request
 * log for a region outside the geography is empty.
 */

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const THROTTLED = {
  kind: "http",
  status: 429,
  exception: "ThrottlingException",
  message: "Too many tokens, please wait before trying again.",
} as const;

/** The default world plus eu-central-1, with the given script (no retries: each target gets one attempt). */
function world(script: ScriptRule[]): WorldInput {
  const w = defaultWorld();
  w.regions = [...w.regions, "eu-central-1"];
  for (const m of w.models ?? []) m.regions = [...m.regions, "eu-central-1"];
  w.script = script;
  return w;
}

async function run(script: ScriptRule[], args: string[], env: Record<string, string>) {
  const started = await startWorld(world(script));
  emulator = started.emulator;
  const cwd = makeRepo();
  const result = await runCli(["-p", "hello", ...args], {
    cwd,
    emulator: started.emulator,
    home: started.home,
    env: { QUARRY_MAX_RETRIES: "0", ...env },
  });
  const turns = mainTurns(started.emulator).map((e) => ({
    region: e.region,
    model: e.modelId,
    status: e.status,
  }));
  return { ...result, turns, emulator: started.emulator };
}

const EU = { AWS_REGION: "eu-west-1" };
const SONNET = "anthropic.claude-sonnet-4-6";

describe("region failover inside the geography", () => {
  it("moves a throttled eu. profile from eu-west-1 to eu-central-1 and never calls a region outside eu", async () => {
    const r = await run(
      [{ region: "eu-west-1", fault: THROTTLED }, { reply: { content: [text("answered")] } }],
      [],
      { ...EU, QUARRY_FAILOVER_REGIONS: "us-east-1,eu-central-1" },
    );
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe("answered");
    expect(r.turns).toEqual([
      { region: "eu-west-1", model: `eu.${SONNET}`, status: 429 },
      { region: "eu-central-1", model: `eu.${SONNET}`, status: 200 },
    ]);
    // Residency as an effect: nothing at all reached us-east-1.
    expect(r.emulator.log.filter((e) => e.region === "us-east-1")).toEqual([]);
    expect(r.stderr).toContain("failover.regions: us-east-1 is outside the eu geography");
    expect(r.stderr).toMatch(
      /quarry: failover: eu\.anthropic\.claude-sonnet-4-6 in eu-west-1 is still throttled after its retries; failing over to eu\.anthropic\.claude-sonnet-4-6 in eu-central-1 \(same model, another region in eu\)/,
    );
  });

  it("returns to the primary once the cooldown has passed (cooldown 0: the next call)", async () => {
    const r = await run(
      [
        { region: "eu-west-1", times: 1, fault: THROTTLED },
        { turn: 1, reply: { content: [tool("LS", { path: "." })] } },
        { turn: 2, reply: { content: [text("done")] } },
      ],
      ["--output-format", "quarry-events", "--allowedTools", "LS"],
      { ...EU, QUARRY_FAILOVER_REGIONS: "eu-central-1", QUARRY_FAILOVER_COOLDOWN_SECONDS: "0" },
    );
    expect(r.code).toBe(0);
    expect(r.turns.map((t) => `${t.region} ${t.status}`)).toEqual([
      "eu-west-1 429",
      "eu-central-1 200",
      "eu-west-1 200",
    ]);
    const events = r.stdout
      .trim()
      .split("\n")
      .map((l) => ProtocolEventSchema.parse(JSON.parse(l)));
    const switches = events.flatMap((e) => (e.type === "failover" ? [`${e.step} ${e.to.region}`] : []));
    expect(switches).toEqual(["region eu-central-1", "primary eu-west-1"]);
    // Usage records carry the region that served each turn.
    const usage = events.flatMap((e) => (e.type === "usage" ? [e.region] : []));
    expect(usage).toEqual(["eu-central-1", "eu-west-1"]);
  });

  it("stays on the failover target while the cooldown runs", async () => {
    const r = await run(
      [
        { region: "eu-west-1", times: 1, fault: THROTTLED },
        { turn: 1, reply: { content: [tool("LS", { path: "." })] } },
        { turn: 2, reply: { content: [text("done")] } },
      ],
      ["--allowedTools", "LS"],
      { ...EU, QUARRY_FAILOVER_REGIONS: "eu-central-1", QUARRY_FAILOVER_COOLDOWN_SECONDS: "300" },
    );
    expect(r.code).toBe(0);
    expect(r.turns.map((t) => `${t.region} ${t.status}`)).toEqual([
      "eu-west-1 429",
      "eu-central-1 200",
      "eu-central-1 200",
    ]);
  });
});

describe("leaving the geography", () => {
  const usSonnet = `us.${SONNET}`;
  const throttleUs = [{ model: usSonnet, fault: THROTTLED }, { reply: { content: [text("ok")] } }];

  it("without failover.allowGlobal, a throttled us. profile is not sent to global.", async () => {
    const r = await run(throttleUs, [], { QUARRY_FAILOVER_REGIONS: "us-west-2" });
    expect(r.code).toBe(1);
    expect(r.turns.map((t) => t.model)).toEqual([usSonnet, usSonnet]);
    expect(r.emulator.log.filter((e) => e.modelId?.startsWith("global."))).toEqual([]);
  });

  it("with failover.allowGlobal, the global. profile comes after the regions", async () => {
    const r = await run(throttleUs, ["--output-format", "json"], {
      QUARRY_FAILOVER_REGIONS: "us-west-2",
      QUARRY_FAILOVER_ALLOW_GLOBAL: "1",
    });
    expect(r.code).toBe(0);
    expect(r.turns.map((t) => `${t.region} ${t.model} ${t.status}`)).toEqual([
      `us-east-1 ${usSonnet} 429`,
      `us-west-2 ${usSonnet} 429`,
      `us-east-1 global.${SONNET} 200`,
    ]);
    const result = JSON.parse(r.stdout);
    expect(result.is_error).toBe(false);
    expect(
      result.failovers.map((f: { step: string; to: { model: string } }) => `${f.step} ${f.to.model}`),
    ).toEqual([`region ${usSonnet}`, `global global.${SONNET}`]);
    expect(Object.keys(result.modelUsage)).toEqual([`global.${SONNET}`]);
    expect(Object.keys(result.cost_by_region)).toEqual(["us-east-1"]);
  });
});

describe("the fallback model", () => {
  it("is the last step, after the regions and global (--fallback-model), shown in stream-json", async () => {
    const r = await run(
      [{ model: "sonnet", fault: THROTTLED }, { reply: { content: [text("from haiku")] } }],
      ["--fallback-model", "haiku", "--output-format", "stream-json", "--verbose"],
      { QUARRY_FAILOVER_REGIONS: "us-west-2", QUARRY_FAILOVER_ALLOW_GLOBAL: "true" },
    );
    expect(r.code).toBe(0);
    expect(r.turns.map((t) => `${t.region} ${t.model} ${t.status}`)).toEqual([
      `us-east-1 us.${SONNET} 429`,
      `us-west-2 us.${SONNET} 429`,
      `us-east-1 global.${SONNET} 429`,
      "us-east-1 us.anthropic.claude-haiku-4-5-20251001-v1:0 200",
    ]);
    const lines = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const failovers = lines.filter((l) => l.type === "system" && l.subtype === "failover");
    expect(failovers.map((f) => f.step)).toEqual(["region", "global", "fallback-model"]);
    expect(lines.at(-1).result).toBe("from haiku");
  });

  it("an exhausted path ends with the throttling error, not a generic failure", async () => {
    const r = await run([{ fault: THROTTLED }], ["--fallback-model", "haiku"], { AWS_REGION: "us-east-1" });
    expect(r.code).toBe(1);
    expect(r.turns.map((t) => t.model)).toEqual([
      `us.${SONNET}`,
      "us.anthropic.claude-haiku-4-5-20251001-v1:0",
    ]);
    expect(r.stderr).toContain("quarry: failover:");
    expect(r.stderr).toMatch(/quarry: error: .*(throttl|Too many tokens)/i);
  });
});
