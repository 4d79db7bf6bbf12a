import type { ContentBlock, Message, TurnRequest } from "../model/types.js";

/** The body version Bedrock's classic Anthropic integration expects (WIRE.md §5.1). */
export const BEDROCK_ANTHROPIC_VERSION = "bedrock-2023-05-31";

export interface BodyOptions {
  maxTokens: number;
  /** Put cache_control breakpoints on system, tools and the moving end of the conversation. */
  caching: boolean;
  /** Betas the model supports on Bedrock; Anthropic-only betas are never sent. */
  betas?: string[];
}

/**
 * Builds an InvokeModel body: the Messages body without `model` and `stream` (Bedrock rejects both as
 * extraneous keys), with `anthropic_version` in the body.
 *
 * Caching breakpoints: the system prompt and the tool list are stable across turns, and the last block of the
 * conversation moves forward each turn, so the previous turn's prefix is read from cache on the next one.
 */
export function buildInvokeBody(request: TurnRequest, options: BodyOptions): Record<string, unknown> {
  const body: Record<string, unknown> = {
    anthropic_version: BEDROCK_ANTHROPIC_VERSION,
    max_tokens: options.maxTokens,
    messages: options.caching ? withMovingBreakpoint(request.messages) : request.messages,
  };
  if (request.system) {
    body.system = [
      {
        type: "text",
        text: request.system,
        ...(options.caching ? { cache_control: { type: "ephemeral" } } : {}),
      },
    ];
  }
  if (request.tools?.length) {
    body.tools = request.tools.map((t, i) =>
      options.caching && i === request.tools!.length - 1 ? { ...t, cache_control: { type: "ephemeral" } } : t,
    );
  }
  if (request.thinkingBudget) {
    // Newer models refuse "enabled" ("thinking.type.enabled is not supported for this model", FIELD-REPORT §3).
    body.thinking =
      request.thinkingMode === "adaptive"
        ? { type: "adaptive" }
        : { type: "enabled", budget_tokens: Math.min(request.thinkingBudget, options.maxTokens - 1) };
  } else if (request.temperature !== undefined) {
    body.temperature = request.temperature;
  }
  if (options.betas?.length) body.anthropic_beta = options.betas;
  return body;
}

/** Copies the messages with a cache breakpoint on the final content block of the last message. */
function withMovingBreakpoint(messages: Message[]): Message[] {
  if (messages.length === 0) return messages;
  const last = messages[messages.length - 1]!;
  const blocks: ContentBlock[] =
    typeof last.content === "string" ? [{ type: "text", text: last.content }] : [...last.content];
  const i = blocks.length - 1;
  const target = blocks[i];
  // Thinking blocks cannot carry cache_control; leave such a message without a moving breakpoint.
  if (!target || target.type === "thinking" || target.type === "redacted_thinking") return messages;
  blocks[i] = { ...target, cache_control: { type: "ephemeral" } };
  return [...messages.slice(0, -1), { role: last.role, content: blocks }];
}

/** Removes every cache_control marker (after Bedrock refused caching for this model or region). */
export function stripCacheControl(body: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(body, (key, value) => (key === "cache_control" ? undefined : value)));
}
