import { QuarryError } from "../bedrock/errors.js";
import type { AssistantMessage, ContentBlock, Message } from "../model/types.js";

/**
 * What to do with a turn that stopped at `max_tokens` (docs/decisions/0012-fault-handling.md). A cut-off
 * answer is never taken as complete: a tool call cut mid-input is never run (its JSON may be partial) and the
 * turn is asked again with more room; cut-off text is kept and the model asked to continue; when neither
 * helps the run ends with an error naming the knob.
 */

/** The max_tokens in force and the most the model accepts. */
export interface OutputLimits {
  maxTokens: number;
  ceiling: number;
}

/** How many times one prompt may be continued or re-asked after a cut before the run fails. */
export const MAX_TRUNCATION_RECOVERIES = 3;

export type TruncationStep =
  /** Ask the same turn again with room for the whole tool call; nothing of the cut attempt is kept. */
  | { kind: "retry-larger"; maxTokens: number; warning: string }
  /** Keep what was written (tool calls removed), then a user nudge to continue. */
  | { kind: "continue"; keep: ContentBlock[]; nudge: Message; warning: string }
  | { kind: "fail"; error: QuarryError };

/** Decides the next step after the `recoveries`-th cut (0 for the first) of this prompt. */
export function onTruncated(
  message: AssistantMessage,
  limits: OutputLimits,
  recoveries: number,
): TruncationStep {
  const calls = message.content.filter((b) => b.type === "tool_use");
  if (recoveries >= MAX_TRUNCATION_RECOVERIES)
    return { kind: "fail", error: truncatedError(limits, recoveries) };
  if (calls.length > 0 && limits.maxTokens < limits.ceiling) {
    const maxTokens = Math.min(limits.ceiling, limits.maxTokens * 2);
    return {
      kind: "retry-larger",
      maxTokens,
      warning: `The model's tool call was cut off at max_tokens ${limits.maxTokens}; it was not run. Asking again with max_tokens ${maxTokens}.`,
    };
  }
  const written = message.content.filter((b) => b.type !== "tool_use");
  const hasText = written.some((b) => b.type === "text" && b.text.trim() !== "");
  // An assistant turn must say something besides thinking; a placeholder keeps the history valid.
  const keep: ContentBlock[] = hasText ? written : [...written, { type: "text", text: "(cut off)" }];
  const dropped =
    calls.length > 0
      ? ` Your tool call${calls.length > 1 ? "s" : ""} (${calls.map((c) => (c.type === "tool_use" ? c.name : "")).join(", ")}) did not fit and ${calls.length > 1 ? "were" : "was"} not run; make smaller calls (e.g. write a large file in parts).`
      : "";
  return {
    kind: "continue",
    keep,
    nudge: {
      role: "user",
      content: `Your previous reply was cut off by the output token limit (max_tokens ${limits.maxTokens}).${dropped} Continue exactly where it stopped, without repeating anything.`,
    },
    warning: `The model's reply was cut off at max_tokens ${limits.maxTokens}; asking it to continue.`,
  };
}

function truncatedError(limits: OutputLimits, times: number): QuarryError {
  return new QuarryError({
    kind: "max-tokens-too-high",
    rawMessage: `stop_reason max_tokens ${times + 1} times`,
    explanation: `The model's answer was cut off at the output token limit (max_tokens ${limits.maxTokens}) ${times + 1} times in a row; the answer is incomplete.`,
    fix:
      limits.maxTokens < limits.ceiling
        ? `Raise the limit: export CLAUDE_CODE_MAX_OUTPUT_TOKENS=${limits.ceiling} (the model allows up to ${limits.ceiling}), or ask for a shorter answer.`
        : "Ask for a shorter answer or split the task; the model's output limit is already at its maximum.",
    retryable: false,
  });
}
