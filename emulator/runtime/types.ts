/**
 * Shapes the runtime passes between its parts. Every operation (InvokeModel, Converse, CountTokens…) is
 * first turned into one normalised Anthropic Messages request, answered once, then rendered per operation.
 */

/** One Anthropic content block as JSON; only `type` is known for sure. */
export type JsonBlock = { type: string } & Record<string, unknown>;

export interface NormalizedMessage {
  /** "user" or "assistant" (Claude Code also sends "system" entries; they are kept and counted). */
  role: string;
  /** A string `content` becomes one text block so caching and counting see one form. */
  content: JsonBlock[];
}

/** A validated Anthropic Messages request, whichever wire format it came in. */
export interface NormalizedRequest {
  maxTokens: number;
  system: JsonBlock[];
  messages: NormalizedMessage[];
  /** Tool definitions as Anthropic JSON (`{name, description, input_schema, cache_control?}`). */
  tools: Record<string, unknown>[];
  stopSequences: string[];
  /** `thinking` as sent (InvokeModel body, or Converse additionalModelRequestFields); undefined = off. */
  thinking?: ThinkingRequest;
  temperature?: number;
  topP?: number;
  topK?: number;
  /** Body `anthropic_beta` (Converse: additionalModelRequestFields.anthropic_beta). */
  betas: string[];
  /** Whether the request named a tool choice (tool_choice / toolConfig.toolChoice). */
  toolChoice: boolean;
}

/** Extended thinking as requested. */
export interface ThinkingRequest {
  type: "enabled" | "adaptive" | "disabled" | string;
  budgetTokens?: unknown;
  /** "omitted" asks for signatures without the thinking text (Claude Code 2.1.330 sends it). */
  display?: string;
}

/** A block of the model's answer. */
export type ReplyContent =
  | { type: "text"; text: string }
  | { type: "tool_use"; id: string; name: string; input: Record<string, unknown> }
  | { type: "thinking"; thinking: string; signature: string };

export type StopReason = "end_turn" | "tool_use" | "max_tokens" | "stop_sequence" | "guardrail_intervened";

/** Token accounting for one call, in Anthropic's terms (input_tokens excludes cache reads and writes). */
export interface UsageCounts {
  inputTokens: number;
  outputTokens: number;
  cacheReadInputTokens: number;
  cacheCreationInputTokens: number;
  cacheCreation5m: number;
  cacheCreation1h: number;
}

/** The model's answer to one call, before it is rendered for an operation. */
export interface Reply {
  id: string;
  /** The Anthropic model name put in `model`. */
  model: string;
  content: ReplyContent[];
  stopReason: StopReason;
  stopSequence: string | null;
  usage: UsageCounts;
  /** Bedrock's own members of the body / last stream event (`amazon-bedrock-guardrailAction`, `-trace`). */
  bedrockFields?: Record<string, unknown>;
}

/** One model event of a stream: its name, a lazily built payload (metrics need the clock), pacing tokens. */
export interface StreamEvent {
  name: string;
  payload: () => Record<string, unknown>;
  /** Output tokens this event carries; tokensPerSecond paces on it. */
  tokens: number;
}

/** Clock readings a stream needs for Bedrock's latency metrics. */
export interface StreamTiming {
  /** When the call started (ms since epoch). */
  startedAt: number;
  /** When the first model event was written; set by the stream writer. */
  firstEventAt: number | undefined;
  now: () => number;
}
