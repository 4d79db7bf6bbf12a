import { describe, expect, it } from "vitest";
import type { AssistantMessage, ModelProvider, ProviderEvent, TurnRequest } from "../providers/types.js";
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

describe("Agent", () => {
  it("asks for a session title once, not on every prompt of a session", async () => {
    const { provider, calls } = recordingProvider();
    const agent = new Agent({
      provider,
      tools: [],
      definitions: [],
      runTool: async () => ({ content: "" }),
      decide: () => ({ behavior: "allow", reason: "" }),
      ask: async () => ({ behavior: "deny", reason: "" }),
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
