import type { QuarryError } from "./errors.js";

/**
 * The provider-neutral model boundary (docs/architecture.md): message shapes, usage, roles, prices and the
 * provider interface the agent uses. Provider clients (src/providers/) and the router (src/model/router.ts)
 * implement it; nothing here knows about Bedrock.
 *
 * The provider interface the agent uses: stream a turn as typed events, a non-streaming call for side tasks,
 * and token counting. Message shapes follow the Anthropic Messages API, which Bedrock's Invoke API carries.
 */

export interface CacheControl {
  type: "ephemeral";
}

export interface TextBlock {
  type: "text";
  text: string;
  cache_control?: CacheControl;
}
export interface ToolUseBlock {
  type: "tool_use";
  id: string;
  name: string;
  input: unknown;
  cache_control?: CacheControl;
}
/** An image, as the Messages API takes it (a tool result may carry screenshots or rendered pages). */
export interface ImageBlock {
  type: "image";
  source: {
    type: "base64";
    media_type: "image/png" | "image/jpeg" | "image/gif" | "image/webp";
    data: string;
  };
  cache_control?: CacheControl;
}
export interface ToolResultBlock {
  type: "tool_result";
  tool_use_id: string;
  content: string | (TextBlock | ImageBlock)[];
  is_error?: boolean;
  cache_control?: CacheControl;
}
export interface ThinkingBlock {
  type: "thinking";
  thinking: string;
  signature?: string;
}
export interface RedactedThinkingBlock {
  type: "redacted_thinking";
  data: string;
}
export type ContentBlock =
  | TextBlock
  | ImageBlock
  | ToolUseBlock
  | ToolResultBlock
  | ThinkingBlock
  | RedactedThinkingBlock;

export interface Message {
  role: "user" | "assistant";
  content: string | ContentBlock[];
}

export interface ToolDefinition {
  name: string;
  description: string;
  input_schema: Record<string, unknown>;
}

/** Which part of Quarry asks for a model; used in messages so the user knows which setting to fix. */
export type ModelRole = "main" | "small" | "compaction" | "title" | "subagent";

/** USD per million tokens. */
export interface ModelPrice {
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
}

/** What the loop needs to know about the model it talks to, whatever the provider. */
export interface ModelTraits {
  /** The model id as sent (for usage reports). */
  name: string;
  contextWindow: number;
  thinking: "none" | "enabled" | "adaptive";
  vision: boolean;
  price?: ModelPrice;
}

export interface TurnRequest {
  system?: string;
  messages: Message[];
  tools?: ToolDefinition[];
  maxTokens?: number;
  /** Extended thinking budget; omitted = no thinking. */
  thinkingBudget?: number;
  /** How the model takes thinking: a budget ("enabled") or "adaptive" (newer models refuse "enabled"). */
  thinkingMode?: "enabled" | "adaptive";
  temperature?: number;
  signal?: AbortSignal;
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheCreationInputTokens: number;
  cacheReadInputTokens: number;
}

export type StopReason =
  | "end_turn"
  | "tool_use"
  | "max_tokens"
  | "stop_sequence"
  | "refusal"
  | "pause_turn"
  | string;

export interface AssistantMessage {
  id: string;
  model: string;
  content: ContentBlock[];
  stopReason: StopReason;
  usage: Usage;
  /** The model and region that answered (set by the router; differs from the main model after a failover). */
  servedBy?: { model: string; region: string };
}

export type ProviderEvent =
  | { type: "message_start"; id: string; model: string }
  | { type: "text_delta"; index: number; text: string }
  | { type: "thinking_delta"; index: number; thinking: string }
  | { type: "tool_use_start"; index: number; id: string; name: string }
  | { type: "tool_input_delta"; index: number; partialJson: string }
  | { type: "block_stop"; index: number; block: ContentBlock }
  /** The attempt failed and will be retried from scratch: consumers drop what this attempt streamed so far. */
  | { type: "retry"; attempt: number; delayMs: number; error: QuarryError }
  /** Something the user should know once (caching turned off, an ID rewritten, a side model fallback). */
  | { type: "notice"; message: string }
  /** Calls moved along the failover path (src/model/failover.ts), or back to the primary. */
  | ({ type: "failover" } & FailoverSwitch)
  | { type: "message_stop"; message: AssistantMessage };

export interface CallOptions {
  role?: ModelRole;
}

export interface ModelProvider {
  /** Streams one model turn. Throws a QuarryError when it cannot complete after its retries. */
  streamTurn(request: TurnRequest, options?: CallOptions): AsyncIterable<ProviderEvent>;
  /** A non-streaming call (side tasks: titles, summaries). */
  complete(request: TurnRequest, options?: CallOptions): Promise<AssistantMessage>;
  /** Counts the input tokens of a request (falls back to an estimate where counting is unavailable). */
  countTokens(request: TurnRequest, options?: CallOptions): Promise<number>;
}

/** What kind of move a step is; "primary" is the return after the cooldown. */
export type FailoverStepKind = "region" | "global" | "fallback-model" | "primary";

/** Where a call goes, as events and usage records name it. */
export interface RouteName {
  model: string;
  region: string;
}

/** One switch, as the router reports it to the user. */
export interface FailoverSwitch {
  step: FailoverStepKind;
  from: RouteName;
  to: RouteName;
  /** Why: the error kind that exhausted the retries, or "cooldown" for the return to the primary. */
  reason: string;
  message: string;
}
