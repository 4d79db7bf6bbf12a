import { thinkingRequest, validation } from "./anthropic-body.js";
import type { JsonBlock, NormalizedMessage, NormalizedRequest } from "./types.js";

/**
 * Translates a Converse request (WIRE.md §4.4) into the Anthropic request the engine answers, following
 * Bedrock's mapping: blocks one to one, `cachePoint` → `cache_control` on the preceding block.
 */

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Coral's wording for a request that fails the Smithy model's constraints. */
function constraint(value: string, path: string, rule: string): Error {
  return validation(
    `1 validation error detected: Value ${value} at '${path}' failed to satisfy constraint: ${rule}`,
  );
}

function cacheControl(point: unknown): Json {
  const ttl = isObject(point) ? point.ttl : undefined;
  return ttl === "5m" || ttl === "1h" ? { type: "ephemeral", ttl } : { type: "ephemeral" };
}

/** Converts a list of union members, folding each `cachePoint` into the block before it. */
function convertList<T extends Json>(items: unknown, convert: (item: Json) => T | undefined): T[] {
  const out: T[] = [];
  if (!Array.isArray(items)) return out;
  for (const item of items) {
    if (!isObject(item)) continue;
    if ("cachePoint" in item) {
      const previous = out[out.length - 1];
      if (previous) (previous as Json).cache_control = cacheControl(item.cachePoint);
      continue;
    }
    const converted = convert(item);
    if (converted) out.push(converted);
  }
  return out;
}

function imageBlock(image: Json): JsonBlock {
  const source = isObject(image.source) ? image.source : {};
  return {
    type: "image",
    source: {
      type: "base64",
      media_type: `image/${String(image.format ?? "png")}`,
      data: source.bytes ?? "",
    },
  };
}

function documentBlock(doc: Json): JsonBlock {
  const source = isObject(doc.source) ? doc.source : {};
  if (typeof source.text === "string") {
    return {
      type: "document",
      title: doc.name,
      source: { type: "text", media_type: "text/plain", data: source.text },
    };
  }
  return {
    type: "document",
    title: doc.name,
    source: {
      type: "base64",
      media_type: `application/${String(doc.format ?? "pdf")}`,
      data: source.bytes ?? "",
    },
  };
}

function toolResultPart(part: Json): JsonBlock | undefined {
  if (typeof part.text === "string") return { type: "text", text: part.text };
  if ("json" in part) return { type: "text", text: JSON.stringify(part.json) };
  if (isObject(part.image)) return imageBlock(part.image);
  if (isObject(part.document)) return documentBlock(part.document);
  return undefined;
}

/** One Converse ContentBlock as an Anthropic block. */
function contentBlock(block: Json): JsonBlock | undefined {
  if (typeof block.text === "string") return { type: "text", text: block.text };
  if (isObject(block.image)) return imageBlock(block.image);
  if (isObject(block.document)) return documentBlock(block.document);
  if (isObject(block.toolUse)) {
    const t = block.toolUse;
    return { type: "tool_use", id: t.toolUseId, name: t.name, input: t.input ?? {} };
  }
  if (isObject(block.toolResult)) {
    const t = block.toolResult;
    const content = Array.isArray(t.content)
      ? t.content.filter(isObject).flatMap((p) => toolResultPart(p) ?? [])
      : [];
    return { type: "tool_result", tool_use_id: t.toolUseId, content, is_error: t.status === "error" };
  }
  if (isObject(block.reasoningContent)) {
    const r = block.reasoningContent;
    if (isObject(r.reasoningText)) {
      return {
        type: "thinking",
        thinking: r.reasoningText.text ?? "",
        signature: r.reasoningText.signature ?? "",
      };
    }
    return { type: "redacted_thinking", data: r.redactedContent ?? "" };
  }
  const [kind, value] = Object.entries(block)[0] ?? [];
  // Members the engine does not model (guardContent, video, searchResult…) still count toward input tokens.
  return kind === undefined ? undefined : { type: kind, value };
}

/**
 * Converse's own content checks, with Bedrock's texts. Blank text and empty content: texts as reported in
 * the field for Converse (recalled; docs/emulator-rules.md marks them inferred).
 */
function checkConverseContent(messages: unknown[]): void {
  messages.forEach((m, i) => {
    const content = isObject(m) && Array.isArray(m.content) ? m.content : [];
    if (content.length === 0) {
      throw validation(
        `The content field in the Message object at messages.${i} is empty. Add a ContentBlock object to the content field and try again.`,
      );
    }
    content.forEach((b, j) => {
      if (isObject(b) && typeof b.text === "string" && b.text.trim() === "") {
        throw validation(
          `The text field in the ContentBlock object at messages.${i}.content.${j} is blank. Add text to the text field, and try again.`,
        );
      }
    });
  });
}

/** True when any message holds a toolUse or toolResult block. */
function holdsToolBlocks(messages: unknown[]): boolean {
  return messages.some(
    (m) =>
      isObject(m) &&
      Array.isArray(m.content) &&
      m.content.some((b) => isObject(b) && ("toolUse" in b || "toolResult" in b)),
  );
}

function convertMessages(messages: unknown, signedReasoning: boolean): NormalizedMessage[] {
  if (!Array.isArray(messages)) throw constraint("null", "messages", "Member must not be null");
  checkConverseContent(messages);
  const out = messages.map((m, i): NormalizedMessage => {
    const message = isObject(m) ? m : {};
    if (message.role !== "user" && message.role !== "assistant") {
      throw constraint(
        `'${String(message.role ?? "null")}'`,
        `messages.${i + 1}.member.role`,
        "Member must satisfy enum value set: [user, assistant]",
      );
    }
    // Unsigned reasoning (DeepSeek, gpt-oss) is the model's own scratch text: its template drops it on replay.
    const convert = signedReasoning
      ? contentBlock
      : (b: Json) => (isObject(b.reasoningContent) ? undefined : contentBlock(b));
    return { role: message.role, content: convertList(message.content, convert) };
  });
  // An empty conversation is refused the same way (seen in the field: a system prompt sent alone).
  if (out.length === 0 || out[0]!.role !== "user") {
    throw validation(
      "A conversation must start with a user message. Try again with a conversation that starts with a user message.",
    );
  }
  for (let i = 1; i < out.length; i++) {
    if (out[i]!.role === out[i - 1]!.role) {
      throw validation(
        "A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.",
      );
    }
  }
  return out;
}

function convertTools(toolConfig: unknown): Json[] {
  if (!isObject(toolConfig)) return [];
  return convertList(toolConfig.tools, (tool): Json | undefined => {
    if (isObject(tool.toolSpec)) {
      const spec = tool.toolSpec;
      const schema = isObject(spec.inputSchema) ? spec.inputSchema.json : undefined;
      return { name: spec.name, description: spec.description, input_schema: schema ?? { type: "object" } };
    }
    if (isObject(tool.systemTool)) return { type: "system_tool", name: tool.systemTool.name };
    return undefined;
  });
}

/**
 * Translates a Converse body; `defaultMaxTokens` applies when inferenceConfig.maxTokens is absent;
 * `signedReasoning` false for families whose reasoning carries no signature.
 */
export function converseToNormalized(
  body: unknown,
  defaultMaxTokens: number,
  signedReasoning = true,
): NormalizedRequest {
  if (!isObject(body)) throw validation("Malformed input request, please reformat your input and try again.");
  const inference = isObject(body.inferenceConfig) ? body.inferenceConfig : {};
  const maxTokens = inference.maxTokens;
  if (maxTokens !== undefined && (!Number.isInteger(maxTokens) || (maxTokens as number) < 1)) {
    throw constraint(
      String(maxTokens),
      "inferenceConfig.maxTokens",
      "Member must have value greater than or equal to 1",
    );
  }
  // Smithy bounds from the service model: temperature and topP are floats in [0, 1] (WIRE.md §4.4).
  for (const key of ["temperature", "topP"] as const) {
    const v = inference[key];
    if (v === undefined) continue;
    if (typeof v !== "number" || v > 1) {
      throw constraint(
        `'${String(v)}'`,
        `inferenceConfig.${key}`,
        "Member must have value less than or equal to 1",
      );
    }
    if (v < 0) {
      throw constraint(
        `'${String(v)}'`,
        `inferenceConfig.${key}`,
        "Member must have value greater than or equal to 0",
      );
    }
  }
  const toolConfig = isObject(body.toolConfig) ? body.toolConfig : undefined;
  if (toolConfig !== undefined) {
    // ToolConfiguration.tools is required with at least one member: a toolChoice alone is refused.
    if (!Array.isArray(toolConfig.tools)) {
      throw constraint("null", "toolConfig.tools", "Member must not be null");
    }
    if (toolConfig.tools.length === 0) {
      throw constraint("'[]'", "toolConfig.tools", "Member must have length greater than or equal to 1");
    }
  }
  if (Array.isArray(body.messages) && holdsToolBlocks(body.messages) && toolConfig === undefined) {
    // Several field reports: langgenius/dify#16421, vercel/ai PR #7537, vxcontrol/pentagi PR #196.
    throw validation(
      "The toolConfig field must be defined when using toolUse and toolResult content blocks.",
    );
  }
  const extra = isObject(body.additionalModelRequestFields) ? body.additionalModelRequestFields : {};
  const stop = inference.stopSequences;
  return {
    thinking: isObject(extra.thinking) ? thinkingRequest(extra.thinking) : undefined,
    temperature: typeof inference.temperature === "number" ? inference.temperature : undefined,
    topP: typeof inference.topP === "number" ? inference.topP : undefined,
    topK: typeof extra.top_k === "number" ? extra.top_k : undefined,
    betas: Array.isArray(extra.anthropic_beta)
      ? extra.anthropic_beta.filter((b): b is string => typeof b === "string")
      : [],
    toolChoice: toolConfig !== undefined && toolConfig.toolChoice !== undefined,
    maxTokens: (maxTokens as number | undefined) ?? defaultMaxTokens,
    system: convertList(body.system, (b): JsonBlock | undefined =>
      typeof b.text === "string" ? { type: "text", text: b.text } : undefined,
    ),
    messages: convertMessages(body.messages, signedReasoning),
    tools: convertTools(body.toolConfig),
    stopSequences: Array.isArray(stop) ? stop.filter((s): s is string => typeof s === "string") : [],
  };
}
