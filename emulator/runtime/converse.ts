import type { ResponseWriter } from "../http/types.js";
import { converseResponse, converseStreamEvents, signsReasoning } from "./converse-response.js";
import { sendBody, sseEncode, writeStream } from "./delivery.js";
import { EVENT_STREAM_CONTENT_TYPE, eventFrame, exceptionFrame, padding } from "./eventstream.js";
import { streamExceptionFrame } from "./faults.js";
import type { PreparedTurn } from "./turn.js";

/** Converse and ConverseStream answers (WIRE.md §4.4, §4.5). */

/** Answers Converse with its JSON body. */
export async function respondConverse(turn: PreparedTurn, res: ResponseWriter): Promise<void> {
  const { reply, fault, timing } = turn;
  if (fault?.kind === "proxy" && fault.as === "sse") {
    await writeStream(res, {
      headers: { "content-type": "text/event-stream", "x-amzn-requestid": turn.requestId },
      events: converseStreamEvents(reply, timing, signsReasoning(turn.target.model)),
      encode: sseEncode,
      latency: turn.latency,
      timing,
    });
    return;
  }
  await sendBody(res, {
    headers: () => ({ "content-type": "application/json", "x-amzn-requestid": turn.requestId }),
    body: () =>
      JSON.stringify(
        converseResponse(reply, timing.now() - timing.startedAt, signsReasoning(turn.target.model)),
      ),
    fault,
    latency: turn.latency,
    outputTokens: reply.usage.outputTokens,
  });
}

/** Answers ConverseStream: one frame per union member, payload the bare member struct (plus Bedrock's `p`). */
export async function respondConverseStream(turn: PreparedTurn, res: ResponseWriter): Promise<void> {
  const { reply, fault, timing } = turn;
  if (fault?.kind === "proxy") {
    if (fault.as === "json") {
      const body = JSON.stringify(
        converseResponse(reply, timing.now() - timing.startedAt, signsReasoning(turn.target.model)),
      );
      res.send(200, { "content-type": "application/json", "x-amzn-requestid": turn.requestId }, body);
      return;
    }
    await writeStream(res, {
      headers: { "content-type": "text/event-stream", "x-amzn-requestid": turn.requestId },
      events: converseStreamEvents(reply, timing, signsReasoning(turn.target.model)),
      encode: sseEncode,
      latency: turn.latency,
      timing,
    });
    return;
  }
  await writeStream(res, {
    headers: { "content-type": EVENT_STREAM_CONTENT_TYPE, "x-amzn-requestid": turn.requestId },
    events: converseStreamEvents(reply, timing, signsReasoning(turn.target.model)),
    encode: (event) => {
      const payload = event.payload();
      return eventFrame(event.name, { ...payload, p: padding(`${event.name}:${JSON.stringify(payload)}`) });
    },
    fault,
    exceptionFrame:
      fault?.kind === "stream-exception"
        ? () => {
            const { exceptionType, payload } = streamExceptionFrame(fault, "converse-stream");
            return exceptionFrame(exceptionType, payload);
          }
        : undefined,
    latency: turn.latency,
    timing,
  });
}
