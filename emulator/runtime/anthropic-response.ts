import { splitDeltas } from "./chunking.js";
import { textTokens } from "./tokens.js";
import type { Reply, StreamEvent, StreamTiming, UsageCounts } from "./types.js";

/** Renders an answer as Anthropic JSON (WIRE.md §5.2) and as Anthropic stream events (§5.3). */

/** Anthropic's `usage` object with Bedrock's cache fields. */
export function anthropicUsage(
  usage: UsageCounts,
  outputTokens: number = usage.outputTokens,
): Record<string, unknown> {
  return {
    input_tokens: usage.inputTokens,
    cache_creation_input_tokens: usage.cacheCreationInputTokens,
    cache_read_input_tokens: usage.cacheReadInputTokens,
    cache_creation: {
      ephemeral_5m_input_tokens: usage.cacheCreation5m,
      ephemeral_1h_input_tokens: usage.cacheCreation1h,
    },
    output_tokens: outputTokens,
  };
}

/** The non-streaming Message body. */
export function anthropicMessage(reply: Reply): Record<string, unknown> {
  return {
    id: reply.id,
    type: "message",
    role: "assistant",
    model: reply.model,
    content: reply.content.map((b) => ({ ...b })),
    stop_reason: reply.stopReason,
    stop_sequence: reply.stopSequence,
    usage: anthropicUsage(reply.usage),
    ...reply.bedrockFields,
  };
}

/** Bedrock's `amazon-bedrock-invocationMetrics` as put on message_stop. */
export function invocationMetrics(reply: Reply, timing: StreamTiming): Record<string, unknown> {
  const now = timing.now();
  return {
    inputTokenCount: reply.usage.inputTokens,
    outputTokenCount: reply.usage.outputTokens,
    invocationLatency: now - timing.startedAt,
    firstByteLatency: (timing.firstEventAt ?? now) - timing.startedAt,
    cacheReadInputTokenCount: reply.usage.cacheReadInputTokens,
    cacheWriteInputTokenCount: reply.usage.cacheCreationInputTokens,
  };
}

/** The Anthropic SSE event sequence for an answer, one StreamEvent per event. */
export function anthropicStreamEvents(reply: Reply, timing: StreamTiming): StreamEvent[] {
  const events: StreamEvent[] = [];
  const push = (payload: Record<string, unknown>, tokens = 0): void => {
    events.push({ name: String(payload.type), payload: () => payload, tokens });
  };
  push({
    type: "message_start",
    message: {
      id: reply.id,
      type: "message",
      role: "assistant",
      model: reply.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: anthropicUsage(reply.usage, Math.min(1, reply.usage.outputTokens)),
    },
  });
  reply.content.forEach((block, index) => {
    switch (block.type) {
      case "text":
        push({ type: "content_block_start", index, content_block: { type: "text", text: "" } });
        for (const text of splitDeltas(block.text)) {
          push({ type: "content_block_delta", index, delta: { type: "text_delta", text } }, textTokens(text));
        }
        break;
      case "thinking":
        push({
          type: "content_block_start",
          index,
          content_block: { type: "thinking", thinking: "", signature: "" },
        });
        for (const thinking of splitDeltas(block.thinking)) {
          push(
            { type: "content_block_delta", index, delta: { type: "thinking_delta", thinking } },
            textTokens(thinking),
          );
        }
        push({
          type: "content_block_delta",
          index,
          delta: { type: "signature_delta", signature: block.signature },
        });
        break;
      case "tool_use":
        push({
          type: "content_block_start",
          index,
          content_block: { type: "tool_use", id: block.id, name: block.name, input: {} },
        });
        // Anthropic opens every tool input with an empty partial_json.
        for (const partial_json of ["", ...splitDeltas(JSON.stringify(block.input))]) {
          push(
            { type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json } },
            textTokens(partial_json),
          );
        }
        break;
    }
    push({ type: "content_block_stop", index });
  });
  push({
    type: "message_delta",
    delta: { stop_reason: reply.stopReason, stop_sequence: reply.stopSequence },
    usage: { output_tokens: reply.usage.outputTokens },
  });
  // Built when sent: the metrics carry the latencies measured so far.
  events.push({
    name: "message_stop",
    payload: () => ({
      type: "message_stop",
      "amazon-bedrock-invocationMetrics": invocationMetrics(reply, timing),
      ...reply.bedrockFields,
    }),
    tokens: 0,
  });
  return events;
}
