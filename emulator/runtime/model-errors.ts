import { BedrockError } from "../http/types.js";

/**
 * Errors Claude itself raises behind Bedrock. Bedrock passes them on as a 400 ValidationException whose
 * message wraps Anthropic's text: "The model returned the following errors: <text>". Seen on InvokeModel
 * (LibreChat#8346 "…thinking.enabled.budget_tokens: Input should be greater than or equal to 1024", LiteLLM
 * PR #19877 "…invalid beta flag", opencode#3077) and on Converse/ConverseStream (BoltAI#399, cherry-studio#10984).
 * Every rule, its text and its source: docs/emulator-rules.md.
 */

export const MODEL_ERROR_PREFIX = "The model returned the following errors: ";

/** A 400 ValidationException carrying one of Claude's own validation messages. */
export function modelError(text: string): BedrockError {
  return new BedrockError(400, "ValidationException", `${MODEL_ERROR_PREFIX}${text}`);
}

const THINKING_DOCS = "https://docs.claude.com/en/docs/build-with-claude/extended-thinking";

/** Claude's texts, named by rule. Sources beside each; [I] marks a text no source quotes (inferred). */
export const TEXT = {
  /** anthropics/claude-code#2697, #5989 and many more (Anthropic API, quoted verbatim). */
  toolUseWithoutResult: (index: number, ids: string[]) =>
    `messages.${index}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${ids.join(", ")}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`,
  /** anthropics/claude-code#13460, #18947 (verbatim). */
  orphanToolResult: (index: number, block: number, id: string) =>
    `messages.${index}.content.${block}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${id}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`,
  /** [I] No source quotes Claude's text for a repeated tool_use id. */
  duplicateToolUseId: (index: number, block: number, id: string) =>
    `messages.${index}.content.${block}: \`tool_use\` ids must be unique, found duplicate: ${id}`,
  /** anthropics/claude-code#59812 (verbatim). */
  emptyText: "messages: text content blocks must be non-empty",
  /** anomalyco/opencode#31259, PR #3194 (verbatim). */
  whitespaceText: "messages: text content blocks must contain non-whitespace text",
  /** [I] The system-prompt variant of the two texts above. */
  emptySystemText: "system: text content blocks must be non-empty",
  /** [I] Recalled from Anthropic's API; no stored source quotes it. */
  emptyContent: (index: number) =>
    `messages.${index}: all messages must have non-empty content except for the optional final assistant message`,
  /** [I] Anthropic's older wording; livekit/agents PR #669 states the rule without quoting it. */
  firstMessageUser: 'messages: first message must use the "user" role',
  /** [I] Pydantic-style, like "system.0.type: Field required" (WIRE.md §7.3). */
  badRole: (index: number, role: string) =>
    `messages.${index}.role: Input should be 'user' or 'assistant', got '${role}'`,
  /** tailcallhq/forgecode#892 (verbatim, Anthropic via OpenRouter). */
  duplicateToolNames: "tools: Tool names must be unique.",
  /** [I] Anthropic's wording as remembered; no stored source. */
  toolChoiceWithoutTools: "tool_choice may only be specified while providing tools.",
  /** [I] Pydantic-style bounds for the sampling parameters. */
  upTo1: (field: string) => `${field}: Input should be less than or equal to 1`,
  atLeast0: (field: string) => `${field}: Input should be greater than or equal to 0`,
  /** [I] Anthropic's max_tokens text as recalled (the Converse text differs: see CONVERSE_MAX_TOKENS). */
  maxTokens: (asked: number, limit: number, model: string) =>
    `max_tokens: ${asked} > ${limit}, which is the maximum allowed number of output tokens for ${model}`,
  /** BoltAI/BoltAI#399, CherryHQ/cherry-studio#10984 (verbatim, via Bedrock). */
  temperatureAndTopP:
    "`temperature` and `top_p` cannot both be specified for this model. Please use only one.",
  /** DayuanJiang/next-ai-draw-io#861 (verbatim, Bedrock Opus 4.7/4.8). */
  temperatureDeprecated: "temperature is deprecated for this model.",
  /** danny-avila/LibreChat#8346 (verbatim, via Bedrock). */
  budgetMinimum: "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024",
  /** liuw1535/antigravity2api-nodejs#149 (verbatim, Anthropic via Vertex). */
  budgetBelowMaxTokens: `\`max_tokens\` must be greater than \`thinking.budget_tokens\`. Please consult our documentation at ${THINKING_DOCS}#max-tokens-and-context-window-size`,
  /** MartialBE/one-hub#529 (verbatim). */
  thinkingTemperature:
    "`temperature` may only be set to 1 when thinking is enabled. Please consult our documentation at https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking#important-considerations-when-using-extended-thinking",
  /** [I] Anthropic documents that thinking is incompatible with top_k; no source quotes the error. */
  thinkingTopK: "`top_k` may not be set when thinking is enabled.",
  /** FIELD-REPORT §3 row 11 (anthropics/claude-code#50100, #63546; verbatim). */
  enabledNotSupported:
    '"thinking.type.enabled" is not supported for this model. Use "thinking.type.adaptive" and "output_config.effort" to control thinking behavior.',
  /** [I] The reverse case for models without adaptive thinking. */
  adaptiveNotSupported: '"thinking.type.adaptive" is not supported for this model.',
  /** [I] No thinking at all on this model (Claude 3 Haiku). */
  thinkingNotSupported: "thinking is not supported for this model.",
  /** anomalyco/opencode#3077, OpenRouterTeam/ai-sdk-provider#162, deepset haystack#2146 (verbatim). */
  thinkingFirst: (index: number, found: string) =>
    `messages.${index}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${found}\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block (preceeding the lastmost set of \`tool_use\` and \`tool_result\` blocks). We recommend you include thinking blocks from previous turns. To avoid this requirement, disable \`thinking\`. Please consult our documentation at ${THINKING_DOCS}`,
  /** [I] Pydantic-style "Field required" for a thinking block without its signature. */
  signatureMissing: (index: number, block: number) =>
    `messages.${index}.content.${block}.thinking.signature: Field required`,
  /** [I] Anthropic's text for a signature that does not verify, as recalled. */
  signatureInvalid: (index: number, block: number) =>
    `messages.${index}.content.${block}: Invalid \`signature\` in \`thinking\` block`,
  /** LiteLLM PR #19877 ("The model returned the following errors: invalid beta flag"), claude-code#49370. */
  invalidBeta: "invalid beta flag",
  /** anthropics/claude-code issues via Wei-Shaw/sub2api#176, tghamm/Anthropic.SDK#50 (verbatim). */
  tooManyBreakpoints: (max: number, found: number) =>
    `A maximum of ${max} blocks with cache_control may be provided. Found ${found}.`,
} as const;

/**
 * Converse's own output-limit text (sigoden/aichat PR #813, verbatim). InvokeModel answers with Claude's
 * max_tokens text instead (TEXT.maxTokens).
 */
export function converseMaxTokens(limit: number): string {
  return `The maximum tokens you requested exceeds the model limit of ${limit}. Try again with a maximum tokens value that is lower than ${limit}.`;
}
