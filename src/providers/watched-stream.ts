import type { FailureContext } from "../model/errors.js";
import type { ProviderEvent } from "../model/types.js";
import { type CallLimits, IdleWatchdog, type StallPhase, stallError } from "./timeouts.js";

/** What one wire's stream is, for {@link watchedStream}. */
export interface WatchedStreamSource<Item> {
  limits: CallLimits;
  /** The caller's cancel signal; the watchdog's own signal is handed to `open`. */
  signal?: AbortSignal;
  context: FailureContext;
  /** Sends the request (with the watchdog's signal) and resolves with the wire's stream items. */
  open(signal: AbortSignal): Promise<AsyncIterable<Item> | undefined>;
  /** Turns one wire item into provider events (usually through a StreamAssembler). */
  events(item: Item): Iterable<ProviderEvent>;
}

/**
 * One streamed model call under the idle timer (docs/decisions/0012-fault-handling.md), the same for every
 * wire: the timer runs from the send, so a stall before the headers, before the first event or mid-stream
 * ends with the stall error for that phase. Whether the stream was complete is the caller's to check.
 */
export async function* watchedStream<Item>(o: WatchedStreamSource<Item>): AsyncGenerator<ProviderEvent> {
  const watchdog = new IdleWatchdog(o.limits.streamIdleMs, o.signal);
  let phase: StallPhase = "before-headers";
  try {
    const items = await o.open(watchdog.signal);
    phase = "before-events";
    watchdog.touch();
    for await (const item of items ?? []) {
      watchdog.touch();
      for (const out of o.events(item)) {
        if (out.type === "tool_use_start") phase = "mid-tool-call";
        else if (out.type === "block_stop" || phase === "before-events") phase = "mid-text";
        yield out;
      }
    }
  } catch (err) {
    if (watchdog.fired) throw stallError(phase, o.limits).withContext(o.context);
    throw err;
  } finally {
    watchdog.stop();
  }
  // Over some transports an aborted body just ends (no error): the timer says why it ended.
  if (watchdog.fired) throw stallError(phase, o.limits).withContext(o.context);
}
