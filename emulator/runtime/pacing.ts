import type { ResponseWriter } from "../http/types.js";

/** Timing helpers for streams: latency sleeps and holding a stalled connection. */

/** Waits `ms` milliseconds (no timer at all for 0). */
export function delay(ms: number, unref = false): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    if (unref) timer.unref();
  });
}

/** Longest a stalled response is held before the emulator drops it itself. */
export const STALL_CAP_MS = 10 * 60_000;
/** How often a stalled response checks whether the client has gone. */
export const STALL_POLL_MS = 50;

/**
 * Holds a response open, sending nothing, until the client goes away. The poll timers are unref'd so a stall
 * never keeps the process alive on its own; after `capMs` the connection is dropped.
 */
export async function holdUntilClosed(res: ResponseWriter, capMs: number = STALL_CAP_MS): Promise<void> {
  const deadline = Date.now() + capMs;
  while (!res.closed) {
    if (Date.now() >= deadline) {
      res.cut();
      return;
    }
    await delay(STALL_POLL_MS, true);
  }
}

/** Milliseconds to stream `tokens` tokens at `tokensPerSecond` (0 = no pacing). */
export function tokenDelayMs(tokens: number, tokensPerSecond: number): number {
  return tokensPerSecond > 0 ? (tokens / tokensPerSecond) * 1000 : 0;
}
