import { describe, expect, it } from "vitest";
import type { AssistantMessage, ContentBlock } from "../model/types.js";
import { MAX_TRUNCATION_RECOVERIES, onTruncated } from "./truncation.js";

const cut = (content: ContentBlock[]): AssistantMessage => ({
  id: "m",
  model: "x",
  content,
  stopReason: "max_tokens",
  usage: { inputTokens: 1, outputTokens: 1, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 },
});
const call: ContentBlock = { type: "tool_use", id: "t", name: "Write", input: { __invalid_json__: '{"a' } };

describe("onTruncated", () => {
  it("asks a cut tool call again with double max_tokens, up to the ceiling", () => {
    expect(onTruncated(cut([call]), { maxTokens: 8000, ceiling: 64000 }, 0)).toMatchObject({
      kind: "retry-larger",
      maxTokens: 16000,
    });
    expect(onTruncated(cut([call]), { maxTokens: 40000, ceiling: 64000 }, 0)).toMatchObject({
      maxTokens: 64000,
    });
  });

  it("at the ceiling, keeps the text, drops the call and tells the model it was not run", () => {
    const step = onTruncated(
      cut([{ type: "text", text: "Writing" }, call]),
      { maxTokens: 64000, ceiling: 64000 },
      0,
    );
    expect(step.kind).toBe("continue");
    if (step.kind !== "continue") return;
    expect(step.keep).toEqual([{ type: "text", text: "Writing" }]);
    expect(step.nudge.content).toContain("(Write) did not fit and was not run");
  });

  it("keeps a thinking-only turn valid with a placeholder", () => {
    const step = onTruncated(
      cut([{ type: "thinking", thinking: "t", signature: "s" }]),
      { maxTokens: 1, ceiling: 1 },
      0,
    );
    expect(step.kind === "continue" && step.keep.at(-1)).toEqual({ type: "text", text: "(cut off)" });
  });

  it("fails after the last recovery, naming the knob and the model's ceiling", () => {
    const step = onTruncated(
      cut([{ type: "text", text: "x" }]),
      { maxTokens: 8000, ceiling: 64000 },
      MAX_TRUNCATION_RECOVERIES,
    );
    expect(step.kind).toBe("fail");
    if (step.kind !== "fail") return;
    expect(step.error.explanation).toContain("cut off at the output token limit (max_tokens 8000)");
    expect(step.error.fix).toContain("CLAUDE_CODE_MAX_OUTPUT_TOKENS=64000");
  });
});
