import type { InvocationTarget } from "../http/types.js";
import { parseJsonBody, validateAnthropicBody, validation } from "./anthropic-body.js";
import { converseToNormalized } from "./converse-request.js";
import { requestTokens } from "./tokens.js";

/** CountTokens (WIRE.md §4.6): the same token estimate the answers report, for either body form. */

/** Bedrock's answer to a profile or other non-foundation-model identifier. */
export const INVALID_MODEL_IDENTIFIER = "The provided model identifier is invalid.";

function missingInput(): Error {
  return validation(
    "1 validation error detected: Value null at 'input' failed to satisfy constraint: Member must not be null",
  );
}

/** Counts a CountTokens request's input tokens; throws BedrockError like Bedrock for bad identifiers or bodies. */
export function countTokens(target: InvocationTarget, body: Buffer): number {
  // Only foundation models can be counted; callers resolve profiles first (Claude Code does).
  if (target.kind !== "foundation-model" && target.kind !== "foundation-model-arn") {
    throw validation(INVALID_MODEL_IDENTIFIER);
  }
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
