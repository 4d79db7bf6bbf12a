import type { RouteBase } from "./client.js";
import type { ErrorKind, QuarryError } from "./errors.js";
import type { FailoverStepKind, FailoverSwitch, RouteName } from "./types.js";

export type { FailoverStepKind, FailoverSwitch, RouteName } from "./types.js";

/**
 * Failover along a declared path (docs/failover.md): when the current target stays throttled or out of
 * capacity after its retries, the next step of the path takes over; after a cooldown the primary is tried
 * again. What the steps are (other regions, a global profile, a fallback model) is the provider's business —
 * it hands over lazily built steps; this module only keeps the state and says what changed.
 */

/** Failures that another region, profile or model may not have: throttling, quotas, missing capacity. */
export const FAILOVER_KINDS: ReadonlySet<ErrorKind> = new Set<ErrorKind>([
  "throttled",
  "quota-exceeded",
  "service-unavailable",
]);

/** One step of the path; `build` makes its route when it is first needed (undefined: not usable). */
export interface FailoverStep<R extends RouteBase> {
  kind: Exclude<FailoverStepKind, "primary">;
  /** What the step is, for messages: "eu.anthropic.… in eu-central-1". */
  label: string;
  /** Why this step may be taken, for the switch message: "same model, another region in eu". */
  why: string;
  build(): Promise<R | undefined>;
}

export interface FailoverOptions {
  /** How long a switch holds before the primary is tried again. */
  cooldownMs: number;
  now?: () => number;
}

/** The name of a route for events and usage records. */
export function routeName(route: RouteBase): RouteName {
  return { model: route.sendId, region: route.region };
}

/**
 * The state of one session's failover path: which step is active, since when, and the switches the user has
 * not been told about yet (the return to the primary happens on the next call, not on a timer).
 */
export class FailoverPath<R extends RouteBase> {
  private index = -1; // -1 = the primary
  private switchedAt = 0;
  private readonly built = new Map<number, R | undefined>();
  private readonly pending: FailoverSwitch[] = [];
  private readonly now: () => number;

  constructor(
    private readonly primary: R,
    private readonly steps: readonly FailoverStep<R>[],
    private readonly options: FailoverOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** The route calls use now. */
  current(): R {
    return this.index < 0 ? this.primary : this.built.get(this.index)!;
  }

  /**
   * At the start of a call (not between its attempts): once the cooldown has passed, the primary is the
   * target again, and the switch is queued for drain().
   */
  beginCall(): void {
    if (this.index >= 0 && this.now() - this.switchedAt >= this.options.cooldownMs) {
      const from = this.built.get(this.index)!;
      this.index = -1;
      const seconds = Math.round(this.options.cooldownMs / 1000);
      this.pending.push({
        step: "primary",
        from: routeName(from),
        to: routeName(this.primary),
        reason: "cooldown",
        message: `Back to ${describe(this.primary)} after the ${seconds}s failover cooldown.`,
      });
    }
  }

  /** Switches the user has not seen yet (returns to the primary); each is handed out once. */
  drain(): FailoverSwitch[] {
    return this.pending.splice(0);
  }

  /**
   * Moves to the next usable step after `error` exhausted the retries on `from`; undefined when the error
   * is not one failover helps with or the path is used up (the caller then reports the error).
   */
  async advance(from: R, error: QuarryError): Promise<FailoverSwitch | undefined> {
    if (!FAILOVER_KINDS.has(error.kind)) return undefined;
    for (let next = this.index + 1; next < this.steps.length; next++) {
      if (!this.built.has(next)) this.built.set(next, await this.steps[next]!.build().catch(() => undefined));
      const route = this.built.get(next);
      if (route === undefined) continue;
      this.index = next;
      this.switchedAt = this.now();
      const step = this.steps[next]!;
      return {
        step: step.kind,
        from: routeName(from),
        to: routeName(route),
        reason: error.kind,
        message: `${describe(from)} is ${REASON_TEXT[error.kind] ?? error.kind} after its retries; failing over to ${describe(route)} (${step.why}).`,
      };
    }
    return undefined;
  }
}

const REASON_TEXT: Partial<Record<ErrorKind, string>> = {
  throttled: "still throttled",
  "quota-exceeded": "over its quota",
  "service-unavailable": "still out of capacity",
};

function describe(route: RouteBase): string {
  return `${route.sendId} in ${route.region}`;
}
