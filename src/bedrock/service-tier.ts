import type { Settings } from "../config/index.js";
import { describeSource } from "../config/index.js";

/**
 * Service tier and latency-optimized inference on InvokeModel (docs/failover.md#service-tier). Bedrock spells
 * them `X-Amzn-Bedrock-Service-Tier: priority|default|flex|reserved` and
 * `X-Amzn-Bedrock-PerformanceConfig-Latency: standard|optimized` (the SDK's `serviceTier` and
 * `performanceConfigLatency` input members; AWS API reference ServiceTier, WIRE.md §4.1); Converse takes
 * `serviceTier: {type}` and `performanceConfig: {latency}` in the body.
 */
export interface TierFields {
  serviceTier?: "priority" | "default" | "flex" | "reserved";
  performanceConfigLatency?: "standard" | "optimized";
}

// AWS lists latency-optimized inference for few models (docs.aws.amazon.com/bedrock/latest/userguide/
// latency-optimized-inference.html; BerriAI/litellm#7606): of Claude, only 3.5 Haiku. Elsewhere it is not sent.
const LATENCY_OPTIMIZED_MODELS = ["anthropic.claude-3-5-haiku-20241022-v1:0"];

/** The tier and latency fields a model's requests carry, and why a configured one is left out. */
export function tierFields(
  settings: Pick<Settings, "serviceTier" | "performanceLatency">,
  foundationModelId: string | undefined,
): { fields: TierFields; warnings: string[] } {
  const fields: TierFields = {};
  const warnings: string[] = [];
  if (settings.serviceTier) fields.serviceTier = settings.serviceTier.value as TierFields["serviceTier"];
  const latency = settings.performanceLatency;
  if (latency?.value === "optimized" && !LATENCY_OPTIMIZED_MODELS.includes(foundationModelId ?? "")) {
    warnings.push(
      `Latency-optimized inference (${describeSource(latency.source)}) is not offered for ${foundationModelId ?? "this model"}; requests use standard latency.`,
    );
  } else if (latency) {
    fields.performanceConfigLatency = latency.value as TierFields["performanceConfigLatency"];
  }
  return { fields, warnings };
}

/** The same choice in Converse's body shape (`serviceTier: {type}`, `performanceConfig: {latency}`). */
export function converseTierFields(fields: TierFields): Record<string, unknown> {
  return {
    ...(fields.serviceTier ? { serviceTier: { type: fields.serviceTier } } : {}),
    ...(fields.performanceConfigLatency
      ? { performanceConfig: { latency: fields.performanceConfigLatency } }
      : {}),
  };
}
