import { setTimeout as sleep } from "node:timers/promises";
import type { ModelClient, RouteBase, WireOptions } from "./client.js";
import { QuarryError } from "./errors.js";
import { type FailoverPath, routeName } from "./failover.js";
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
  /**
   * The small/fast model for side tasks; the main model when absent. A function when it is resolved on first
   * need: main-model calls never wait for it, the first side call does (start-up sends the first turn
   * without it). It resolves to undefined when the side model cannot be used.
   */
  side?: R | (() => Promise<R | undefined>);
  /** Caching wanted by the settings (DISABLE_PROMPT_CACHING turns it off). */
  caching: boolean;
  retry?: RetryPolicy;
  random?: () => number;
  /** Receives notices from non-streaming calls (streaming calls yield them as events). */
  onNotice?: (message: string) => void;
  /** Where the main model's calls move when it stays throttled (src/model/failover.ts); none = no failover. */
  failover?: FailoverPath<R>;
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
  private side: R | undefined;
  private sideLater: (() => Promise<R | undefined>) | undefined;

  constructor(private readonly options: ModelRouterOptions<R>) {
    this.policy = options.retry ?? DEFAULT_RETRY_POLICY;
    if (typeof options.side === "function") this.sideLater = options.side;
    else this.side = options.side;
  }

  /** Resolves a lazily given side model on the first side call; one that fails means the main model. */
  private async settleSide(): Promise<void> {
    const later = this.sideLater;
    if (!later) return;
    this.side = await later().catch(() => undefined);
    this.sideLater = undefined;
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
    const { client } = this.options;
    yield* this.attempts(options.role ?? "main", request.signal, async function* (route, wire) {
      for await (const event of client.stream(route, request, wire)) {
        // The message says which route served it: usage is recorded per model and region (failover).
        yield event.type === "message_stop"
          ? { ...event, message: { ...event.message, servedBy: routeName(route) } }
          : event;
      }
    });
  }

  async complete(request: TurnRequest, options: CallOptions = {}): Promise<AssistantMessage> {
    const { client } = this.options;
    // biome-ignore lint/correctness/useYield: one whole-body attempt has no events; the shared loop takes a generator.
    const calls = this.attempts(options.role ?? "small", request.signal, async function* (route, wire) {
      const message = await client.invoke(route, request, wire);
      return { ...message, servedBy: routeName(route) };
    });
    for (;;) {
      const next = await calls.next();
      if (next.done) return next.value;
      if (next.value.type === "notice") this.options.onNotice?.(next.value.message);
      else if (next.value.type === "failover") this.options.onNotice?.(next.value.message);
    }
  }

  /**
   * The one retry loop both call shapes share: one attempt per route choice, then adapt, back off, fail over
   * or throw (onFailure). Events of the decisions are yielded between attempts.
   */
  private async *attempts<T>(
    role: ModelRole,
    signal: AbortSignal | undefined,
    once: (route: R, wire: WireOptions) => AsyncGenerator<ProviderEvent, T>,
  ): AsyncGenerator<ProviderEvent, T> {
    const call: CallState = { refreshed: false, attempt: 0, started: Date.now() };
    // Main-model turns decide the return to the primary (and report it); side calls follow whatever is current.
    const mainCall = role === "main" || role === "subagent";
    if (mainCall) this.options.failover?.beginCall();
    if (!mainCall) await this.settleSide();
    for (;;) {
      const route = this.routeFor(role);
      if (mainCall)
        for (const change of this.options.failover?.drain() ?? []) yield { type: "failover", ...change };
      call.attempt++;
      try {
        return yield* once(route, { caching: this.cachingFor(route) });
      } catch (err) {
        for (const event of await this.onFailure(err, route, role, signal, call)) yield event;
      }
    }
  }

  async countTokens(request: TurnRequest, options: CallOptions = {}): Promise<number> {
    const role = options.role ?? "main";
    if (role !== "main" && role !== "subagent") await this.settleSide();
    return this.options.client.countTokens(this.routeFor(role), request);
  }

  /** Which route a role uses right now: side tasks go to the main model once the side model was denied. */
  private routeFor(role: ModelRole): R {
    const main = this.options.failover?.current() ?? this.options.main;
    if (role === "main" || role === "subagent") return main;
    if (this.sideFailure || !this.side) return main;
    return this.side;
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
    signal: AbortSignal | undefined,
    call: CallState,
  ): Promise<ProviderEvent[]> {
    if (signal?.aborted) throw err;
    const error = this.classify(err, route);
    if (error.kind === "caching-unsupported" && this.cachingFor(route)) {
      this.cachingRefused.add(routeKey(route));
      const message = `Prompt caching is not available for ${route.sendId} in ${route.region}; continuing without it for this session.`;
      return [{ type: "notice", message }];
    }
    if (
      role !== "main" &&
      role !== "subagent" &&
      route === this.side &&
      SIDE_FALLBACK_KINDS.has(error.kind)
    ) {
      this.sideFailure = error;
      const message = `Side-task model ${route.sendId} is unavailable in ${route.region}${route.context.identity ? ` for ${route.context.identity}` : ""}: ${error.explanation} Using the main model ${this.options.main.sendId} for side tasks this session. Fix: ${error.fix}`;
      call.attempt = 0;
      return [{ type: "notice", message }];
    }
    // One refresh per call: an endpoint that keeps answering "expired" (or a refresh command that does not
    // fix the credentials) must end with the error, not run the command again and again.
    if (error.kind === "expired-credentials" && this.options.client.refreshCredentials && !call.refreshed) {
      call.refreshed = true;
      if (await this.options.client.refreshCredentials()) return [];
    }
    const { attempt, started } = call;
    const delay = nextRetryDelay(this.policy, error, attempt, Date.now() - started, this.options.random);
    if (delay === undefined) {
      // The retry budget of this target is spent: the next step of the failover path gets a fresh one.
      const change = route !== this.side ? await this.options.failover?.advance(route, error) : undefined;
      if (!change) throw error;
      call.attempt = 0;
      call.started = Date.now();
      return [{ type: "failover", ...change }];
    }
    await sleep(delay, undefined, { signal });
    return [{ type: "retry", attempt, delayMs: delay, error }];
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
  /** Attempts on the current target (reset when the target changes). */
  attempt: number;
  started: number;
}

function routeKey(route: RouteBase): string {
  return `${route.region}/${route.sendId}`;
}
