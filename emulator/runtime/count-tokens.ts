import type { InvocationTarget } from "../http/types.js";
import { parseJsonBody, validateAnthropicBody, validation } from "./anthropic-body.js";
import { converseToNormalized } from "./converse-request.js";
import { requestTokens } from "./tokens.js";

/** CountTokens (WIRE.md §4.6): the same token estimate the answers report, for either body form. */

/** Bedrock's answer to an identifier that is not a model at all. */
export const INVALID_MODEL_IDENTIFIER = "The provided model identifier is invalid.";

/**
 * Bedrock's refusal for a model (or an inference-profile ID) CountTokens does not count: agentgateway PR
 * #3254 (a us. Haiku 4.5 profile), maximhq/bifrost PR #2169 (us.anthropic.claude-sonnet-4-6),
 * strands-agents PR #2250; alchemy.run's Bedrock docs say profile IDs get the same text.
 */
export const COUNT_TOKENS_UNSUPPORTED = "The provided model doesn't support counting tokens.";

/** Regions with CountTokens (docs.aws.amazon.com/bedrock/latest/userguide/count-tokens.html). */
export const COUNT_TOKENS_REGIONS = new Set([
  "us-east-1",
  "us-east-2",
  "us-west-2",
  "ap-northeast-1",
  "ap-south-1",
  "ap-southeast-1",
  "ap-southeast-2",
  "eu-central-1",
  "eu-central-2",
  "eu-west-1",
  "eu-west-2",
  "sa-east-1",
]);

function missingInput(): Error {
  return validation(
    "1 validation error detected: Value null at 'input' failed to satisfy constraint: Member must not be null",
  );
}

/** Counts a CountTokens request's input tokens; throws BedrockError like Bedrock for bad identifiers or bodies. */
export function countTokens(target: InvocationTarget, body: Buffer, region: string): number {
  // Only foundation models can be counted; callers resolve profiles first (Claude Code does).
  if (target.kind !== "foundation-model" && target.kind !== "foundation-model-arn") {
    throw validation(COUNT_TOKENS_UNSUPPORTED);
  }
  // [I] The text for a region without CountTokens is not reported anywhere; the model refusal is reused.
  if (!target.model.countTokens || !COUNT_TOKENS_REGIONS.has(region))
    throw validation(COUNT_TOKENS_UNSUPPORTED);
  const json = parseJsonBody(body);
  const input =
    json !== null && typeof json === "object" ? (json as Record<string, unknown>).input : undefined;
  if (input === null || typeof input !== "object") throw missingInput();
  const { invokeModel, converse } = input as Record<string, unknown>;
  if (invokeModel !== null && typeof invokeModel === "object") {
    const inner = (invokeModel as Record<string, unknown>).body;
    if (typeof inner !== "string") {
      throw validation(
        "1 validation error detected: Value null at 'input.invokeModel.body' failed to satisfy constraint: Member must not be null",
      );
    }
    return requestTokens(validateAnthropicBody(parseJsonBody(Buffer.from(inner, "base64"))));
  }
  if (converse !== null && typeof converse === "object") {
    // max_tokens plays no part in counting; any valid value will do.
    return requestTokens(converseToNormalized(converse, 1));
  }
  throw missingInput();
}
