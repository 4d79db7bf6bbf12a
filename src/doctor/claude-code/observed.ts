import { defaultGeoForRegion } from "../../bedrock/geography.js";

/**
 * What Claude Code sends to Bedrock, as observed on the wire (docs/claude-code-observed.md). Data and small
 * rules only; the doctor in this folder turns them into predicted model IDs for a user's setup.
 */

/** The Claude Code version these rows were last checked against (docs/claude-code-observed.md §"Versions"). */
export const OBSERVED_VERSION = "2.1.332";

/**
 * Main model when nothing pins it: Opus 5.5, with the probe falling back in this order
 * (docs/claude-code-observed.md, "Start-up probes").
 */
export const DEFAULT_MAIN_CHAIN = [
  "anthropic.claude-opus-5-5",
  "anthropic.claude-opus-5",
  "anthropic.claude-opus-4-8",
  "anthropic.claude-opus-4-7",
  "anthropic.claude-opus-4-6-v1",
] as const;

/**
 * The hidden side (small/fast, Haiku-class) model: without a Haiku pin it requests Haiku 4.5, then 3.5 Haiku,
 * through the region's geo profile (docs/claude-code-observed.md, "The side model"). A 403 on both is silent.
 */
export const DEFAULT_SIDE_CHAIN = [
  "anthropic.claude-haiku-4-5-20251001-v1:0",
  "anthropic.claude-3-5-haiku-20241022-v1:0",
] as const;

/** Side-model candidates doctor tries when the default side chain is refused, best first. */
export const SIDE_CANDIDATES = [
  "anthropic.claude-haiku-4-5-20251001-v1:0",
  "anthropic.claude-haiku-5-5",
  "anthropic.claude-3-5-haiku-20241022-v1:0",
  "anthropic.claude-3-haiku-20240307-v1:0",
] as const;

/** Env names Claude Code reads for models, current name first (docs/claude-code-observed.md, "Variables"). */
export const SIDE_MODEL_VARS = ["ANTHROPIC_DEFAULT_HAIKU_MODEL", "ANTHROPIC_SMALL_FAST_MODEL"] as const;
export const MAIN_MODEL_VAR = "ANTHROPIC_MODEL";
export const PIN_VARS = {
  opus: "ANTHROPIC_DEFAULT_OPUS_MODEL",
  sonnet: "ANTHROPIC_DEFAULT_SONNET_MODEL",
} as const;

/**
 * Whether a side-model pin stops the Haiku probes. Observed: a value recognised as a Haiku, or not recognised
 * at all (an ARN, an unknown ID), pins the tier; a recognised non-Haiku (a Sonnet) does not, and the Haiku
 * requests still go out (docs/claude-code-observed.md, "The side model").
 */
export function pinsHaikuTier(value: string): boolean {
  const v = value.toLowerCase();
  if (v.includes("haiku")) return true;
  return !/(opus|sonnet|fable|mythos)/.test(v);
}

/** The ID Claude Code sends for a default model in a region: the region's geo profile (`us.` in us-east-1). */
export function defaultSendId(foundationModelId: string, region: string): string {
  const geo = defaultGeoForRegion(region);
  return geo === "global" ? `global.${foundationModelId}` : `${geo}.${foundationModelId}`;
}
