/**
 * The SDK's message types as plain declarations. The headless schema (src/headless/schema.ts) defines these
 * shapes with zod, but a package's declarations that name zod's types need zod installed to type-check, and
 * Quarry's package installs nothing (the bundle inlines its dependencies). test/sdk/message-types.test.ts
 * proves both directions of assignability against the zod schema, so the two cannot drift apart.
 */

export interface SDKApiUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

export interface SDKTextBlock {
  type: "text";
  text: string;
}
export interface SDKToolUseBlock {
  type: "tool_use";
  id: string;
  name: string;
  input: Record<string, unknown>;
}
export interface SDKThinkingBlock {
  type: "thinking";
  thinking: string;
  signature: string;
}
export interface SDKRedactedThinkingBlock {
  type: "redacted_thinking";
  data: string;
}
export interface SDKToolResultBlock {
  type: "tool_result";
  tool_use_id: string;
  content: string | SDKTextBlock[];
  is_error?: boolean | undefined;
}

interface Envelope {
  session_id: string;
  uuid: string;
}

/** One failover switch (docs/failover.md). */
export interface SDKFailover {
  step: "region" | "global" | "fallback-model" | "primary";
  from: { model: string; region: string };
  to: { model: string; region: string };
  reason: string;
  message: string;
}

export interface SDKSystemMessage extends Envelope {
  type: "system";
  subtype: "init";
  cwd: string;
  tools: string[];
  model: string;
  permissionMode: string;
  mcp_servers: { name: string; status: string; source?: string | undefined }[];
  slash_commands: string[];
  apiKeySource: string;
  output_style: string;
  claude_code_version: string;
  agents: string[];
  skills: string[];
  plugins: { name: string; path: string }[];
}

export interface SDKSessionStateMessage extends Envelope {
  type: "system";
  subtype: "session_state_changed";
  state: "running" | "requires_action" | "idle";
}

/** Quarry's addition: the main model's calls moved to another region, profile or model. */
export interface SDKFailoverMessage extends Envelope, SDKFailover {
  type: "system";
  subtype: "failover";
}

export interface SDKAssistantMessage extends Envelope {
  type: "assistant";
  parent_tool_use_id: string | null;
  message: {
    id: string;
    type: "message";
    role: "assistant";
    model: string;
    content: (SDKTextBlock | SDKToolUseBlock | SDKThinkingBlock | SDKRedactedThinkingBlock)[];
    stop_reason: string | null;
    stop_sequence: null;
    usage: SDKApiUsage;
  };
}

export interface SDKUserMessage extends Envelope {
  type: "user";
  parent_tool_use_id: string | null;
  message: { role: "user"; content: (SDKToolResultBlock | SDKTextBlock)[] };
}

/** A raw streaming event (with `includePartialMessages`). */
export type SDKStreamEvent =
  | {
      type: "message_start";
      message: {
        id: string;
        type: "message";
        role: "assistant";
        model: string;
        content: never[];
        stop_reason: null;
        stop_sequence: null;
        usage: SDKApiUsage;
      };
    }
  | {
      type: "content_block_start";
      index: number;
      content_block:
        | SDKTextBlock
        | SDKThinkingBlock
        | (Omit<SDKToolUseBlock, "input"> & { input: Record<string, never> })
        | SDKRedactedThinkingBlock;
    }
  | {
      type: "content_block_delta";
      index: number;
      delta:
        | { type: "text_delta"; text: string }
        | { type: "thinking_delta"; thinking: string }
        | { type: "input_json_delta"; partial_json: string };
    }
  | { type: "content_block_stop"; index: number }
  | {
      type: "message_delta";
      delta: { stop_reason: string | null; stop_sequence: null };
      usage: { output_tokens: number };
    }
  | { type: "message_stop" };

export interface SDKPartialAssistantMessage extends Envelope {
  type: "stream_event";
  parent_tool_use_id: string | null;
  event: SDKStreamEvent;
}

export interface SDKPermissionDenial {
  tool_name: string;
  tool_use_id: string;
  tool_input: Record<string, unknown>;
}

export interface SDKModelUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadInputTokens: number;
  cacheCreationInputTokens: number;
  webSearchRequests: number;
  costUSD: number;
  contextWindow: number;
  maxOutputTokens: number;
}

interface ResultCommon extends Envelope {
  type: "result";
  duration_ms: number;
  duration_api_ms: number;
  num_turns: number;
  total_cost_usd: number;
  usage: SDKApiUsage;
  modelUsage: Record<string, SDKModelUsage>;
  permission_denials: SDKPermissionDenial[];
  stop_reason: string | null;
  /** Quarry's addition: every failover switch of the run. */
  failovers?: SDKFailover[] | undefined;
  /** Quarry's addition: cost per region that served a turn. */
  cost_by_region?: Record<string, number> | undefined;
}

export type SDKResultMessage =
  | (ResultCommon & { subtype: "success"; is_error: false; result: string })
  | (ResultCommon & {
      subtype: "error_during_execution" | "error_max_turns";
      is_error: true;
      errors: string[];
    });

/** Every message `query()` yields (what `quarry -p --output-format stream-json` prints). */
export type SDKMessage =
  | SDKSystemMessage
  | SDKSessionStateMessage
  | SDKFailoverMessage
  | SDKAssistantMessage
  | SDKUserMessage
  | SDKPartialAssistantMessage
  | SDKResultMessage;

/** The validator exported as `SDKMessageSchema`: checks an untrusted value is an SDK message. */
export interface SDKMessageValidator {
  parse(value: unknown): SDKMessage;
  safeParse(value: unknown): { success: true; data: SDKMessage } | { success: false; error: Error };
}
