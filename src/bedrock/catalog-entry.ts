// The catalog's row type, apart from the lookups, so the data file (catalog-data.ts) and the lookups
// (catalog.ts) both import it without importing each other.
import type { ModelPrice } from "../model/types.js";
import type { Geo } from "./geography.js";

/** A model family; also the alias names users type (`opus`, `sonnet`, `haiku`). */
export type ModelFamily = "opus" | "sonnet" | "haiku" | "fable";

/** How a model thinks: not at all, `thinking.type: "enabled"` with a budget, or `"adaptive"` (+ effort). */
export type ThinkingMode = "none" | "enabled" | "adaptive";

/** One catalog row, as stored in catalog-data.ts. */
export interface CatalogEntry {
  id: string;
  family: ModelFamily;
  displayName: string;
  /** Anthropic API names (e.g. `claude-sonnet-4-5`) so we can suggest the Bedrock ID for them. */
  anthropicNames: readonly string[];
  contextWindow: number;
  /** 1M context: unavailable, behind the `context-1m-2025-08-07` beta, or the native window. */
  context1m: "none" | "beta" | "native";
  maxOutput: { default: number; upper: number };
  thinking: ThinkingMode;
  promptCaching: boolean;
  toolUse: boolean;
  vision: boolean;
  converse: boolean;
  invoke: boolean;
  /** Geographies with a system-defined inference profile (a hint; ListInferenceProfiles wins). */
  geos: readonly Geo[];
  /** Whether the bare foundation-model ID may be invoked (ON_DEMAND); Claude 3.7+ are profile-only. */
  onDemand: boolean;
  lifecycle: "active" | "legacy";
  price: ModelPrice;
  /** `list` = Anthropic's published price; `assumed` = copied from the tier, check before trusting. */
  priceSource: "list" | "assumed";
}
