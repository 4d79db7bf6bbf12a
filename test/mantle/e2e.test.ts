import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { RunningEmulator, WorldInput } from "../../emulator/index.js";
import { makeRepo, runCli, scriptedWorld, startWorld, text, tool } from "../e2e/harness.js";

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const EDIT_RULES = [
  { turn: 1, reply: { content: [tool("Read", { file_path: "src/app.js" })] } },
  {
    turn: 2,
    reply: { content: [tool("Edit", { file_path: "src/app.js", old_string: "x = 1", new_string: "x = 2" })] },
  },
  { turn: 3, reply: { content: [text("Changed x to 2.")] } },
];

/** Runs the built CLI on Mantle: CLAUDE_CODE_USE_MANTLE and the emulator as ANTHROPIC_BEDROCK_MANTLE_BASE_URL. */
async function runOnMantle(args: string[], env: NodeJS.ProcessEnv = {}, change?: (w: WorldInput) => void) {
  const started = await startWorld(scriptedWorld(EDIT_RULES, change));
  emulator = started.emulator;
  const repo = makeRepo({ "src/app.js": "const x = 1;\nconsole.log(x);\n" });
  const run = await runCli(args, {
    cwd: repo,
    emulator: started.emulator,
    home: started.home,
    env: {
      CLAUDE_CODE_USE_MANTLE: "1",
      ANTHROPIC_BEDROCK_MANTLE_BASE_URL: `${started.emulator.url}/anthropic`,
      ...env,
    },
  });
  // Main-model turns stream; a side task (the session title) may add a non-streamed call.
  const mantle = started.emulator.log.filter(
    (e) => e.service === "bedrock-mantle" && e.notes.stream !== false,
  );
  return { run, repo, mantle, em: started.emulator };
}

const EDIT = ["-p", "set x to 2", "--permission-mode", "acceptEdits", "--output-format", "json"];

describe("Quarry on Bedrock's Mantle endpoint (built CLI, emulator)", () => {
  it("completes the edit task with SigV4 scoped to bedrock-mantle and a bare model ID; usage and cost reported", async () => {
    const { run, repo, mantle, em } = await runOnMantle(EDIT);
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    expect(readFileSync(join(repo, "src/app.js"), "utf8")).toContain("x = 2");
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ subtype: "success", result: "Changed x to 2.", num_turns: 3 });
    expect(result.usage.output_tokens).toBeGreaterThan(0);
    expect(result.total_cost_usd).toBeGreaterThan(0);
    expect(mantle).toHaveLength(3);
    for (const entry of mantle) {
      expect(entry.status).toBe(200);
      expect(entry.path).toBe("/anthropic/v1/messages");
      expect(entry.authScheme).toBe("sigv4");
      expect(entry.identity).toBe("default");
      expect(entry.headers.authorization).toMatch(/\/us-east-1\/bedrock-mantle\/aws4_request/);
      expect((entry.body as { model: string }).model).toBe("anthropic.claude-sonnet-4-6");
    }
    // Nothing went to bedrock-runtime.
    expect(em.log.filter((e) => e.service === "bedrock-runtime")).toHaveLength(0);
  });

  it("reaches a model only Mantle serves", async () => {
    const { run, mantle } = await runOnMantle(
      EDIT,
      { ANTHROPIC_MODEL: "anthropic.claude-mythos-preview" },
      (w) => {
        w.models!.push({
          modelId: "anthropic.claude-mythos-preview",
          modelName: "Claude Mythos Preview",
          anthropicModel: "claude-mythos-preview",
          regions: ["us-east-1"],
          inferenceTypes: ["ON_DEMAND"],
          serving: "mantle",
        });
        for (const rule of w.script!) rule.model = "mythos";
      },
    );
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    expect(mantle.map((e) => (e.body as { model: string }).model)).toEqual(
      Array(3).fill("anthropic.claude-mythos-preview"),
    );
  });

  it("an unknown model on Mantle is an error with the fix", async () => {
    const { run, mantle } = await runOnMantle(["-p", "hi"], {
      ANTHROPIC_MODEL: "anthropic.claude-nonexistent-9",
    });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("Mantle endpoint does not serve anthropic.claude-nonexistent-9");
    expect(run.stderr).toMatch(/Fix: Mantle takes bare model IDs/);
    expect(mantle).toHaveLength(1);
    expect(mantle[0]!.status).toBe(404);
  });

  it("a us. inference-profile ID on Mantle is refused before any request, with the bare ID to use", async () => {
    const { run, mantle } = await runOnMantle(["-p", "hi"], {
      ANTHROPIC_MODEL: "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
    });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("is a Bedrock cross-region inference profile");
    expect(run.stderr).toContain("Fix: Set ANTHROPIC_MODEL=anthropic.claude-sonnet-4-5-20250929");
    expect(mantle).toHaveLength(0);
  });
});
