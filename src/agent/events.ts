import type { Usage } from "../model/types.js";

/**
 * The agent's event stream. The loop never writes to the terminal: print mode, the TUI and tests all
 * consume these events.
 */
export type AgentEvent =
  | {
      type: "session_start";
      sessionId: string;
      model: string;
      sideModel?: string;
      region: string;
      cwd: string;
    }
  | { type: "turn_start"; turn: number }
  | { type: "text_delta"; text: string }
  | { type: "thinking_delta"; text: string }
  /** A streamed attempt failed and is being retried: drop the text streamed since the last turn_start. */
  | { type: "retry"; attempt: number; delayMs: number; message: string }
  | { type: "tool_call"; id: string; name: string; input: unknown; summary: string }
  | { type: "permission_request"; id: string; tool: string; summary: string; reason: string }
  | { type: "permission_decision"; id: string; behavior: "allow" | "deny"; reason: string }
  | { type: "tool_result"; id: string; name: string; content: string; isError: boolean; display?: unknown }
  | { type: "usage"; model: string; usage: Usage; costUsd: number }
  | { type: "warning"; message: string }
  | { type: "title"; title: string }
  | { type: "compacted"; summaryTokens: number; removedMessages: number }
  | { type: "error"; kind: string; message: string; fix?: string }
  | {
      type: "done";
      reason: DoneReason;
      result: string;
      turns: number;
      usage: Usage;
      costUsd: number;
      durationMs: number;
    };

export type DoneReason = "end_turn" | "max_turns" | "error" | "aborted";

/** Adds one usage record to a running total. */
export function addUsage(total: Usage, u: Usage): Usage {
  return {
    inputTokens: total.inputTokens + u.inputTokens,
    outputTokens: total.outputTokens + u.outputTokens,
    cacheCreationInputTokens: total.cacheCreationInputTokens + u.cacheCreationInputTokens,
    cacheReadInputTokens: total.cacheReadInputTokens + u.cacheReadInputTokens,
  };
}

export const ZERO_USAGE: Usage = {
  inputTokens: 0,
  outputTokens: 0,
  cacheCreationInputTokens: 0,
  cacheReadInputTokens: 0,
};
