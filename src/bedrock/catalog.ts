// Lookups over the bundled model catalog (catalog-data.ts). The catalog is data; this file only reads it,
// applies the user's `catalogOverrides` and supplies conservative defaults for models it doesn't know.

import { z } from "zod";
import { ALIAS_TARGETS, CATALOG, CONVERSE_CATALOG } from "./catalog-data.js";
import type { CatalogEntry, ConverseFeatures, ModelFamily, ThinkingMode } from "./catalog-entry.js";
import { findCatalogEntry } from "./catalog-lookup.js";
import type { Geo } from "./geography.js";

export type { CatalogEntry, ConverseFeatures, ModelFamily, ThinkingMode } from "./catalog-entry.js";

/** The aliases Quarry accepts. */
export type ModelAlias = keyof typeof ALIAS_TARGETS;

import type { ModelPrice } from "../model/types.js";

export type { ModelPrice } from "../model/types.js";

/** What the rest of Quarry needs to know about a model; the result of {@link lookupModel}. */
export interface ModelCapabilities {
  foundationModelId: string;
  /** False when the model isn't in the catalog and these are conservative defaults. */
  known: boolean;
  family?: ModelFamily;
  displayName: string;
  contextWindow: number;
  context1m: "none" | "beta" | "native";
  maxOutputDefault: number;
  maxOutputUpper: number;
  thinking: ThinkingMode;
  promptCaching: boolean;
  toolUse: boolean;
  vision: boolean;
  converse: boolean;
  invoke: boolean;
  profileGeos: readonly Geo[];
  onDemand: boolean;
  price?: ModelPrice;
  priceSource?: "list" | "assumed";
  /** ListFoundationModels' providerName; absent = Anthropic. */
  provider?: string;
  /** Converse quirks (src/providers/converse-body.ts); absent = Claude's, all on. */
  converseFeatures?: ConverseFeatures;
}

/** One override entry: any capability, with `price` settable field by field. */
export type CapabilityOverride = Partial<Omit<ModelCapabilities, "price">> & { price?: Partial<ModelPrice> };

/** Settings `catalogOverrides`: keyed by foundation-model ID, profile ID or ARN. */
export type CatalogOverrides = Record<string, CapabilityOverride>;

const priceSchema = z.object({
  input: z.number().nonnegative(),
  output: z.number().nonnegative(),
  cacheWrite: z.number().nonnegative(),
  cacheRead: z.number().nonnegative(),
});

/** Zod schema for one `catalogOverrides` entry (for the settings loader). */
export const capabilityOverrideSchema = z
  .object({
    displayName: z.string(),
    family: z.enum([
      "opus",
      "sonnet",
      "haiku",
      "fable",
      "nova",
      "llama",
      "deepseek",
      "gpt-oss",
      "mistral",
      "qwen",
    ]),
    contextWindow: z.number().int().positive(),
    context1m: z.enum(["none", "beta", "native"]),
    maxOutputDefault: z.number().int().positive(),
    maxOutputUpper: z.number().int().positive(),
    thinking: z.enum(["none", "enabled", "adaptive"]),
    promptCaching: z.boolean(),
    toolUse: z.boolean(),
    vision: z.boolean(),
    converse: z.boolean(),
    invoke: z.boolean(),
    profileGeos: z.array(z.enum(["us", "eu", "apac", "jp", "au", "us-gov", "global"])),
    onDemand: z.boolean(),
    price: priceSchema.partial(),
  })
  .partial()
  .strict();

/** Zod schema for the whole settings `catalogOverrides` map. */
export const catalogOverridesSchema = z.record(z.string(), capabilityOverrideSchema);

/** The catalog rows, in catalog order. */
export function catalogEntries(): readonly CatalogEntry[] {
  return CATALOG;
}

/** The rows of models Quarry calls over Converse only (Nova, Llama, DeepSeek, gpt-oss, …). */
export function converseCatalogEntries(): readonly CatalogEntry[] {
  return CONVERSE_CATALOG;
}

// The row lookups live apart, without zod, so the TUI's status line can name a model before the settings load.
export { findByAnthropicName, findCatalogEntry } from "./catalog-lookup.js";

/** The foundation-model ID an alias stands for. */
export function aliasTarget(alias: ModelAlias): string {
  return ALIAS_TARGETS[alias];
}

/** True for the aliases Quarry accepts. */
export function isModelAlias(value: string): value is ModelAlias {
  return Object.hasOwn(ALIAS_TARGETS, value);
}

function fromEntry(entry: CatalogEntry): ModelCapabilities {
  return {
    foundationModelId: entry.id,
    known: true,
    family: entry.family,
    displayName: entry.displayName,
    contextWindow: entry.contextWindow,
    context1m: entry.context1m,
    maxOutputDefault: entry.maxOutput.default,
    maxOutputUpper: entry.maxOutput.upper,
    thinking: entry.thinking,
    promptCaching: entry.promptCaching,
    toolUse: entry.toolUse,
    vision: entry.vision,
    converse: entry.converse,
    invoke: entry.invoke,
    profileGeos: entry.geos,
    onDemand: entry.onDemand,
    price: entry.price,
    priceSource: entry.priceSource,
    ...(entry.provider ? { provider: entry.provider } : {}),
    ...(entry.converseFeatures ? { converseFeatures: entry.converseFeatures } : {}),
  };
}

/**
 * Conservative defaults for a model the catalog doesn't know. Every Claude model since 3.7 is
 * profile-only, so an unknown `anthropic.claude-*` is assumed to need an inference profile too.
 */
export function unknownModelCapabilities(foundationModelId: string): ModelCapabilities {
  return {
    foundationModelId,
    known: false,
    displayName: foundationModelId || "unknown model",
    contextWindow: 200_000,
    context1m: "none",
    maxOutputDefault: 8192,
    maxOutputUpper: 8192,
    thinking: "none",
    promptCaching: false,
    toolUse: true,
    vision: false,
    converse: true,
    invoke: true,
    profileGeos: [],
    onDemand: !foundationModelId.startsWith("anthropic.claude-"),
    // An unknown non-Claude model goes over Converse; a non-streamed call with tools works for every family.
    ...(foundationModelId.startsWith("anthropic.") || foundationModelId === ""
      ? {}
      : {
          invoke: false,
          converseFeatures: {
            systemPrompt: true,
            streamingToolUse: false,
            cacheTools: false,
            reasoning: true,
          },
        }),
  };
}

/** Merges override layers on top of capabilities; later layers win, `price` merges field by field. */
export function applyOverrides(
  base: ModelCapabilities,
  ...layers: ReadonlyArray<CapabilityOverride | undefined>
): ModelCapabilities {
  let out = base;
  for (const layer of layers) {
    if (!layer) continue;
    const price = mergePrice(out.price, layer.price);
    // The key the user keyed the override by never changes which model this is.
    out = { ...out, ...layer, foundationModelId: out.foundationModelId, known: out.known, price };
  }
  return out;
}

// A partial price only counts when it completes to a full one (an unknown model has no base price).
function mergePrice(
  base: ModelPrice | undefined,
  patch: Partial<ModelPrice> | undefined,
): ModelPrice | undefined {
  if (!patch) return base;
  const merged = { ...base, ...patch };
  const complete = (["input", "output", "cacheWrite", "cacheRead"] as const).every(
    (k) => typeof merged[k] === "number",
  );
  return complete ? (merged as ModelPrice) : base;
}

/** Capabilities of a foundation model, with `overrides[fmId]` merged on top; unknown → defaults, `known: false`. */
export function lookupModel(foundationModelId: string, overrides?: CatalogOverrides): ModelCapabilities {
  const entry = findCatalogEntry(foundationModelId);
  const base = entry ? fromEntry(entry) : unknownModelCapabilities(foundationModelId);
  return applyOverrides(base, overrides?.[foundationModelId]);
}

/**
 * The model to suggest instead of a Legacy one: the catalog's last active row of the same family (rows are
 * in release order within a family). Undefined when the catalog does not know the model or its family has no
 * active row.
 */
export function replacementFor(foundationModelId: string): CatalogEntry | undefined {
  const entry = findCatalogEntry(foundationModelId);
  if (!entry) return undefined;
  const rows = [...CATALOG, ...CONVERSE_CATALOG].filter(
    (e) => e.family === entry.family && e.lifecycle === "active" && e.id !== entry.id,
  );
  return rows[rows.length - 1];
}
