import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import type { AgentEvent } from "../../src/agent/events.js";
import { applyEvent, INITIAL_STATE, type Item, startTurn } from "../../src/ui/tui/state.js";
import { ToolBlock } from "../../src/ui/tui/ToolBlock.js";

const usage = { inputTokens: 1000, outputTokens: 200, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 };
const nested = (e: AgentEvent, seq: number) =>
  ({ ...e, v: 1, seq, session_id: "child-1", parent_call_id: "call_agent" }) as unknown as AgentEvent;

describe("a subagent in the TUI", () => {
  it("is one collapsed line under its Agent call; its steps count there and in /cost, not as items", () => {
    let s = startTurn(INITIAL_STATE, "review");
    s = applyEvent(s, { type: "usage", model: "main", usage, costUsd: 0.01 });
    s = applyEvent(s, {
      type: "tool_call",
      id: "call_agent",
      name: "Agent",
      input: { subagent_type: "reviewer" },
      summary: "reviewer: review the code",
    });
    s = applyEvent(s, nested({ type: "text_delta", text: "thinking aloud" }, 1));
    s = applyEvent(s, nested({ type: "tool_call", id: "c1", name: "Read", input: {}, summary: "a.ts" }, 2));
    s = applyEvent(
      s,
      nested({ type: "tool_result", id: "c1", name: "Read", content: "x", isError: false }, 3),
    );
    s = applyEvent(s, nested({ type: "tool_call", id: "c2", name: "Grep", input: {}, summary: "bug" }, 4));
    s = applyEvent(s, nested({ type: "usage", model: "side", usage, costUsd: 0.02 }, 5));
    const items = [...s.done, ...s.live];
    expect(items.filter((i) => i.kind === "tool")).toHaveLength(1);
    expect(items.some((i) => i.kind === "assistant")).toBe(false);
    const agent = items.find((i) => i.kind === "tool") as Extract<Item, { kind: "tool" }>;
    expect(agent.agent).toEqual({ toolUses: 2, tokens: 1200 });
    expect(s.totals.costUsd).toBeCloseTo(0.03);
    expect(Object.keys(s.totals.byModel ?? {})).toEqual(["main", "side"]);
    // The context figure is the parent's own: the subagent has a context window of its own.
    expect(s.totals.contextTokens).toBe(1200);
    const frame = render(<ToolBlock item={agent} />).lastFrame() ?? "";
    expect(frame).toContain("Agent(reviewer)");
    expect(frame).toContain("review the code … 2 tool uses · 1.2k tokens");
    expect(frame.split("\n")).toHaveLength(1);
  });
});
