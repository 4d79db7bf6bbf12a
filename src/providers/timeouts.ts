import { QuarryError } from "../bedrock/errors.js";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "../model/retry.js";

/**
 * How long Quarry waits on Bedrock, and how often it retries (docs/decisions/0012-fault-handling.md). A
 * stream is watched by an idle timer that restarts on every event, from the moment the request is sent:
 * a stall before the headers, after them, or in the middle of a tool call all end the same way.
 */

/** The limits in force and the variable each came from, so a timeout message can name the knob. */
export interface CallLimits {
  /** Longest silence tolerated on a streamed call (before headers or between events). */
  streamIdleMs: number;
  streamIdleSource: string;
  /** Longest a non-streamed call (titles, compaction) may take in all. */
  requestMs: number;
  requestSource: string;
  retry: RetryPolicy;
}

export const DEFAULT_STREAM_IDLE_MS = 120_000;
/** Claude Code's API_TIMEOUT_MS default. */
export const DEFAULT_REQUEST_MS = 600_000;

/** The variables read, in precedence order: Quarry's own, then Claude Code's equivalent. */
const IDLE_VARS = ["QUARRY_STREAM_IDLE_TIMEOUT_MS", "CLAUDE_STREAM_IDLE_TIMEOUT_MS"];
const REQUEST_VARS = ["API_TIMEOUT_MS"];
const RETRY_VARS = ["QUARRY_MAX_RETRIES", "CLAUDE_CODE_MAX_RETRIES"];

/** Reads the limits from the environment; a malformed value is reported in `warnings` and ignored. */
export function callLimitsFromEnv(env: NodeJS.ProcessEnv, base: RetryPolicy = DEFAULT_RETRY_POLICY) {
  const warnings: string[] = [];
  const read = (names: string[], min: number) => {
    for (const name of names) {
      const raw = env[name]?.trim();
      if (!raw) continue;
      const value = Number(raw);
      if (Number.isInteger(value) && value >= min) return { value, source: name };
      warnings.push(`${name}=${raw} is not a whole number of at least ${min}; ignoring it.`);
    }
    return undefined;
  };
  const idle = read(IDLE_VARS, 1);
  const request = read(REQUEST_VARS, 1);
  const retries = read(RETRY_VARS, 0);
  const limits: CallLimits = {
    streamIdleMs: idle?.value ?? DEFAULT_STREAM_IDLE_MS,
    streamIdleSource: idle?.source ?? "default",
    requestMs: request?.value ?? DEFAULT_REQUEST_MS,
    requestSource: request?.source ?? "default",
    retry: retries ? { ...base, maxAttempts: retries.value + 1 } : base,
  };
  return { limits, warnings };
}

/** Where a stalled call was when the timer fired. */
export type StallPhase = "before-headers" | "before-events" | "mid-text" | "mid-tool-call" | "whole-call";

const PHASE_TEXT: Record<StallPhase, string> = {
  "before-headers": "before Bedrock sent the response headers",
  "before-events": "after the response headers, before any model event",
  "mid-text": "in the middle of the model's answer",
  "mid-tool-call": "in the middle of a tool call the model was writing",
  "whole-call": "before the whole response arrived",
};

/** The error for a call that went silent; retryable, and naming the limit and how to change it. */
export function stallError(phase: StallPhase, limits: CallLimits): QuarryError {
  const streamed = phase !== "whole-call";
  const ms = streamed ? limits.streamIdleMs : limits.requestMs;
  const knob = streamed ? "QUARRY_STREAM_IDLE_TIMEOUT_MS" : "API_TIMEOUT_MS";
  const source = streamed ? limits.streamIdleSource : limits.requestSource;
  const from = source === "default" ? "the default" : `from ${source}`;
  return new QuarryError({
    kind: "model-timeout",
    rawMessage: `no data for ${ms} ms (${phase})`,
    explanation: streamed
      ? `Bedrock sent nothing for ${ms} ms ${PHASE_TEXT[phase]} (stream idle timeout, ${from}).`
      : `Bedrock did not answer within ${ms} ms (request timeout, ${from}).`,
    fix: `Quarry retries stalled calls (${limits.retry.maxAttempts} attempts; set QUARRY_MAX_RETRIES to change). If the model needs longer, raise the limit: export ${knob}=<milliseconds>. Otherwise check the network, proxy (HTTPS_PROXY / NO_PROXY) or gateway between Quarry and Bedrock.`,
    retryable: true,
  });
}

/**
 * An abort signal that fires when `touch()` has not been called for `ms`, or when `parent` aborts. `fired`
 * tells the two apart (a user's Ctrl-C is not a stall).
 */
export class IdleWatchdog {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private readonly onParentAbort = () => this.controller.abort(this.parent?.reason);
  fired = false;

  constructor(
    private readonly ms: number,
    private readonly parent?: AbortSignal,
  ) {
    if (parent?.aborted) this.controller.abort(parent.reason);
    parent?.addEventListener("abort", this.onParentAbort, { once: true });
    this.touch();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Something arrived: restart the timer. */
  touch(): void {
    clearTimeout(this.timer);
    if (this.controller.signal.aborted) return;
    this.timer = setTimeout(() => {
      this.fired = true;
      this.controller.abort(new Error(`idle for ${this.ms} ms`));
    }, this.ms);
  }

  /** The call is over: no more timer, no more listener. */
  stop(): void {
    clearTimeout(this.timer);
    this.parent?.removeEventListener("abort", this.onParentAbort);
  }
}
