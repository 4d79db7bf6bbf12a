// The catalog's row type, apart from the lookups, so the data file (catalog-data.ts) and the lookups
// (catalog.ts) both import it without importing each other.
import type { ModelPrice } from "../model/types.js";
import type { Geo } from "./geography.js";

/** A model family; for Claude also the alias names users type (`opus`, `sonnet`, `haiku`). */
export type ModelFamily = "opus" | "sonnet" | "haiku" | "fable" | ConverseFamily;

/** Families served over Converse only (docs/providers.md). */
export type ConverseFamily = "nova" | "llama" | "deepseek" | "gpt-oss" | "mistral" | "qwen";

/**
 * What a model takes over Converse that ListFoundationModels does not say (docs/providers.md, "Converse").
 * Absent on a row = Claude's behaviour (everything on).
 */
export interface ConverseFeatures {
  /** Takes `system` blocks; otherwise the system prompt is sent as the first user text. */
  systemPrompt: boolean;
  /** Streams tool use; otherwise a turn with tools is sent as a non-streamed Converse call. */
  streamingToolUse: boolean;
  /** Takes a `cachePoint` inside `toolConfig.tools` (Nova caches system and messages only). */
  cacheTools: boolean;
  /** Returns `reasoningContent` blocks (replayed on the next turn as they came). */
  reasoning: boolean;
}

/** How a model thinks: not at all, `thinking.type: "enabled"` with a budget, or `"adaptive"` (+ effort). */
export type ThinkingMode = "none" | "enabled" | "adaptive";

/**
 * One catalog row, as stored in catalog-data.ts. The catalog is for what ListFoundationModels does NOT say
 * (docs/providers.md, "Capabilities"): prices, windows, max output, thinking, caching, tool use and the
 * Converse quirks. Fields marked "account fallback" are also in the account's listing
 * (src/bedrock/account-models.ts); where Quarry has the listing, the listing is what it acts on (streaming,
 * image input, lifecycle), and these only stand in when it has none (offline, denied, before the first fetch).
 */
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
  /** Account fallback: the listing's inputModalities (IMAGE) decides when present. */
  vision: boolean;
  converse: boolean;
  invoke: boolean;
  /** Geographies with a system-defined inference profile (a hint; ListInferenceProfiles wins). */
  geos: readonly Geo[];
  /**
   * Whether the bare foundation-model ID may be invoked (ON_DEMAND); Claude 3.7+ are profile-only. Account
   * fallback (inferenceTypesSupported); the resolver uses it synchronously with the profile list.
   */
  onDemand: boolean;
  /** Account fallback (modelLifecycle.status); also picks Legacy models' replacements (catalog.replacementFor). */
  lifecycle: "active" | "legacy";
  price: ModelPrice;
  /** `list` = Anthropic's published price; `assumed` = copied from the tier, check before trusting. */
  priceSource: "list" | "assumed";
  /** Account fallback: ListFoundationModels' providerName; absent = Anthropic. */
  provider?: string;
  /** Converse quirks; absent = Claude's (all on). */
  converseFeatures?: ConverseFeatures;
}
