import type { ResponseWriter } from "../http/types.js";
import { anthropicStreamEvents } from "../runtime/anthropic-response.js";
import { sseEncode, writeStream } from "../runtime/delivery.js";
import type { PreparedTurn } from "../runtime/turn.js";

/**
 * A streamed Messages-API answer: plain Anthropic SSE (`event: <type>` / `data: <json>`), the format of the
 * Anthropic API and of Mantle. A scripted stream exception arrives as Anthropic's in-stream `error` event.
 */
export function respondMessagesStream(turn: PreparedTurn, res: ResponseWriter): Promise<void> {
  const fault = turn.fault;
  return writeStream(res, {
    headers: {
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      "request-id": turn.requestId,
    },
    events: anthropicStreamEvents(turn.reply, turn.timing),
    encode: sseEncode,
    fault,
    exceptionFrame:
      fault?.kind === "stream-exception"
        ? () =>
            Buffer.from(
              `event: error\ndata: ${JSON.stringify({ type: "error", error: { type: "overloaded_error", message: fault.message ?? "Overloaded" } })}\n\n`,
            )
        : undefined,
    latency: turn.latency,
    timing: turn.timing,
  });
}
