import { describe, expect, it } from "vitest";
import { z } from "zod";
import { testPipeline } from "../../test/support/pipeline.js";
import type { AssistantMessage, ModelProvider, ProviderEvent, TurnRequest } from "../model/types.js";
import type { Tool, ToolResult } from "../tools/types.js";
import { Agent } from "./loop.js";

/** A provider double at the agent's seam: answers every turn with one text message and records side calls. */
function recordingProvider() {
  const calls: string[] = [];
  const reply = (text: string): AssistantMessage => ({
    id: "m",
    model: "x",
    content: [{ type: "text", text }],
    stopReason: "end_turn",
    usage: { inputTokens: 10, outputTokens: 2, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 },
  });
  const provider: ModelProvider = {
    async *streamTurn(_req: TurnRequest): AsyncIterable<ProviderEvent> {
      calls.push("main");
      yield { type: "message_stop", message: reply("ok") };
    },
    async complete(_req, options) {
      calls.push(options?.role ?? "small");
      return reply("A title");
    },
    async countTokens() {
      return 10;
    },
  };
  return { provider, calls };
}

/** A provider double whose first turn asks for the given tool calls and whose second turn ends. */
function toolCallingProvider(calls: { id: string; name: string }[]): ModelProvider {
  let turn = 0;
  return {
    async *streamTurn(): AsyncIterable<ProviderEvent> {
      turn++;
      const content =
        turn === 1
          ? calls.map((c) => ({ type: "tool_use" as const, id: c.id, name: c.name, input: {} }))
          : [{ type: "text" as const, text: "done" }];
      yield {
        type: "message_stop",
        message: {
          id: "m",
          model: "x",
          content,
          stopReason: turn === 1 ? "tool_use" : "end_turn",
          usage: { inputTokens: 1, outputTokens: 1, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 },
        },
      };
    },
    complete: async () => {
      throw new Error("unused");
    },
    countTokens: async () => 1,
  };
}

/** A real tool (zod schema, run function) whose run is the test's to observe. */
const fakeTool = (name: string, readOnly: boolean, run: (name: string) => Promise<ToolResult>): Tool => ({
  name,
  description: `${name} for the test`,
  readOnly,
  inputSchema: z.object({}),
  permissionTarget: () => ({ kind: "none" }),
  summarize: () => name,
  run: () => run(name),
});

describe("Agent", () => {
  it("runs consecutive read-only calls in parallel and a writing call alone, results in call order", async () => {
    const log: string[] = [];
    const running = new Set<string>();
    let maxParallel = 0;
    const runTool = async (name: string) => {
      running.add(name);
      maxParallel = Math.max(maxParallel, running.size);
      log.push(`start ${name}`);
      await new Promise((r) => setTimeout(r, 20));
      log.push(`end ${name}`);
      running.delete(name);
      return { content: `${name} ok` };
    };
    const agent = new Agent({
      provider: toolCallingProvider([
        { id: "a", name: "Read" },
        { id: "b", name: "Grep" },
        { id: "c", name: "Write" },
        { id: "d", name: "Read" },
      ]),
      tools: testPipeline([
        fakeTool("Read", true, runTool),
        fakeTool("Grep", true, runTool),
        fakeTool("Write", false, runTool),
      ]),
      system: "s",
      maxTurns: 5,
      contextWindow: 200_000,
      modelName: "x",
    });
    const results: string[] = [];
    for await (const e of agent.run("go")) if (e.type === "tool_result") results.push(e.id);
    expect(log).toEqual([
      "start Read",
      "start Grep",
      "end Read",
      "end Grep",
      "start Write",
      "end Write",
      "start Read",
      "end Read",
    ]);
    expect(maxParallel).toBe(2);
    expect(results).toEqual(["a", "b", "c", "d"]);
  });

  it("asks for a session title once, not on every prompt of a session", async () => {
    const { provider, calls } = recordingProvider();
    const agent = new Agent({
      provider,
      tools: testPipeline([]),
      system: "s",
      maxTurns: 5,
      contextWindow: 200_000,
      modelName: "x",
      wantTitle: true,
    });
    const titles: string[] = [];
    for (const prompt of ["first", "second", "third"]) {
      for await (const e of agent.run(prompt)) if (e.type === "title") titles.push(e.title);
    }
    expect(titles).toEqual(["A title"]);
    expect(calls).toEqual(["main", "title", "main", "main"]);
  });
});
