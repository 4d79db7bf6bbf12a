import { describe, expect, it } from "vitest";
import { QuarryError } from "./errors.js";
import { backoffDelay, nextRetryDelay, type RetryPolicy } from "./retry.js";

const policy: RetryPolicy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000, maxTotalMs: 5000 };
const err = (retryable: boolean) =>
  new QuarryError({
    kind: retryable ? "throttled" : "iam-denied",
    rawMessage: "",
    explanation: "",
    fix: "",
    retryable,
  });

describe("retry policy", () => {
  it("grows exponentially with full jitter and caps at maxDelayMs", () => {
    expect(backoffDelay(policy, 1, () => 0.999)).toBe(99);
    expect(backoffDelay(policy, 3, () => 0.5)).toBe(200);
    expect(backoffDelay(policy, 10, () => 0.999)).toBe(999);
    expect(backoffDelay(policy, 2, () => 0)).toBe(0);
  });

  it("fails fast on hard errors", () => {
    expect(nextRetryDelay(policy, err(false), 1, 0, () => 0.5)).toBeUndefined();
  });

  it("stops after maxAttempts and when the total time budget would be exceeded", () => {
    expect(nextRetryDelay(policy, err(true), 3, 0, () => 0.5)).toBe(200);
    expect(nextRetryDelay(policy, err(true), 4, 0, () => 0.5)).toBeUndefined();
    expect(nextRetryDelay(policy, err(true), 1, 4990, () => 0.5)).toBeUndefined();
  });
});
