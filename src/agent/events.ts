import type { Usage } from "../model/types.js";

/**
 * The agent's event stream. The loop never writes to the terminal: print mode, the TUI and tests all
 * consume these events. Their schemas are the protocol's (src/protocol/events.ts).
 */
export type { AgentEvent, DoneReason } from "../protocol/events.js";

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
