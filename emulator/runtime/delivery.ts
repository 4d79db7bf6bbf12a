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

/** True when an event carries the first piece of a tool call's input (Anthropic or Converse form). */
function isToolInputDelta(event: StreamEvent): boolean {
  const p = event.payload();
  const delta = p.delta as Record<string, unknown> | undefined;
  if (!delta) return false;
  return delta.type === "input_json_delta" || (typeof delta.toolUse === "object" && delta.toolUse !== null);
}

/** How many events are sent before a stall or stream-exception fault takes over (Infinity: all of them). */
function eventsBeforeStop(fault: Fault | undefined, events: StreamEvent[]): number {
  if (fault?.kind === "stream-exception") return fault.afterEvents;
  if (fault?.kind !== "stall") return Infinity;
  switch (fault.phase) {
    case "before-headers":
    case "after-headers":
      return 0;
    case "mid-tool-call": {
      const at = events.findIndex(isToolInputDelta);
      // No tool call in the answer: stall where one would have started, after everything but the stop events.
      return at >= 0 ? at + 1 : Math.max(0, events.length - 2);
    }
    default:
      return fault.afterEvents;
  }
}

/** Streams the events, pacing them, and applies the plan's delivery fault. */
export async function writeStream(res: ResponseWriter, plan: StreamPlan): Promise<void> {
  const { fault, latency, timing } = plan;
  if (fault?.kind === "stall" && fault.phase === "before-headers") {
    // The model never answers: not even the status line is written.
    await holdUntilClosed(res);
    return;
  }
  const stopAfter = eventsBeforeStop(fault, plan.events);
  // A byte cut applies to the body; an event cut is frame-exact: N whole frames plus a few bytes of the next.
  let cutAt = fault?.kind === "cut" && fault.atByte !== undefined ? fault.atByte : Infinity;
  const cutAfterEvents = fault?.kind === "cut" ? fault.afterEvents : undefined;
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
    if (cutAfterEvents !== undefined && sent === cutAfterEvents && fault?.kind === "cut") {
      cutAt = written + Math.min(fault.intoFrameBytes ?? 0, frame.byteLength);
    }
    if (written + frame.byteLength >= cutAt) {
      // Exactly the first cutAt bytes of the stream, then the connection drops (mid-frame if it falls there).
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
    // The cut lies past the end of the stream: everything was sent, the connection still drops.
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
  if (fault?.kind === "stall" && fault.phase !== "after-headers") {
    // The model never answers: nothing is written, not even the status line.
    await holdUntilClosed(res);
    return;
  }
  if (fault?.kind === "stall") {
    // Status and headers go out, the body never comes.
    res.startStream(200, plan.headers());
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
    const part = body.subarray(0, Math.min(fault.atByte ?? fault.intoFrameBytes ?? 0, body.byteLength));
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
