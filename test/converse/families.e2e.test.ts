import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { multiFamilyWorld, type RunningEmulator } from "../../emulator/index.js";
import { costOf } from "../../src/agent/cost.js";
import { lookupModel } from "../../src/bedrock/catalog.js";
import { makeRepo, runCli, startWorld, text, tool } from "../e2e/harness.js";

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

/** One family's run: the model configured, what Quarry must send, and the Converse operation it uses. */
const CASES = [
  // Nova streams tool use; its bare ID is on-demand.
  { model: "amazon.nova-pro-v1:0", sent: "amazon.nova-pro-v1:0", op: "converse-stream", reasoning: false },
  // Llama 3.3 is profile-only (us. from ListInferenceProfiles) and cannot stream tool use.
  {
    model: "meta.llama3-3-70b-instruct-v1:0",
    sent: "us.meta.llama3-3-70b-instruct-v1:0",
    op: "converse",
    reasoning: false,
  },
  // DeepSeek and gpt-oss return unsigned reasoningContent, replayed on the next turn.
  { model: "deepseek.v3-v1:0", sent: "deepseek.v3-v1:0", op: "converse", reasoning: true },
  { model: "openai.gpt-oss-120b-1:0", sent: "openai.gpt-oss-120b-1:0", op: "converse", reasoning: true },
] as const;

type Logged = { operation?: string; modelId?: string; status?: number; body: unknown };

describe("the scripted edit task over Converse, one model per family", () => {
  for (const c of CASES) {
    it(`${c.model}: reads, edits and answers; every request valid, usage and cost reported`, async () => {
      const family = c.model.split(".")[1]!.split("-v")[0]!;
      const thinking = c.reasoning
        ? [{ type: "thinking" as const, thinking: "The file sets x; read it first." }]
        : [];
      const world = multiFamilyWorld();
      world.script = [
        {
          model: family,
          turn: 1,
          reply: { content: [...thinking, tool("Read", { file_path: "src/app.js" })] },
        },
        {
          model: family,
          turn: 2,
          reply: {
            content: [tool("Edit", { file_path: "src/app.js", old_string: "x = 1", new_string: "x = 2" })],
          },
        },
        { model: family, turn: 3, reply: { content: [text("Set x to 2 in src/app.js.")] } },
      ];
      const started = await startWorld(world);
      emulator = started.emulator;
      const repo = makeRepo({ "src/app.js": "const x = 1;\n" });
      const run = await runCli(
        ["-p", "set x to 2", "--permission-mode", "acceptEdits", "--output-format", "json"],
        {
          cwd: repo,
          emulator: started.emulator,
          home: started.home,
          env: { ANTHROPIC_MODEL: c.model },
        },
      );
      expect(run.stderr).not.toMatch(/error/i);
      expect(run.code).toBe(0);
      expect(readFileSync(join(repo, "src/app.js"), "utf8")).toBe("const x = 2;\n");

      const turns = (started.emulator.log as Logged[]).filter(
        (e) => e.modelId === c.sent && e.operation === c.op,
      );
      expect(turns).toHaveLength(3);
      // The strict emulator accepted every runtime request; nothing went over InvokeModel.
      const runtime = (started.emulator.log as Logged[]).filter(
        (e) => e.operation && /invoke|converse/.test(e.operation),
      );
      expect(runtime.every((e) => e.status === 200)).toBe(true);
      expect(runtime.filter((e) => e.modelId === c.sent && /invoke/.test(e.operation!))).toEqual([]);

      const second = turns[1]!.body as {
        messages: { role: string; content: Record<string, unknown>[] }[];
        toolConfig?: unknown;
      };
      expect(second.toolConfig).toBeDefined();
      const assistant = second.messages[1]!.content;
      if (c.reasoning) {
        // The reasoning came back as it was returned: text, and no signature the model never gave.
        expect(assistant[0]).toEqual({
          reasoningContent: { reasoningText: { text: "The file sets x; read it first." } },
        });
      }
      expect(assistant.some((b) => "toolUse" in b)).toBe(true);

      const result = JSON.parse(run.stdout);
      expect(result).toMatchObject({ subtype: "success", result: "Set x to 2 in src/app.js.", num_turns: 3 });
      const usage = result.modelUsage[c.sent];
      expect(usage.inputTokens + usage.cacheCreationInputTokens + usage.cacheReadInputTokens).toBeGreaterThan(
        0,
      );
      expect(usage.outputTokens).toBeGreaterThan(0);
      // The catalog's price for this model, applied to the usage Bedrock reported.
      const price = lookupModel(c.model).price!;
      const expected = costOf(
        {
          inputTokens: usage.inputTokens,
          outputTokens: usage.outputTokens,
          cacheReadInputTokens: usage.cacheReadInputTokens,
          cacheCreationInputTokens: usage.cacheCreationInputTokens,
        },
        price,
      );
      expect(usage.costUSD).toBeCloseTo(expected, 6);
      expect(result.total_cost_usd).toBeCloseTo(expected, 6);
      expect(result.total_cost_usd).toBeGreaterThan(0);
    });
  }

  it("DeepSeek-R1 takes no tools: refused before any model call, with the fix", async () => {
    const started = await startWorld(multiFamilyWorld());
    emulator = started.emulator;
    const run = await runCli(["-p", "hi"], {
      cwd: makeRepo(),
      emulator: started.emulator,
      home: started.home,
      env: { ANTHROPIC_MODEL: "deepseek.r1-v1:0" },
    });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("takes no tools on Bedrock");
    expect(run.stderr).toContain("quarry models");
    expect((started.emulator.log as Logged[]).some((e) => e.operation?.startsWith("converse"))).toBe(false);
  });
});
