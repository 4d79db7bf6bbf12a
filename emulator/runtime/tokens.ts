import type { JsonBlock, NormalizedRequest, ReplyContent } from "./types.js";

/**
 * The emulator's tokenizer: a deterministic estimate of ceil(characters / 4) per piece of text. Each block is
 * counted on its own so counts are additive, which prompt caching relies on (a prefix's tokens are the sum of
 * its blocks' tokens). Images and documents without text count as a fixed size.
 */

/** Tokens an image (or a binary document) is charged: roughly what a small screenshot costs on Claude. */
export const IMAGE_TOKENS = 1_000;

/** Tokens in a piece of text. */
export function textTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Tokens in one request content block (system, message or tool-result part). */
export function blockTokens(block: JsonBlock): number {
  switch (block.type) {
    case "text":
      return textTokens(typeof block.text === "string" ? block.text : "");
    case "image":
      return IMAGE_TOKENS;
    case "document":
      return documentTokens(block);
    case "tool_use":
    case "server_tool_use":
      return textTokens(String(block.name ?? "")) + textTokens(JSON.stringify(block.input ?? {}));
    case "tool_result":
      return toolResultTokens(block.content);
    case "thinking":
      return textTokens(typeof block.thinking === "string" ? block.thinking : "");
    case "redacted_thinking":
      return textTokens(typeof block.data === "string" ? block.data : "");
    default:
      // Unknown block kinds still cost something: count their JSON without the cache marker.
      return textTokens(JSON.stringify({ ...block, cache_control: undefined }));
  }
}

function documentTokens(block: JsonBlock): number {
  const source = block.source as Record<string, unknown> | undefined;
  if (source && typeof source.data === "string" && source.type === "text") return textTokens(source.data);
  return IMAGE_TOKENS;
}

function toolResultTokens(content: unknown): number {
  if (typeof content === "string") return textTokens(content);
  if (!Array.isArray(content)) return 0;
  let sum = 0;
  for (const part of content) {
    if (part && typeof part === "object" && typeof (part as JsonBlock).type === "string")
      sum += blockTokens(part as JsonBlock);
  }
  return sum;
}

/** Tokens one tool definition costs: its JSON without the cache marker. */
export function toolTokens(tool: Record<string, unknown>): number {
  const { cache_control: _ignored, ...rest } = tool;
  return textTokens(JSON.stringify(rest));
}

/** All input tokens of a request: tools, system and every message block. */
export function requestTokens(req: NormalizedRequest): number {
  let sum = 0;
  for (const tool of req.tools) sum += toolTokens(tool);
  for (const block of req.system) sum += blockTokens(block);
  for (const message of req.messages) for (const block of message.content) sum += blockTokens(block);
  return sum;
}

/** Output tokens of one answer block. */
export function replyBlockTokens(block: ReplyContent): number {
  switch (block.type) {
    case "text":
      return textTokens(block.text);
    case "thinking":
      return textTokens(block.thinking);
    case "tool_use":
      return textTokens(block.name) + textTokens(JSON.stringify(block.input));
  }
}
