import type { ResponseWriter } from "../http/types.js";
import { anthropicMessage, anthropicStreamEvents } from "./anthropic-response.js";
import { sendBody, sseEncode, writeStream } from "./delivery.js";
import { chunkFrame, EVENT_STREAM_CONTENT_TYPE, exceptionFrame } from "./eventstream.js";
import { streamExceptionFrame } from "./faults.js";
import type { PreparedTurn } from "./turn.js";

/** InvokeModel and InvokeModelWithResponseStream answers for Anthropic models (WIRE.md §4.2, §4.3, §5). */

/** What a re-encoding proxy sends: the Anthropic events as SSE text instead of an AWS event stream. */
function writeSseProxy(turn: PreparedTurn, res: ResponseWriter): Promise<void> {
  return writeStream(res, {
    headers: { "content-type": "text/event-stream", "x-amzn-requestid": turn.requestId },
    events: anthropicStreamEvents(turn.reply, turn.timing),
    encode: sseEncode,
    latency: turn.latency,
    timing: turn.timing,
  });
}

/** Answers InvokeModel: the Message as JSON with Bedrock's token-count headers. */
export async function respondInvoke(turn: PreparedTurn, res: ResponseWriter): Promise<void> {
  const { reply, fault, timing } = turn;
  if (fault?.kind === "proxy" && fault.as === "sse") {
    await writeSseProxy(turn, res);
    return;
  }
  await sendBody(res, {
    headers: () => ({
      "content-type": "application/json",
      "x-amzn-requestid": turn.requestId,
      "x-amzn-bedrock-invocation-latency": String(timing.now() - timing.startedAt),
      "x-amzn-bedrock-input-token-count": String(reply.usage.inputTokens),
      "x-amzn-bedrock-output-token-count": String(reply.usage.outputTokens),
      "x-amzn-bedrock-cache-read-input-token-count": String(reply.usage.cacheReadInputTokens),
      "x-amzn-bedrock-cache-write-input-token-count": String(reply.usage.cacheCreationInputTokens),
    }),
    body: () => JSON.stringify(anthropicMessage(reply)),
    fault,
    latency: turn.latency,
    outputTokens: reply.usage.outputTokens,
  });
}

/** Answers InvokeModelWithResponseStream: one `chunk` frame per Anthropic event, or what a proxy makes of it. */
export async function respondInvokeStream(turn: PreparedTurn, res: ResponseWriter): Promise<void> {
  const { reply, fault, timing } = turn;
  if (fault?.kind === "proxy") {
    if (fault.as === "json") {
      res.send(
        200,
        { "content-type": "application/json", "x-amzn-requestid": turn.requestId },
        JSON.stringify(anthropicMessage(reply)),
      );
      return;
    }
    await writeSseProxy(turn, res);
    return;
  }
  await writeStream(res, {
    headers: {
      "content-type": EVENT_STREAM_CONTENT_TYPE,
      "x-amzn-bedrock-content-type": "application/json",
      "x-amzn-requestid": turn.requestId,
    },
    events: anthropicStreamEvents(reply, timing),
    encode: (event) => chunkFrame(event.payload()),
    fault,
    exceptionFrame:
      fault?.kind === "stream-exception"
        ? () => {
            const { exceptionType, payload } = streamExceptionFrame(fault, "invoke-with-response-stream");
            return exceptionFrame(exceptionType, payload);
          }
        : undefined,
    latency: turn.latency,
    timing,
  });
}
