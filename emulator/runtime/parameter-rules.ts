import type { FoundationModel } from "../world/schema.js";
import { anthropicModelName } from "./ids.js";
import { modelError, TEXT } from "./model-errors.js";
import type { NormalizedRequest } from "./types.js";

/**
 * Claude's rules for request parameters that depend on the model answering: sampling bounds and
 * combinations, extended thinking, betas, tool definitions. Texts and sources: model-errors.ts and
 * docs/emulator-rules.md. The output limit lives in limits.ts because its text depends on the operation.
 */

/** Minimum thinking budget (Anthropic docs; LibreChat#8346 quotes the refusal). */
export const MIN_THINKING_BUDGET = 1024;

/** Anthropic lets the thinking budget exceed max_tokens only with interleaved thinking (extended-thinking docs). */
const INTERLEAVED = "interleaved-thinking-2025-05-14";

/** Throws Claude's 400 for the first parameter rule the request breaks on this model. */
export function checkParameters(req: NormalizedRequest, model: FoundationModel): void {
  checkSampling(req, model);
  checkThinking(req, model);
  checkBetas(req, model);
  checkTools(req);
}

function checkSampling(req: NormalizedRequest, model: FoundationModel): void {
  if (req.temperature !== undefined) {
    if (req.temperature > 1) throw modelError(TEXT.upTo1("temperature"));
    if (req.temperature < 0) throw modelError(TEXT.atLeast0("temperature"));
  }
  if (req.topP !== undefined) {
    if (req.topP > 1) throw modelError(TEXT.upTo1("top_p"));
    if (req.topP < 0) throw modelError(TEXT.atLeast0("top_p"));
  }
  if (req.topK !== undefined && req.topK < 0) throw modelError(TEXT.atLeast0("top_k"));
  if (model.sampling === "no-temperature" && req.temperature !== undefined) {
    throw modelError(TEXT.temperatureDeprecated);
  }
  if (model.sampling === "exclusive" && req.temperature !== undefined && req.topP !== undefined) {
    throw modelError(TEXT.temperatureAndTopP);
  }
}

function checkThinking(req: NormalizedRequest, model: FoundationModel): void {
  const t = req.thinking;
  if (!t || t.type === "disabled") return;
  if (t.type !== "enabled" && t.type !== "adaptive") {
    throw modelError(
      `thinking.type: Input tag '${t.type}' found using 'type' does not match any of the expected tags: 'adaptive', 'disabled', 'enabled'`,
    );
  }
  if (model.thinkingModes.length === 0) throw modelError(TEXT.thinkingNotSupported);
  if (!model.thinkingModes.includes(t.type)) {
    throw modelError(t.type === "enabled" ? TEXT.enabledNotSupported : TEXT.adaptiveNotSupported);
  }
  if (t.type === "enabled") {
    const budget = t.budgetTokens;
    if (!Number.isInteger(budget)) throw modelError("thinking.enabled.budget_tokens: Field required");
    if ((budget as number) < MIN_THINKING_BUDGET) throw modelError(TEXT.budgetMinimum);
    if ((budget as number) >= req.maxTokens && !req.betas.includes(INTERLEAVED)) {
      throw modelError(TEXT.budgetBelowMaxTokens);
    }
  }
  // Thinking is incompatible with temperature or top_k changes (Anthropic's extended-thinking docs).
  if (req.temperature !== undefined && req.temperature !== 1) throw modelError(TEXT.thinkingTemperature);
  if (req.topK !== undefined) throw modelError(TEXT.thinkingTopK);
}

function checkBetas(req: NormalizedRequest, model: FoundationModel): void {
  if (req.betas.length === 0 || model.betas === undefined) return;
  for (const beta of req.betas) if (!model.betas.includes(beta)) throw modelError(TEXT.invalidBeta);
}

function checkTools(req: NormalizedRequest): void {
  const names = req.tools.map((t) => t.name).filter((n): n is string => typeof n === "string");
  if (new Set(names).size !== names.length) throw modelError(TEXT.duplicateToolNames);
  if (req.toolChoice && req.tools.length === 0) throw modelError(TEXT.toolChoiceWithoutTools);
}

/** The model name Claude puts in its own messages (e.g. the max_tokens refusal). */
export const claudeName = anthropicModelName;
