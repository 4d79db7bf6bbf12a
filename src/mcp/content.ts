import type { ImageBlock } from "../model/types.js";
import type { ToolResult } from "../tools/types.js";

/** Claude Code's knob for the largest MCP tool output passed to the model, in tokens. */
export const MAX_MCP_OUTPUT_TOKENS_ENV = "MAX_MCP_OUTPUT_TOKENS";
/** Claude Code's default for MAX_MCP_OUTPUT_TOKENS. */
export const DEFAULT_MAX_MCP_OUTPUT_TOKENS = 25_000;
// A rough, tokenizer-free estimate (English text and JSON average about four characters per token).
const CHARS_PER_TOKEN = 4;

const IMAGE_TYPES: ReadonlySet<string> = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);

/** One block of an MCP `tools/call` result, loosely typed: servers send kinds newer than this client. */
export interface McpContentBlock {
  type: string;
  text?: string;
  data?: string;
  mimeType?: string;
  uri?: string;
  name?: string;
  resource?: { uri?: string; mimeType?: string; text?: string; blob?: string };
}

/** An MCP `tools/call` result, as the SDK returns it. */
export interface McpCallResult {
  content?: McpContentBlock[];
  structuredContent?: unknown;
  isError?: boolean;
  /** Old servers (protocol 2024-10-07) answer with `toolResult`. */
  toolResult?: unknown;
}

/**
 * Turns an MCP tool result into Quarry's: text blocks joined, images (and image resources) passed to the
 * model as images, text resources inlined under their URI, anything the model cannot take (audio, other
 * binaries) named in a note. Text beyond `maxTokens` is cut with a note saying how to raise the limit.
 */
export function toToolResult(result: McpCallResult, maxTokens: number): ToolResult {
  const parts: string[] = [];
  const images: ImageBlock[] = [];
  const image = (data: string, mimeType: string | undefined, what: string) => {
    if (mimeType && IMAGE_TYPES.has(mimeType)) {
      images.push({
        type: "image",
        source: { type: "base64", media_type: mimeType as ImageBlock["source"]["media_type"], data },
      });
    } else {
      parts.push(
        `[${what} (${mimeType ?? "unknown type"}) omitted: the model takes PNG, JPEG, GIF and WebP]`,
      );
    }
  };
  for (const block of result.content ?? []) {
    switch (block.type) {
      case "text":
        parts.push(block.text ?? "");
        break;
      case "image":
        image(block.data ?? "", block.mimeType, "image");
        break;
      case "audio":
        parts.push(`[audio (${block.mimeType ?? "unknown type"}) omitted: the model cannot take audio]`);
        break;
      case "resource": {
        const r = block.resource ?? {};
        if (typeof r.text === "string") parts.push(`[Resource ${r.uri ?? ""}]\n${r.text}`);
        else if (typeof r.blob === "string") image(r.blob, r.mimeType, `resource ${r.uri ?? ""}`);
        break;
      }
      case "resource_link":
        parts.push(
          `[Resource link: ${block.name ?? block.uri ?? ""} ${block.uri ?? ""}${block.mimeType ? ` (${block.mimeType})` : ""}]`,
        );
        break;
      default:
        parts.push(`[${block.type} content omitted: Quarry does not know this MCP content type]`);
    }
  }
  if (parts.length === 0 && images.length === 0) {
    const structured = result.structuredContent ?? result.toolResult;
    if (structured !== undefined) parts.push(JSON.stringify(structured));
  }
  const content = cap(parts.join("\n"), maxTokens);
  return {
    content: content === "" && images.length === 0 ? "(the tool returned no content)" : content,
    isError: result.isError === true,
    ...(images.length > 0 ? { images } : {}),
  };
}

function cap(text: string, maxTokens: number): string {
  const limit = maxTokens * CHARS_PER_TOKEN;
  if (text.length <= limit) return text;
  const tokens = Math.ceil(text.length / CHARS_PER_TOKEN);
  return (
    `${text.slice(0, limit)}\n\n[Output truncated: the tool returned about ${tokens} tokens, more than the ` +
    `${maxTokens}-token limit for MCP output. Ask for less (a narrower query, a page), or raise ` +
    `${MAX_MCP_OUTPUT_TOKENS_ENV}.]`
  );
}

/** MAX_MCP_OUTPUT_TOKENS as a positive integer, or the default (with a warning for a bad value). */
export function maxOutputTokens(env: NodeJS.ProcessEnv, warnings: string[]): number {
  const raw = env[MAX_MCP_OUTPUT_TOKENS_ENV]?.trim();
  if (!raw) return DEFAULT_MAX_MCP_OUTPUT_TOKENS;
  const n = Number(raw);
  if (Number.isInteger(n) && n > 0) return n;
  warnings.push(
    `${MAX_MCP_OUTPUT_TOKENS_ENV}=${raw} is not a positive whole number of tokens; using ${DEFAULT_MAX_MCP_OUTPUT_TOKENS}`,
  );
  return DEFAULT_MAX_MCP_OUTPUT_TOKENS;
}
