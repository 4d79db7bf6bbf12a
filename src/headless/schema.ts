import { z } from "zod";

/**
 * Claude Code's headless message schema (stream-json), as Quarry speaks it: the lines Quarry writes and the lines
 * it reads. docs/headless.md describes each; the fields follow Claude Code 2.1.332 and its Agent SDK's types.
 */

const uuid = z.uuid();

export const ApiUsage = z.object({
  input_tokens: z.number().int().min(0),
  output_tokens: z.number().int().min(0),
  cache_creation_input_tokens: z.number().int().min(0),
  cache_read_input_tokens: z.number().int().min(0),
});

export const TextBlock = z.object({ type: z.literal("text"), text: z.string() });
export const ToolUseBlock = z.object({
  type: z.literal("tool_use"),
  id: z.string().min(1),
  name: z.string().min(1),
  input: z.record(z.string(), z.unknown()),
});
export const ThinkingBlock = z.object({
  type: z.literal("thinking"),
  thinking: z.string(),
  signature: z.string(),
});
export const RedactedThinkingBlock = z.object({ type: z.literal("redacted_thinking"), data: z.string() });
export const AssistantBlock = z.discriminatedUnion("type", [
  TextBlock,
  ToolUseBlock,
  ThinkingBlock,
  RedactedThinkingBlock,
]);

export const ToolResultBlock = z.object({
  type: z.literal("tool_result"),
  tool_use_id: z.string().min(1),
  content: z.union([z.string(), z.array(TextBlock)]),
  is_error: z.boolean().optional(),
});

const envelope = {
  session_id: z.string().min(1),
  uuid,
};

// One failover switch (docs/failover.md), as Quarry's stream-json and result carry it.
const FailoverFields = z.object({
  step: z.enum(["region", "global", "fallback-model", "primary"]),
  from: z.object({ model: z.string(), region: z.string() }),
  to: z.object({ model: z.string(), region: z.string() }),
  reason: z.string(),
  message: z.string(),
});

export const SystemInit = z.object({
  type: z.literal("system"),
  subtype: z.literal("init"),
  ...envelope,
  cwd: z.string(),
  tools: z.array(z.string()),
  model: z.string(),
  permissionMode: z.string(),
  mcp_servers: z.array(z.object({ name: z.string(), status: z.string(), source: z.string().optional() })),
  slash_commands: z.array(z.string()),
  apiKeySource: z.string(),
  output_style: z.string(),
  claude_code_version: z.string(),
  agents: z.array(z.string()),
  skills: z.array(z.string()),
  plugins: z.array(z.object({ name: z.string(), path: z.string() })),
});

export const AssistantLine = z.object({
  type: z.literal("assistant"),
  ...envelope,
  parent_tool_use_id: z.string().nullable(),
  message: z.object({
    id: z.string().min(1),
    type: z.literal("message"),
    role: z.literal("assistant"),
    model: z.string(),
    content: z.array(AssistantBlock).length(1),
    stop_reason: z.string().nullable(),
    stop_sequence: z.null(),
    usage: ApiUsage,
  }),
});

export const UserLine = z.object({
  type: z.literal("user"),
  ...envelope,
  parent_tool_use_id: z.string().nullable(),
  message: z.object({
    role: z.literal("user"),
    content: z.array(z.union([ToolResultBlock, TextBlock])).min(1),
  }),
});

const StreamEventBody = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("message_start"),
    message: z.object({
      id: z.string(),
      type: z.literal("message"),
      role: z.literal("assistant"),
      model: z.string(),
      content: z.array(z.never()),
      stop_reason: z.null(),
      stop_sequence: z.null(),
      usage: ApiUsage,
    }),
  }),
  z.object({
    type: z.literal("content_block_start"),
    index: z.number().int().min(0),
    content_block: z.union([
      TextBlock,
      ThinkingBlock,
      ToolUseBlock.extend({ input: z.object({}).strict() }),
      RedactedThinkingBlock,
    ]),
  }),
  z.object({
    type: z.literal("content_block_delta"),
    index: z.number().int().min(0),
    delta: z.discriminatedUnion("type", [
      z.object({ type: z.literal("text_delta"), text: z.string() }),
      z.object({ type: z.literal("thinking_delta"), thinking: z.string() }),
      z.object({ type: z.literal("input_json_delta"), partial_json: z.string() }),
    ]),
  }),
  z.object({ type: z.literal("content_block_stop"), index: z.number().int().min(0) }),
  z.object({
    type: z.literal("message_delta"),
    delta: z.object({ stop_reason: z.string().nullable(), stop_sequence: z.null() }),
    usage: z.object({ output_tokens: z.number().int().min(0) }),
  }),
  z.object({ type: z.literal("message_stop") }),
]);

export const StreamEventLine = z.object({
  type: z.literal("stream_event"),
  ...envelope,
  parent_tool_use_id: z.string().nullable(),
  event: StreamEventBody,
});

export const PermissionDenial = z.object({
  tool_name: z.string(),
  tool_use_id: z.string(),
  tool_input: z.record(z.string(), z.unknown()),
});

export const ModelUsage = z.object({
  inputTokens: z.number(),
  outputTokens: z.number(),
  cacheReadInputTokens: z.number(),
  cacheCreationInputTokens: z.number(),
  webSearchRequests: z.number(),
  costUSD: z.number(),
  contextWindow: z.number(),
  maxOutputTokens: z.number(),
});

const resultCommon = {
  type: z.literal("result"),
  ...envelope,
  duration_ms: z.number().min(0),
  duration_api_ms: z.number().min(0),
  num_turns: z.number().int().min(0),
  total_cost_usd: z.number().min(0),
  usage: ApiUsage,
  modelUsage: z.record(z.string(), ModelUsage),
  permission_denials: z.array(PermissionDenial),
  stop_reason: z.string().nullable(),
  /** Quarry's addition: every failover switch of the run (docs/failover.md). */
  failovers: z.array(FailoverFields).optional(),
  /** Quarry's addition: cost per region that served a turn (differs from one region after a failover). */
  cost_by_region: z.record(z.string(), z.number()).optional(),
};

export const ResultSuccess = z.object({
  ...resultCommon,
  subtype: z.literal("success"),
  is_error: z.literal(false),
  result: z.string(),
});

export const ResultError = z.object({
  ...resultCommon,
  subtype: z.enum(["error_during_execution", "error_max_turns"]),
  is_error: z.literal(true),
  // The SDK maps over `errors` on every error result; without it, it crashes.
  errors: z.array(z.string()),
});

export const ResultLine = z.union([ResultSuccess, ResultError]);

export const SessionStateChanged = z.object({
  type: z.literal("system"),
  subtype: z.literal("session_state_changed"),
  ...envelope,
  state: z.enum(["running", "requires_action", "idle"]),
});

/** Quarry's addition: the main model's calls moved to another region, profile or model (docs/failover.md). */
export const FailoverLine = z.object({
  type: z.literal("system"),
  subtype: z.literal("failover"),
  ...envelope,
  ...FailoverFields.shape,
});

/** Every message a stream-json consumer can receive from Quarry (besides control envelopes). */
export const ClaudeMessage = z.union([
  SystemInit,
  SessionStateChanged,
  FailoverLine,
  AssistantLine,
  UserLine,
  StreamEventLine,
  ResultLine,
]);

export type ClaudeMessage = z.infer<typeof ClaudeMessage>;
export type SystemInit = z.infer<typeof SystemInit>;
export type FailoverFields = z.infer<typeof FailoverFields>;
export type AssistantLine = z.infer<typeof AssistantLine>;
export type UserLine = z.infer<typeof UserLine>;
export type StreamEventLine = z.infer<typeof StreamEventLine>;
export type ResultLine = z.infer<typeof ResultLine>;
export type PermissionDenial = z.infer<typeof PermissionDenial>;
export type ModelUsage = z.infer<typeof ModelUsage>;
export type ApiUsage = z.infer<typeof ApiUsage>;

// ---- Control protocol (both directions) ----

export const ControlRequest = z.object({
  type: z.literal("control_request"),
  request_id: z.string().min(1),
  request: z.looseObject({ subtype: z.string().min(1) }),
});

export const ControlResponse = z.object({
  type: z.literal("control_response"),
  response: z.discriminatedUnion("subtype", [
    z.object({
      subtype: z.literal("success"),
      request_id: z.string().min(1),
      response: z.record(z.string(), z.unknown()).optional(),
    }),
    z.object({ subtype: z.literal("error"), request_id: z.string().min(1), error: z.string() }),
  ]),
});

export const ControlCancelRequest = z.object({
  type: z.literal("control_cancel_request"),
  request_id: z.string().min(1),
});

/** A user message on stdin under `--input-format stream-json`. */
export const UserInput = z.object({
  type: z.literal("user"),
  message: z.object({
    role: z.literal("user"),
    content: z.union([z.string(), z.array(z.looseObject({ type: z.string() }))]),
  }),
  session_id: z.string().optional(),
  parent_tool_use_id: z.string().nullable().optional(),
});

/** Any line Quarry reads on stdin in stream-json input mode. */
export const InputLine = z.discriminatedUnion("type", [
  UserInput,
  ControlRequest,
  ControlResponse,
  ControlCancelRequest,
  // The SDK sends keep-alives on long sessions; they carry nothing.
  z.looseObject({ type: z.literal("keep_alive") }),
]);

export type ControlRequest = z.infer<typeof ControlRequest>;
export type ControlResponse = z.infer<typeof ControlResponse>;
export type UserInput = z.infer<typeof UserInput>;
export type InputLine = z.infer<typeof InputLine>;

/** The answer to a `can_use_tool` request. */
export const PermissionAnswer = z.discriminatedUnion("behavior", [
  z.looseObject({
    behavior: z.literal("allow"),
    updatedInput: z.record(z.string(), z.unknown()).optional(),
  }),
  z.looseObject({ behavior: z.literal("deny"), message: z.string().default("") }),
]);
export type PermissionAnswerLine = z.infer<typeof PermissionAnswer>;
