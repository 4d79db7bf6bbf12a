import type { FailureContext } from "../model/errors.js";
import { QuarryError } from "../model/errors.js";

/**
 * What each Converse stop reason (WIRE.md §4.4) means for the turn: a normal stop the loop handles
 * (end_turn, tool_use, max_tokens — the loop's truncation recovery —, stop_sequence, a guardrail's answer)
 * or a QuarryError with a fix. docs/providers.md lists them.
 */
export type StopOutcome =
  | { kind: "stop"; stopReason: string; notice?: string }
  | { kind: "error"; error: QuarryError };

/** Maps a Converse stopReason to its outcome for the model `context.model`. */
export function converseStopOutcome(stopReason: string | undefined, context: FailureContext): StopOutcome {
  const model = context.model ?? "the model";
  const fail = (fields: Pick<QuarryError, "kind" | "explanation" | "fix" | "retryable">): StopOutcome => ({
    kind: "error",
    error: new QuarryError({ ...context, ...fields, rawMessage: `stopReason: ${stopReason}` }),
  });
  switch (stopReason) {
    case undefined:
    case "end_turn":
    case "tool_use":
    case "max_tokens":
    case "stop_sequence":
      return { kind: "stop", stopReason: stopReason ?? "end_turn" };
    case "guardrail_intervened":
      // The answer is the guardrail's own message; showing it is the clearest outcome.
      return {
        kind: "stop",
        stopReason: "end_turn",
        notice: `A Bedrock guardrail intervened in ${model}'s answer; what follows is the guardrail's message. Check the guardrail's policies if this was not expected.`,
      };
    case "content_filtered":
      return fail({
        kind: "bad-request",
        explanation: `${model} stopped its answer: its content filter blocked the output.`,
        fix: "rephrase the request, or use another model (e.g. --model sonnet)",
        retryable: false,
      });
    case "malformed_tool_use":
    case "malformed_model_output":
      return fail({
        kind: "model-error",
        explanation: `${model} produced ${stopReason === "malformed_tool_use" ? "a tool call Bedrock could not parse" : "output Bedrock could not parse"} (stopReason ${stopReason}).`,
        fix: "Quarry retries the turn; if it keeps happening, use a larger model of the family or one with reliable tool use (e.g. --model sonnet)",
        retryable: true,
      });
    case "model_context_window_exceeded":
      return fail({
        kind: "context-too-long",
        explanation: `The conversation no longer fits ${model}'s context window (stopReason model_context_window_exceeded).`,
        fix: "run /compact (or start a new session), or use a model with a larger context window",
        retryable: false,
      });
    default:
      // A reason newer than this list: pass it on, the loop ends the turn normally.
      return { kind: "stop", stopReason };
  }
}
