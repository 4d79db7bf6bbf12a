import type { ModelPrice, Usage } from "../model/types.js";

/** Cost in USD of one usage record at a model's per-million-token prices (cache reads and writes priced apart). */
export function costOf(usage: Usage, price: ModelPrice | undefined): number {
  if (!price) return 0;
  return (
    (usage.inputTokens * price.input +
      usage.outputTokens * price.output +
      usage.cacheCreationInputTokens * price.cacheWrite +
      usage.cacheReadInputTokens * price.cacheRead) /
    1_000_000
  );
}
