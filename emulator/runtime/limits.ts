import type { FoundationModel } from "../world/schema.js";
import { validation } from "./anthropic-body.js";
import { checkCaching } from "./caching.js";
import { converseMaxTokens, modelError, TEXT } from "./model-errors.js";
import { claudeName } from "./parameter-rules.js";
import { requestTokens } from "./tokens.js";
import type { NormalizedRequest } from "./types.js";

/** Bedrock's context-overflow message (FIELD-REPORT table, row 7). */
export const INPUT_TOO_LONG = "Input is too long for requested model.";

/**
 * Checks a normalised request against the model that will answer: output limit, prompt caching support and
 * context window. Returns the request's input tokens so callers count once.
 */
export function checkModelLimits(
  req: NormalizedRequest,
  model: FoundationModel,
  api: "invoke" | "converse" = "invoke",
): number {
  if (req.maxTokens > model.maxOutputTokens) {
    // The two APIs word this differently: Converse has Bedrock's own text, InvokeModel passes Claude's on.
    throw api === "converse"
      ? validation(converseMaxTokens(model.maxOutputTokens))
      : modelError(TEXT.maxTokens(req.maxTokens, model.maxOutputTokens, claudeName(model)));
  }
  checkCaching(req, model);
  const tokens = requestTokens(req);
  if (tokens > model.contextWindow) throw validation(INPUT_TOO_LONG);
  return tokens;
}
