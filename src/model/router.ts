import { setTimeout as sleep } from "node:timers/promises";
import type { ModelClient, RouteBase } from "./client.js";
import { QuarryError } from "./errors.js";
import { DEFAULT_RETRY_POLICY, nextRetryDelay, type RetryPolicy } from "./retry.js";
import type {
  AssistantMessage,
  CallOptions,
  ModelProvider,
  ModelRole,
  ProviderEvent,
  TurnRequest,
} from "./types.js";

/** The routes and policies one session's model calls go through. */
export interface ModelRouterOptions<R extends RouteBase> {
  /** The wire client that calls a route (Bedrock Invoke, …). */
  client: ModelClient<R>;
  main: R;
  /** The small/fast model for side tasks; the main model when absent. */
  side?: R;
  /** Caching wanted by the settings (DISABLE_PROMPT_CACHING turns it off). */
  caching: boolean;
  retry?: RetryPolicy;
  random?: () => number;
  /** Receives notices from non-streaming calls (streaming calls yield them as events). */
  onNotice?: (message: string) => void;
}

/** Side-model failures that will not fix themselves within a session: fall back to the main model. */
const SIDE_FALLBACK_KINDS = new Set([
  "model-not-enabled",
  "invalid-model-id",
  "iam-denied",
  "needs-inference-profile",
  "region-profile-mismatch",
  "use-case-required",
  "marketplace-agreement",
]);

/**
 * Routes a session's model calls: which model each role uses, the side model replaced by the main model once
 * it is denied, caching turned off once the service refuses it, credentials refreshed once on expiry, and
 * bounded, visible retries of transient failures (a cut stream is retried as a whole streamed request — never
 * silently re-run without streaming, which would bill twice). The wire format is the client's.
 */
export class ModelRouter<R extends RouteBase = RouteBase> implements ModelProvider {
  private readonly cachingRefused = new Set<string>();
  private sideFailure: QuarryError | undefined;
  private readonly policy: RetryPolicy;

  constructor(private readonly options: ModelRouterOptions<R>) {
    this.policy = options.retry ?? DEFAULT_RETRY_POLICY;
  }

  /** The same client and policies with another main model (a subagent whose file names its own model). */
  withMain(main: R): ModelRouter<R> {
    return new ModelRouter({ ...this.options, main });
  }

  /** Set once the side model was denied; the warning the user saw. */
  get sideModelFallback(): QuarryError | undefined {
    return this.sideFailure;
  }

  async *streamTurn(request: TurnRequest, options: CallOptions = {}): AsyncIterable<ProviderEvent> {
    const role = options.role ?? "main";
    const started = Date.now();
    const call: CallState = { refreshed: false };
    let attempt = 0;
    for (;;) {
      const route = this.routeFor(role);
      attempt++;
      try {
        yield* this.options.client.stream(route, request, { caching: this.cachingFor(route) });
        return;
      } catch (err) {
        const decision = await this.onFailure(err, route, role, attempt, started, request.signal, call);
        for (const event of decision.events) yield event;
        if (decision.resetAttempts) attempt = 0;
      }
    }
  }

  async complete(request: TurnRequest, options: CallOptions = {}): Promise<AssistantMessage> {
    const role = options.role ?? "small";
    const started = Date.now();
    const call: CallState = { refreshed: false };
    let attempt = 0;
    for (;;) {
      const route = this.routeFor(role);
      attempt++;
      try {
        return await this.options.client.invoke(route, request, { caching: this.cachingFor(route) });
      } catch (err) {
        const decision = await this.onFailure(err, route, role, attempt, started, request.signal, call);
        for (const event of decision.events)
          if (event.type === "notice") this.options.onNotice?.(event.message);
        if (decision.resetAttempts) attempt = 0;
      }
    }
  }

  async countTokens(request: TurnRequest, options: CallOptions = {}): Promise<number> {
    return this.options.client.countTokens(this.routeFor(options.role ?? "main"), request);
  }

  /** Which route a role uses right now: side tasks go to the main model once the side model was denied. */
  private routeFor(role: ModelRole): R {
    if (role === "main" || role === "subagent") return this.options.main;
    if (this.sideFailure || !this.options.side) return this.options.main;
    return this.options.side;
  }

  private cachingFor(route: R): boolean {
    return this.options.caching && route.promptCaching && !this.cachingRefused.has(routeKey(route));
  }

  /**
   * Decides what happens after a failed attempt: adapt and retry at once (caching refused, side model denied,
   * credentials refreshed), back off and retry (transient), or throw the classified error.
   */
  private async onFailure(
    err: unknown,
    route: R,
    role: ModelRole,
    attempt: number,
    started: number,
    signal: AbortSignal | undefined,
    call: CallState,
  ): Promise<{ events: ProviderEvent[]; resetAttempts: boolean }> {
    if (signal?.aborted) throw err;
    const error = this.classify(err, route);
    if (error.kind === "caching-unsupported" && this.cachingFor(route)) {
      this.cachingRefused.add(routeKey(route));
      const message = `Prompt caching is not available for ${route.sendId} in ${route.region}; continuing without it for this session.`;
      return { events: [{ type: "notice", message }], resetAttempts: false };
    }
    if (
      role !== "main" &&
      role !== "subagent" &&
      route !== this.options.main &&
      SIDE_FALLBACK_KINDS.has(error.kind)
    ) {
      this.sideFailure = error;
      const message = `Side-task model ${route.sendId} is unavailable in ${route.region}${route.context.identity ? ` for ${route.context.identity}` : ""}: ${error.explanation} Using the main model ${this.options.main.sendId} for side tasks this session. Fix: ${error.fix}`;
      return { events: [{ type: "notice", message }], resetAttempts: true };
    }
    // One refresh per call: an endpoint that keeps answering "expired" (or a refresh command that does not
    // fix the credentials) must end with the error, not run the command again and again.
    if (error.kind === "expired-credentials" && this.options.client.refreshCredentials && !call.refreshed) {
      call.refreshed = true;
      if (await this.options.client.refreshCredentials()) return { events: [], resetAttempts: false };
    }
    const delay = nextRetryDelay(this.policy, error, attempt, Date.now() - started, this.options.random);
    if (delay === undefined) throw error;
    await sleep(delay, undefined, { signal });
    return { events: [{ type: "retry", attempt, delayMs: delay, error }], resetAttempts: false };
  }

  private classify(err: unknown, route: R): QuarryError {
    return err instanceof QuarryError
      ? err.withContext(route.context)
      : this.options.client.classify(err, route);
  }
}

/** What one call (a streamed turn, a completion) has already tried across its attempts. */
interface CallState {
  refreshed: boolean;
}

function routeKey(route: RouteBase): string {
  return `${route.region}/${route.sendId}`;
}
