import { z } from "zod";
import type { Message } from "../model/types.js";

/**
 * Quarry's event protocol, version 1 (docs/architecture.md#protocol): every event a session emits, as zod
 * schemas — the one source of truth for print mode's `quarry-events` output, the TUI, the transcript and the
 * SDK. Each line on the wire is an event body plus the envelope (`v`, `seq`, `session_id`, `parent_call_id`).
 */
export const PROTOCOL_VERSION = 1;

const usage = z.object({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  cacheCreationInputTokens: z.number().int().nonnegative(),
  cacheReadInputTokens: z.number().int().nonnegative(),
});

// Conversation messages follow the Anthropic Messages API; blocks are checked for their type only, so a new
// block kind from the API does not make a transcript unreadable.
const block = z.looseObject({ type: z.string() });
const message = z.object({
  role: z.enum(["user", "assistant"]),
  content: z.union([z.string(), z.array(block)]),
});

const routeName = z.object({ model: z.string(), region: z.string() });

const image = z.object({
  type: z.literal("image"),
  source: z.object({ type: z.literal("base64"), media_type: z.string(), data: z.string() }),
});

/** Why a run ended. */
export const DoneReasonSchema = z.enum(["end_turn", "max_turns", "error", "aborted"]);

const eventSchemas = [
  z.object({
    type: z.literal("session_start"),
    sessionId: z.string(),
    model: z.string(),
    sideModel: z.string().optional(),
    region: z.string(),
    cwd: z.string(),
    /** The tools offered to the model (names), once the registry is assembled. */
    tools: z.array(z.string()).optional(),
    permissionMode: z.string().optional(),
    /** MCP servers and their state (docs/mcp.md); Claude Code's init `mcp_servers`. */
    mcpServers: z
      .array(
        z.object({
          name: z.string(),
          status: z.string(),
          source: z.string(),
          error: z.string().optional(),
          tools: z.number().optional(),
        }),
      )
      .optional(),
  }),
  /** The user's prompt, as typed. */
  z.object({ type: z.literal("user"), prompt: z.string() }),
  /** One conversation message as sent to or received from the model; resume replays these. */
  z.object({ type: z.literal("message"), message }),
  z.object({ type: z.literal("turn_start"), turn: z.number().int().positive() }),
  z.object({
    type: z.literal("text_delta"),
    text: z.string(),
    /**
     * Set by print mode after a retry whose text differs from what was shown (src/agent/stream-continuity.ts):
     * keep only this many characters of the turn's text, then append `text`.
     */
    keep_chars: z.number().int().nonnegative().optional(),
  }),
  z.object({ type: z.literal("thinking_delta"), text: z.string() }),
  /**
   * A streamed attempt failed and is being retried: drop the text streamed since the last turn_start — unless
   * `shown_text_chars` is set (print mode's output), when the text shown so far stands and the retried
   * attempt's text continues it without repeats (a `keep_chars` on a later text_delta takes some back).
   */
  z.object({
    type: z.literal("retry"),
    attempt: z.number().int().positive(),
    delayMs: z.number().nonnegative(),
    message: z.string(),
    kind: z.string().optional(),
    shown_text_chars: z.number().int().nonnegative().optional(),
  }),
  z.object({
    type: z.literal("tool_call"),
    id: z.string(),
    name: z.string(),
    input: z.unknown(),
    summary: z.string(),
  }),
  z.object({
    type: z.literal("permission_request"),
    id: z.string(),
    tool: z.string(),
    summary: z.string(),
    reason: z.string(),
    input: z.unknown().optional(),
    suggestedRules: z.array(z.string()).optional(),
  }),
  z.object({
    type: z.literal("permission_decision"),
    id: z.string(),
    behavior: z.enum(["allow", "deny"]),
    reason: z.string(),
    /** Who decided: the rules, a person or SDK caller, a hook, or print mode's "nobody to ask". */
    source: z.enum(["policy", "user", "hook", "non-interactive"]).optional(),
  }),
  /** A running tool's progress (a line of Bash output, a nested agent's step). */
  z.object({ type: z.literal("tool_progress"), id: z.string(), name: z.string(), message: z.string() }),
  z.object({
    type: z.literal("tool_result"),
    id: z.string(),
    name: z.string(),
    content: z.string(),
    isError: z.boolean(),
    display: z.unknown().optional(),
    images: z.array(image).optional(),
  }),
  z.object({
    type: z.literal("usage"),
    model: z.string(),
    usage,
    costUsd: z.number().nonnegative(),
    /** The region that served the turn (cost by region after a failover). */
    region: z.string().optional(),
  }),
  /**
   * The main model's calls moved along the failover path (docs/failover.md): to another region, a global
   * profile or the fallback model after the retries ran out, or back to the primary after the cooldown.
   */
  z.object({
    type: z.literal("failover"),
    step: z.enum(["region", "global", "fallback-model", "primary"]),
    from: routeName,
    to: routeName,
    /** The error kind that exhausted the retries (throttled, service-unavailable, …) or "cooldown". */
    reason: z.string(),
    message: z.string(),
  }),
  z.object({ type: z.literal("warning"), message: z.string() }),
  z.object({ type: z.literal("title"), title: z.string() }),
  z.object({
    type: z.literal("compacted"),
    summaryTokens: z.number().int().nonnegative(),
    removedMessages: z.number().int().nonnegative(),
    /** The conversation that replaces everything before it (resume starts here). */
    messages: z.array(message).optional(),
  }),
  z.object({ type: z.literal("error"), kind: z.string(), message: z.string(), fix: z.string().optional() }),
  z.object({
    type: z.literal("done"),
    reason: DoneReasonSchema,
    result: z.string(),
    turns: z.number().int().nonnegative(),
    usage,
    costUsd: z.number().nonnegative(),
    durationMs: z.number().nonnegative(),
  }),
] as const;

/** Any event body (without the envelope). */
export const AgentEventSchema = z.discriminatedUnion("type", eventSchemas);

/** The fields every emitted line carries besides its body. */
export const EnvelopeSchema = z.object({
  v: z.literal(PROTOCOL_VERSION),
  /** 1, 2, 3… per session, in emission order (a nested agent's events have their own session and sequence). */
  seq: z.number().int().positive(),
  session_id: z.string(),
  /** Set on a nested agent's events: the id of the parent's tool call that spawned it. */
  parent_call_id: z.string().optional(),
});

/** One emitted line: an event body with its envelope. */
export const ProtocolEventSchema = z.intersection(EnvelopeSchema, AgentEventSchema);

type InferredEvent = z.infer<typeof AgentEventSchema>;
type WithMessages<T, K extends string> = T extends { type: K } ? T : never;
/**
 * Any event body. The schema checks message blocks loosely (see `block` above); in code they are the model
 * layer's precise Message type.
 */
export type AgentEvent =
  | Exclude<InferredEvent, { type: "message" | "compacted" }>
  | (Omit<WithMessages<InferredEvent, "message">, "message"> & { message: Message })
  | (Omit<WithMessages<InferredEvent, "compacted">, "messages"> & { messages?: Message[] });
export type DoneReason = z.infer<typeof DoneReasonSchema>;
export type Envelope = z.infer<typeof EnvelopeSchema>;
export type ProtocolEvent = AgentEvent & Envelope;
/** One event type's body, e.g. `EventOf<"done">`. */
export type EventOf<T extends AgentEvent["type"]> = Extract<AgentEvent, { type: T }>;
/** The event types, for exhaustive checks and documentation. */
export const EVENT_TYPES = eventSchemas.map((s) => s.shape.type.value);

/** Events too frequent to keep in the transcript; everything else is stored as emitted. */
export const TRANSIENT_EVENT_TYPES: ReadonlySet<string> = new Set([
  "text_delta",
  "thinking_delta",
  "tool_progress",
]);
