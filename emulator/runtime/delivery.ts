import type { ResponseWriter } from "../http/types.js";
import type { Fault } from "../world/schema.js";
import { delay, holdUntilClosed, tokenDelayMs } from "./pacing.js";
import type { StreamEvent, StreamTiming } from "./types.js";

/**
 * Writes a response with the scripted latency and delivery faults applied: cut at a byte, stall, exception
 * frame after N events. Shared by every operation; the operations only say how an event is encoded.
 */

export interface LatencySettings {
  firstTokenMs: number;
  tokensPerSecond: number;
}

/** A streamed response to write. */
export interface StreamPlan {
  status?: number;
  headers: Record<string, string>;
  events: StreamEvent[];
  encode: (event: StreamEvent) => Uint8Array;
  /** Only delivery faults (stream-exception, cut, stall) matter here. */
  fault?: Fault;
  /** The exception frame for a stream-exception fault. */
  exceptionFrame?: () => Uint8Array;
  latency: LatencySettings;
  timing: StreamTiming;
}

/** Writes one chunk; false when the client has gone (the write failed or the writer reports closed). */
async function writeChunk(res: ResponseWriter, chunk: Uint8Array): Promise<boolean> {
  if (res.closed) return false;
  try {
    await res.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  } catch {
    return false;
  }
  return !res.closed;
}

/** Streams the events, pacing them, and applies the plan's delivery fault. */
export async function writeStream(res: ResponseWriter, plan: StreamPlan): Promise<void> {
  const { fault, latency, timing } = plan;
  const stopAfter =
    fault?.kind === "stream-exception" || fault?.kind === "stall" ? fault.afterEvents : Infinity;
  const cutAt = fault?.kind === "cut" ? fault.atByte : Infinity;
  res.startStream(plan.status ?? 200, plan.headers);
  let written = 0;
  let sent = 0;
  for (const event of plan.events) {
    if (sent >= stopAfter) break;
    await delay(
      (sent === 0 ? latency.firstTokenMs : 0) + tokenDelayMs(event.tokens, latency.tokensPerSecond),
    );
    if (res.closed) return;
    timing.firstEventAt ??= timing.now();
    const frame = plan.encode(event);
    if (written + frame.byteLength >= cutAt) {
      // Exactly the first atByte bytes of the stream, then the connection drops (mid-frame if it falls there).
      const part = frame.subarray(0, cutAt - written);
      if (part.byteLength > 0 && !(await writeChunk(res, part))) return;
      res.cut();
      return;
    }
    if (!(await writeChunk(res, frame))) return;
    written += frame.byteLength;
    sent++;
  }
  if (fault?.kind === "stream-exception" && plan.exceptionFrame) {
    if (!(await writeChunk(res, plan.exceptionFrame()))) return;
  } else if (fault?.kind === "stall") {
    await holdUntilClosed(res);
    return;
  } else if (fault?.kind === "cut") {
    // atByte lies past the end of the stream: everything was sent, the connection still drops.
    res.cut();
    return;
  }
  res.end();
}

/** A complete (non-stream) response. */
export interface BodyPlan {
  headers: () => Record<string, string>;
  body: () => string;
  /** Only cut and stall apply to a whole body; the caller turns other faults into errors. */
  fault?: Fault;
  latency: LatencySettings;
  outputTokens: number;
}

/** Sends a whole body after the model's generation time, or cuts / stalls it. */
export async function sendBody(res: ResponseWriter, plan: BodyPlan): Promise<void> {
  const { fault, latency } = plan;
  if (fault?.kind === "stall") {
    // The model never answers: nothing is written, not even the status line.
    await holdUntilClosed(res);
    return;
  }
  await delay(latency.firstTokenMs + tokenDelayMs(plan.outputTokens, latency.tokensPerSecond));
  if (res.closed) return;
  const body = Buffer.from(plan.body(), "utf8");
  const headers = plan.headers();
  if (fault?.kind === "cut") {
    // No Content-Length: the body just stops, so the client is left with JSON that does not parse.
    res.startStream(200, headers);
    const part = body.subarray(0, Math.min(fault.atByte, body.byteLength));
    if (part.byteLength > 0 && !(await writeChunk(res, part))) return;
    res.cut();
    return;
  }
  res.send(200, headers, body);
}

/** How a re-encoding proxy renders one event: SSE text. */
export function sseEncode(event: StreamEvent): Uint8Array {
  return Buffer.from(`event: ${event.name}\ndata: ${JSON.stringify(event.payload())}\n\n`, "utf8");
}
