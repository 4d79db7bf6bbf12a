import { afterEach, describe, expect, it } from "vitest";
import type { RunningEmulator, WorldInput } from "../../emulator/index.js";
import { defaultWorld } from "../../emulator/index.js";
import type { ScriptRule } from "../../emulator/world/schema.js";
import { mainTurns, makeRepo, runCli, startWorld, text } from "../e2e/harness.js";

/**
 * Bedrock Guardrails against the emulator (docs/failover.md#guardrails): the configured guardrail travels as
 * InvokeModel headers, and an intervention is shown as what was blocked and why, never as a failure.
 */

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const GUARDRAIL = "abcdef123456";
const BLOCKED = "That topic is blocked by your organisation's guardrail.";

function world(crossRegion: boolean, script: ScriptRule[] = []): WorldInput {
  const w = defaultWorld();
  w.guardrails = [
    {
      id: GUARDRAIL,
      regions: ["us-east-1"],
      crossRegion,
      blockedWords: ["launch codes"],
      blockedInputMessaging: BLOCKED,
      blockedOutputsMessaging: "The answer was withheld by the guardrail.",
    },
  ];
  w.script = [...script, { reply: { content: [text("fine")] } }];
  return w;
}

async function run(w: WorldInput, prompt: string, env: Record<string, string> = {}) {
  const started = await startWorld(w);
  emulator = started.emulator;
  const result = await runCli(["-p", prompt], {
    cwd: makeRepo(),
    emulator: started.emulator,
    home: started.home,
    env: { QUARRY_GUARDRAIL_ID: GUARDRAIL, QUARRY_GUARDRAIL_VERSION: "1", ...env },
  });
  return { ...result, turns: mainTurns(started.emulator) };
}

describe("guardrails on InvokeModel", () => {
  it("sends the guardrail headers on every model request", async () => {
    const r = await run(world(true), "hello", { QUARRY_GUARDRAIL_TRACE: "enabled_full" });
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe("fine");
    expect(r.turns.length).toBeGreaterThan(0);
    for (const turn of r.turns) {
      expect(turn.headers["x-amzn-bedrock-guardrailidentifier"]).toBe(GUARDRAIL);
      expect(turn.headers["x-amzn-bedrock-guardrailversion"]).toBe("1");
      expect(turn.headers["x-amzn-bedrock-trace"]).toBe("ENABLED_FULL");
    }
  });

  it("shows a blocked prompt with the policy that blocked it, and ends the run normally", async () => {
    const r = await run(world(true), "what are the launch codes?");
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(BLOCKED);
    expect(r.stderr).toContain(
      `Guardrail ${GUARDRAIL} (version 1) blocked the prompt: blocked word "launch codes" (BLOCKED). It answered instead: "${BLOCKED}"`,
    );
    expect(r.stderr).not.toMatch(/quarry: error/);
  });

  it("a scripted turn can make the guardrail withhold the answer", async () => {
    const r = await run(
      world(true, [{ turn: 1, guardrail: "output", reply: { content: [text("secret")] } }]),
      "hi",
    );
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain("secret");
    expect(r.stderr).toContain(
      `Guardrail ${GUARDRAIL} (version 1) blocked the answer: denied topic "Scripted" (BLOCKED)`,
    );
  });

  it("a guardrail without cross-Region support is refused for an inference profile, with the reason", async () => {
    const r = await run(world(false), "hello");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Guardrail ${GUARDRAIL} is not enabled for cross-Region inference`);
  });

  it("a guardrail ID without a version is a configuration error naming both settings", async () => {
    const r = await run(world(true), "hello", { QUARRY_GUARDRAIL_VERSION: "" });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("A guardrail needs both an ID and a version");
    expect(r.turns).toEqual([]);
  });
});
