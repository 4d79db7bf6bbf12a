import { BedrockError } from "../http/types.js";
import type { FoundationModel } from "../world/schema.js";

/**
 * Service tier and latency-optimized inference on InvokeModel (docs/emulator-rules.md, "Service tiers"):
 * `X-Amzn-Bedrock-Service-Tier` and `X-Amzn-Bedrock-PerformanceConfig-Latency` (WIRE.md §4.1), checked
 * against the world's `models[].serviceTiers` / `latencyOptimized`.
 */
export function checkServiceTier(headers: Record<string, string>, model: FoundationModel): void {
  const tier = headers["x-amzn-bedrock-service-tier"];
  if (tier !== undefined) {
    // V: NousResearch/hermes-agent PR #34476 (an unknown tier).
    if (!["default", "priority", "flex", "reserved"].includes(tier))
      throw new BedrockError(400, "ValidationException", "service tier provided is invalid");
    if (!(model.serviceTiers as string[]).includes(tier)) {
      // V: envoyproxy/ai-gateway PR #1749 (reserved without a reservation); maximhq/bifrost PR #7270 (others).
      throw new BedrockError(
        400,
        "ValidationException",
        tier === "reserved"
          ? "Reservation not found."
          : "The provided service tier is not supported for this model.",
      );
    }
  }
  const latency = headers["x-amzn-bedrock-performanceconfig-latency"];
  if (latency === undefined) return;
  if (latency !== "standard" && latency !== "optimized") {
    // V: hermes-agent PR #34476 quotes the enum set; the value quoting follows the Coral style (M).
    throw new BedrockError(
      400,
      "ValidationException",
      `1 validation error detected: Value '${latency}' at 'performanceConfigLatency' failed to satisfy constraint: Member must satisfy enum value set: [optimized, standard]`,
    );
  }
  if (latency === "optimized" && !model.latencyOptimized) {
    // **I**: AWS lists the models with latency-optimized inference; the refusal's wording is ours.
    throw new BedrockError(
      400,
      "ValidationException",
      "Latency-optimized inference is not supported for this model.",
    );
  }
}
