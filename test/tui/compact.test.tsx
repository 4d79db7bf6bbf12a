import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import type { AgentEvent } from "../../src/agent/events.js";
import { ZERO_USAGE } from "../../src/agent/events.js";
import { Agent } from "../../src/agent/loop.js";
import type { CallOptions, Message, ModelProvider, TurnRequest } from "../../src/model/types.js";
import { App } from "../../src/ui/tui/App.js";
import { PromptHistory } from "../../src/ui/tui/history.js";
import { helpText } from "../../src/ui/tui/slash.js";
import { testPipeline } from "../support/pipeline.js";
import { fakeBackend, tick, waitFor } from "./fake-backend.js";

/** A provider whose side calls answer with a fixed summary (or fail), recording what they were asked. */
function summaryProvider(fail?: Error) {
  const calls: { request: TurnRequest; options?: CallOptions }[] = [];
  const provider: ModelProvider = {
    streamTurn() {
      throw new Error("no turns in these tests");
    },
    async complete(request, options) {
      calls.push({ request, options });
      if (fail) throw fail;
      return {
        id: "msg-1",
        model: "side",
        content: [{ type: "text", text: "The user asked for a and b; both done." }],
        stopReason: "end_turn",
        usage: { ...ZERO_USAGE, outputTokens: 42 },
      };
    },
    countTokens: async () => 0,
  };
  return { provider, calls };
}

function agentWith(provider: ModelProvider, history: Message[]) {
  return new Agent({
    provider,
    tools: testPipeline([]),
    system: "sys",
    maxTurns: 5,
    contextWindow: 200_000,
    modelName: "m",
    history,
  });
}

async function collect(events: AsyncIterable<AgentEvent>): Promise<AgentEvent[]> {
  const out: AgentEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
}

const TWO_TURNS: Message[] = [
  { role: "user", content: "do a" },
  { role: "assistant", content: [{ type: "text", text: "did a" }] },
  { role: "user", content: "do b" },
  { role: "assistant", content: [{ type: "text", text: "did b" }] },
];

describe("Agent.compact (/compact)", () => {
  it("summarises the older turns with the compaction role and keeps the latest prompt verbatim", async () => {
    const { provider, calls } = summaryProvider();
    const agent = agentWith(provider, TWO_TURNS);
    const events = await collect(agent.compact(new AbortController().signal));
    // The event carries the replacement conversation: the transcript stores it and resume starts from it.
    expect(events).toEqual([
      { type: "compacted", summaryTokens: 42, removedMessages: 2, messages: agent.messages },
    ]);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.options).toEqual({ role: "compaction" });
    expect(JSON.stringify(calls[0]!.request.messages)).toContain("do a");
    expect(agent.messages).toHaveLength(2);
    expect(JSON.stringify(agent.messages[0])).toContain("[Summary of the earlier conversation]");
    expect(JSON.stringify(agent.messages[0])).toContain("do b");
  });

  it("warns, without calling the model, when there is nothing older than the latest prompt", async () => {
    const { provider, calls } = summaryProvider();
    const agent = agentWith(provider, TWO_TURNS.slice(0, 2));
    const events = await collect(agent.compact());
    expect(events).toEqual([{ type: "warning", message: expect.stringContaining("Nothing to compact") }]);
    expect(calls).toHaveLength(0);
    expect(agent.messages).toHaveLength(2);
  });

  it("reports a failed or cancelled compaction as a warning and leaves the conversation as it was", async () => {
    const failing = agentWith(summaryProvider(new Error("throttled")).provider, TWO_TURNS);
    expect(await collect(failing.compact())).toEqual([
      { type: "warning", message: "Could not compact the conversation: throttled" },
    ]);
    expect(failing.messages).toHaveLength(4);
    const aborted = new AbortController();
    aborted.abort();
    const cancelled = agentWith(summaryProvider(new Error("aborted")).provider, TWO_TURNS);
    expect(await collect(cancelled.compact(aborted.signal))).toEqual([
      { type: "warning", message: expect.stringContaining("Compaction cancelled") },
    ]);
    expect(cancelled.messages).toHaveLength(4);
  });
});

describe("/compact in the TUI", () => {
  it("is listed in /help and runs the backend's compaction, showing the outcome", async () => {
    expect(helpText()).toContain("/compact");
    let compactions = 0;
    const backend = fakeBackend([], {
      async *compact() {
        compactions++;
        await tick(30);
        yield { type: "compacted", summaryTokens: 42, removedMessages: 6 } as const;
      },
    });
    const r = render(<App backend={backend} history={new PromptHistory()} />);
    await tick();
    for (const ch of "/compact") {
      r.stdin.write(ch);
      await tick(2);
    }
    r.stdin.write("\r");
    await waitFor(r.lastFrame, "compacting the conversation");
    await waitFor(r.lastFrame, "Compacted the conversation: 6 messages summarised in ~42 tokens.");
    expect(compactions).toBe(1);
    expect(backend.prompts).toEqual([]);
    r.unmount();
  });

  it("shows the agent's warning when there is nothing to compact", async () => {
    const backend = fakeBackend([]);
    const r = render(<App backend={backend} history={new PromptHistory()} />);
    await tick();
    for (const ch of "/compact") {
      r.stdin.write(ch);
      await tick(2);
    }
    r.stdin.write("\r");
    await waitFor(r.lastFrame, "Nothing to compact yet");
    r.unmount();
  });
});
