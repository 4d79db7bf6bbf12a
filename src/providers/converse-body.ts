import type {
  ContentBlock as ConverseBlock,
  Message as ConverseMessage,
  ConverseStreamCommandInput,
  SystemContentBlock,
  Tool,
  ToolResultContentBlock,
} from "@aws-sdk/client-bedrock-runtime";
import type { ConverseFeatures, ModelFamily } from "../bedrock/catalog.js";
import type { ContentBlock, ImageBlock, Message, ToolDefinition, TurnRequest } from "../model/types.js";
import { adaptToolSchema } from "./converse-tools.js";

/**
 * Neutral messages → a Converse request (WIRE.md §4.4; docs/providers.md, "Converse"). Converse is stricter
 * than the Messages API: no blank text blocks, no empty message, tool blocks only with a `toolConfig`, and
 * only the union members the model takes (system prompts, cache points) — each handled here.
 */

/** Claude's Converse features: everything on. */
export const CLAUDE_CONVERSE_FEATURES: ConverseFeatures = {
  systemPrompt: true,
  streamingToolUse: true,
  cacheTools: true,
  reasoning: true,
};

/** What the body builder needs to know about the model and this call. */
export interface ConverseBodyOptions {
  modelId: string;
  maxTokens: number;
  /** Send cachePoint blocks (the model caches and the service has not refused it this session). */
  caching: boolean;
  features: ConverseFeatures;
  /** Claude over Converse: thinking and betas travel in additionalModelRequestFields. */
  anthropic: boolean;
  betas?: string[];
  /** The model's family: tool schemas lose what it refuses (src/providers/converse-tools.ts). */
  family?: ModelFamily;
}

const CACHE_POINT = { cachePoint: { type: "default" as const } };
/** Stands in for a block Converse would refuse as blank (tool output, an emptied assistant turn). */
export const EMPTY_TEXT = "(empty)";

/** Builds the input of ConverseStreamCommand (Converse takes the same shape). */
export function buildConverseInput(
  request: TurnRequest,
  options: ConverseBodyOptions,
): ConverseStreamCommandInput {
  const { features } = options;
  const messages = request.messages.map(toConverseMessage);
  const input: ConverseStreamCommandInput = {
    modelId: options.modelId,
    messages,
    inferenceConfig: { maxTokens: options.maxTokens },
  };
  if (request.system?.trim()) {
    if (features.systemPrompt) {
      input.system = [
        { text: request.system },
        ...(options.caching ? [CACHE_POINT as SystemContentBlock] : []),
      ];
    } else {
      prependToFirstUser(messages, request.system);
    }
  }
  if (options.caching) addMovingCachePoint(messages);
  const toolConfig = toolConfigFor(request.tools ?? [], request.messages, options);
  if (toolConfig) input.toolConfig = toolConfig;
  const extra: Record<string, unknown> = {};
  if (options.anthropic && request.thinkingBudget) {
    extra.thinking =
      request.thinkingMode === "adaptive"
        ? { type: "adaptive" }
        : { type: "enabled", budget_tokens: Math.min(request.thinkingBudget, options.maxTokens - 1) };
  } else if (request.temperature !== undefined) {
    input.inferenceConfig = { ...input.inferenceConfig, temperature: request.temperature };
  }
  if (options.anthropic && options.betas?.length) extra.anthropic_beta = options.betas;
  if (Object.keys(extra).length > 0) input.additionalModelRequestFields = extra as never;
  return input;
}

/** True when a message list holds tool calls or results (Converse then needs a toolConfig). */
export function holdsToolBlocks(messages: Message[]): boolean {
  return messages.some(
    (m) =>
      typeof m.content !== "string" &&
      m.content.some((b) => b.type === "tool_use" || b.type === "tool_result"),
  );
}

function toConverseMessage(message: Message): ConverseMessage {
  const blocks =
    typeof message.content === "string"
      ? [{ type: "text" as const, text: message.content }]
      : message.content;
  const content = blocks.flatMap(toConverseBlock);
  // A message of only blank text (an interrupted turn) would be refused as empty.
  return { role: message.role, content: content.length > 0 ? content : [{ text: EMPTY_TEXT }] };
}

function toConverseBlock(block: ContentBlock): ConverseBlock[] {
  switch (block.type) {
    case "text":
      return block.text.trim() === "" ? [] : [{ text: block.text }];
    case "image":
      return [{ image: imageOf(block) }];
    case "tool_use":
      return [{ toolUse: { toolUseId: block.id, name: block.name, input: (block.input ?? {}) as never } }];
    case "tool_result":
      return [
        {
          toolResult: {
            toolUseId: block.tool_use_id,
            content: toolResultContent(block.content),
            status: block.is_error ? "error" : "success",
          },
        },
      ];
    case "thinking":
      // Sent back as it came: Claude checks the signature; other families return none.
      return [
        {
          reasoningContent: {
            reasoningText: {
              text: block.thinking,
              ...(block.signature ? { signature: block.signature } : {}),
            },
          },
        },
      ];
    case "redacted_thinking":
      return [{ reasoningContent: { redactedContent: Buffer.from(block.data, "base64") } }];
  }
}

function imageOf(block: ImageBlock) {
  const format = block.source.media_type.replace("image/", "") as "png" | "jpeg" | "gif" | "webp";
  return { format, source: { bytes: Buffer.from(block.source.data, "base64") } };
}

function toolResultContent(
  content: string | (ContentBlock & { type: "text" | "image" })[],
): ToolResultContentBlock[] {
  if (typeof content === "string") return [{ text: content.trim() === "" ? EMPTY_TEXT : content }];
  const out: ToolResultContentBlock[] = content.flatMap((part): ToolResultContentBlock[] => {
    if (part.type === "image") return [{ image: imageOf(part) }];
    return part.text.trim() === "" ? [] : [{ text: part.text }];
  });
  return out.length > 0 ? out : [{ text: EMPTY_TEXT }];
}

function prependToFirstUser(messages: ConverseMessage[], system: string): void {
  const first = messages.find((m) => m.role === "user");
  if (first) first.content = [{ text: system }, ...(first.content ?? [])];
}

/** A cache point after the last block, so the next turn reads this turn's prefix from cache. */
function addMovingCachePoint(messages: ConverseMessage[]): void {
  const last = messages[messages.length - 1];
  if (last?.content) last.content.push(CACHE_POINT as ConverseBlock);
}

/**
 * The toolConfig: the request's tools, each adapted for Converse; when the request has none but the history
 * holds tool blocks (a side call over a tool-using conversation), the tools named there, since Converse
 * refuses tool blocks without a toolConfig.
 */
function toolConfigFor(
  tools: ToolDefinition[],
  history: Message[],
  options: ConverseBodyOptions,
): ConverseStreamCommandInput["toolConfig"] {
  const defs = tools.length > 0 ? tools : holdsToolBlocks(history) ? toolsNamedIn(history) : [];
  if (defs.length === 0) return undefined;
  const specs: Tool[] = defs.map((t) => ({
    toolSpec: {
      name: t.name,
      description: t.description.trim() || describeFromName(t.name),
      inputSchema: { json: adaptToolSchema(t.input_schema, options.family) as never },
    },
  }));
  if (options.caching && options.features.cacheTools) specs.push(CACHE_POINT as Tool);
  return { tools: specs };
}

function toolsNamedIn(history: Message[]): ToolDefinition[] {
  const names = new Set<string>();
  for (const m of history) {
    if (typeof m.content === "string") continue;
    for (const b of m.content) if (b.type === "tool_use") names.add(b.name);
  }
  return [...names].map((name) => ({ name, description: "", input_schema: { type: "object" } }));
}

/** "mcp__github__create_issue" → "The create issue tool (mcp github)."; Converse refuses empty descriptions. */
export function describeFromName(name: string): string {
  const parts = name.split("__").filter(Boolean);
  const tool = (parts.pop() ?? name).replace(/[_-]+/g, " ").trim() || name;
  const scope = parts.length > 0 ? ` (${parts.join(" ")})` : "";
  return `The ${tool} tool${scope}.`;
}
