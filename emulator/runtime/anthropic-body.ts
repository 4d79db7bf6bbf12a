import { BedrockError } from "../http/types.js";
import { modelError } from "./model-errors.js";
import type { JsonBlock, NormalizedMessage, NormalizedRequest, ThinkingRequest } from "./types.js";

/**
 * Validates an InvokeModel body the way Bedrock's JSON-schema front end does for Anthropic models, and turns
 * it into a NormalizedRequest. Schema violations are reported in Bedrock's "Malformed input request" form,
 * each starting with `#` (the everit JSON-pointer style) and concatenated without separators.
 */

/** The anthropic_version values accepted in the body: the classic one and the one SDK 1.x copies in. */
export const ACCEPTED_ANTHROPIC_VERSIONS = ["bedrock-2023-05-31", "2026-10-21"] as const;

const REQUIRED_KEYS = ["anthropic_version", "max_tokens", "messages"] as const;
/**
 * The top-level keys Bedrock's schema for Anthropic bodies lets through; anything else (the SDKs must delete
 * `model` and `stream`) is "extraneous key [X] is not permitted" (WIRE.md §5.1). The list is the Messages
 * fields current clients send on Bedrock (WIRE.md §5.1, §11; CLAUDE-CODE-OBSERVED.md §2).
 */
export const ALLOWED_TOP_LEVEL_KEYS = new Set([
  "anthropic_version",
  "anthropic_beta",
  "max_tokens",
  "messages",
  "system",
  "tools",
  "tool_choice",
  "temperature",
  "top_p",
  "top_k",
  "stop_sequences",
  "thinking",
  "metadata",
  "output_config",
  "context_management",
  "user_profile_id",
  "service_tier",
]);

/** Bedrock's wording for schema problems. */
export function malformed(violations: string[]): BedrockError {
  return new BedrockError(
    400,
    "ValidationException",
    `Malformed input request: ${violations.join("")}, please reformat your input and try again.`,
  );
}

/** A ValidationException with Bedrock's plain wording. */
export function validation(message: string): BedrockError {
  return new BedrockError(400, "ValidationException", message);
}

/** Parses request bytes as a JSON object, failing like Bedrock does on bytes that are not JSON. */
export function parseJsonBody(body: Buffer | string): unknown {
  try {
    return JSON.parse(typeof body === "string" ? body : body.toString("utf8"));
  } catch {
    throw validation("Malformed input request, please reformat your input and try again.");
  }
}

/** The type name everit prints in "expected type: X, found: Y". */
export function jsonTypeName(value: unknown): string {
  if (value === null) return "Null";
  if (Array.isArray(value)) return "JSONArray";
  switch (typeof value) {
    case "string":
      return "String";
    case "boolean":
      return "Boolean";
    case "number":
      return Number.isInteger(value) ? "Integer" : "BigDecimal";
    case "object":
      return "JSONObject";
    default:
      return typeof value;
  }
}

function expectType(path: string, value: unknown, expected: string, ok: boolean, out: string[]): void {
  if (!ok) out.push(`${path}: expected type: ${expected}, found: ${jsonTypeName(value)}`);
}

/** Validates a parsed InvokeModel body (also CountTokens' inner body) and normalises it. */
export function validateAnthropicBody(json: unknown): NormalizedRequest {
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw malformed([`#: expected type: JSONObject, found: ${jsonTypeName(json)}`]);
  }
  const body = json as Record<string, unknown>;
  const violations: string[] = [];
  for (const key of REQUIRED_KEYS) {
    if (!(key in body)) violations.push(`#: required key [${key}] not found`);
  }
  for (const key of Object.keys(body)) {
    if (!ALLOWED_TOP_LEVEL_KEYS.has(key)) violations.push(`#: extraneous key [${key}] is not permitted`);
  }
  for (const key of ["temperature", "top_p"] as const) {
    if (key in body) expectType(`#/${key}`, body[key], "Number", typeof body[key] === "number", violations);
  }
  if ("top_k" in body) expectType("#/top_k", body.top_k, "Integer", Number.isInteger(body.top_k), violations);
  if ("anthropic_beta" in body) {
    const v = body.anthropic_beta;
    const ok = Array.isArray(v) && v.every((b) => typeof b === "string");
    expectType("#/anthropic_beta", v, "JSONArray", ok, violations);
  }
  if ("thinking" in body)
    expectType("#/thinking", body.thinking, "JSONObject", isObject(body.thinking), violations);
  if ("anthropic_version" in body) {
    const v = body.anthropic_version;
    expectType("#/anthropic_version", v, "String", typeof v === "string", violations);
    if (typeof v === "string" && !(ACCEPTED_ANTHROPIC_VERSIONS as readonly string[]).includes(v)) {
      violations.push(`#/anthropic_version: ${v} is not a valid enum value`);
    }
  }
  if ("max_tokens" in body) {
    const v = body.max_tokens;
    expectType("#/max_tokens", v, "Integer", Number.isInteger(v), violations);
    if (Number.isInteger(v) && (v as number) < 1)
      violations.push(`#/max_tokens: ${v} is not greater or equal to 1`);
  }
  if ("messages" in body) {
    expectType("#/messages", body.messages, "JSONArray", Array.isArray(body.messages), violations);
    if (Array.isArray(body.messages)) {
      body.messages.forEach((m, i) => {
        checkMessage(m, i, violations);
      });
    }
  }
  if ("system" in body) {
    const v = body.system;
    if (typeof v !== "string" && !Array.isArray(v)) {
      violations.push(`#/system: expected type: JSONArray, found: ${jsonTypeName(v)}`);
    }
  }
  if ("tools" in body) expectType("#/tools", body.tools, "JSONArray", Array.isArray(body.tools), violations);
  if ("stop_sequences" in body) {
    expectType(
      "#/stop_sequences",
      body.stop_sequences,
      "JSONArray",
      Array.isArray(body.stop_sequences),
      violations,
    );
  }
  if (violations.length > 0) throw malformed(violations);

  const messages = (body.messages as Record<string, unknown>[]).map(normalizeMessage);
  // Past the schema, Anthropic's own validation answers (passed through by Bedrock as ValidationException).
  if (messages.length === 0) throw modelError("messages: at least one message is required");
  const thinking = isObject(body.thinking) ? thinkingRequest(body.thinking) : undefined;
  return {
    thinking,
    temperature: body.temperature as number | undefined,
    topP: body.top_p as number | undefined,
    topK: body.top_k as number | undefined,
    betas: Array.isArray(body.anthropic_beta) ? (body.anthropic_beta as string[]) : [],
    toolChoice: body.tool_choice !== undefined,
    maxTokens: body.max_tokens as number,
    system: normalizeContent(body.system),
    messages,
    tools: Array.isArray(body.tools) ? body.tools.filter(isObject) : [],
    stopSequences: Array.isArray(body.stop_sequences)
      ? body.stop_sequences.filter((s): s is string => typeof s === "string")
      : [],
  };
}

/** The `thinking` parameter in the engine's terms (also used for Converse's additionalModelRequestFields). */
export function thinkingRequest(t: Record<string, unknown>): ThinkingRequest {
  return {
    type: String(t.type),
    budgetTokens: t.budget_tokens,
    display: typeof t.display === "string" ? t.display : undefined,
  };
}

function checkMessage(m: unknown, i: number, out: string[]): void {
  const path = `#/messages/${i}`;
  if (!isObject(m)) {
    out.push(`${path}: expected type: JSONObject, found: ${jsonTypeName(m)}`);
    return;
  }
  if (!("role" in m)) out.push(`${path}: required key [role] not found`);
  if (!("content" in m)) out.push(`${path}: required key [content] not found`);
  if ("content" in m && typeof m.content !== "string" && !Array.isArray(m.content)) {
    out.push(`${path}/content: expected type: JSONArray, found: ${jsonTypeName(m.content)}`);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function normalizeMessage(m: Record<string, unknown>): NormalizedMessage {
  return { role: String(m.role), content: normalizeContent(m.content) };
}

/** A string becomes one text block; an array keeps its object blocks (each must name a `type`). */
export function normalizeContent(content: unknown): JsonBlock[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  if (!Array.isArray(content)) return [];
  return content.filter(isObject).map((b) => ({ ...b, type: typeof b.type === "string" ? b.type : "text" }));
}
