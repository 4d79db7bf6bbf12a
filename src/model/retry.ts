import type { QuarryError } from "./errors.js";

/** Bounds for retrying transient Bedrock failures (throttling, 5xx, model timeouts, cut streams). */
export interface RetryPolicy {
  /** Total attempts including the first. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Give up once this much time has gone by since the first attempt. */
  maxTotalMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 20_000,
  maxTotalMs: 120_000,
};

/**
 * Full-jitter exponential backoff: a random delay in [0, min(max, base·2^(attempt-1))]. Jitter spreads retries
 * from many sessions hitting the same quota; `random` is injectable so tests are deterministic.
 */
export function backoffDelay(
  policy: RetryPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}

/**
 * Decides whether to retry after `attempt` failed attempts. Hard 4xx (access, validation, credentials) fail
 * fast; only errors marked retryable are retried, within both the attempt and the total-time budget.
 */
export function nextRetryDelay(
  policy: RetryPolicy,
  error: QuarryError,
  attempt: number,
  elapsedMs: number,
  random?: () => number,
): number | undefined {
  if (!error.retryable || attempt >= policy.maxAttempts) return undefined;
  const delay = backoffDelay(policy, attempt, random);
  if (elapsedMs + delay > policy.maxTotalMs) return undefined;
  return delay;
}
