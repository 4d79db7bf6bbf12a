import { setTimeout as sleep } from "node:timers/promises";
import type { BedrockRuntimeClient } from "@aws-sdk/client-bedrock-runtime";
import type { CredentialCache } from "../bedrock/credentials.js";
import {
  classifyBedrockError,
  type FailureContext,
  QuarryError,
  streamCutError,
  streamNotEventStreamError,
} from "../bedrock/errors.js";
import { buildInvokeBody, stripCacheControl } from "./anthropic-body.js";
import { DEFAULT_RETRY_POLICY, nextRetryDelay, type RetryPolicy } from "./retry.js";
import { type AnthropicStreamEvent, messageFromBody, StreamAssembler } from "./stream-assembler.js";
import { type CallLimits, callLimitsFromEnv, IdleWatchdog, type StallPhase, stallError } from "./timeouts.js";
import type {
  AssistantMessage,
  CallOptions,
  ModelProvider,
  ModelRole,
  ProviderEvent,
  TurnRequest,
} from "./types.js";

/** One resolved model, ready to call: what the resolver decided plus the client for its region. */
export interface ModelRoute {
  /** The exact ID to put in the path. */
  sendId: string;
  /** The foundation model behind it (CountTokens accepts only these). */
  foundationModelId: string;
  region: string;
  client: BedrockRuntimeClient;
  /** max_tokens to ask for when the request does not say. */
  defaultMaxTokens: number;
  promptCaching: boolean;
  betas?: string[];
  context: FailureContext;
}

export interface BedrockInvokeOptions {
  main: ModelRoute;
  /** The small/fast model for side tasks; the main model when absent. */
  side?: ModelRoute;
  /** Caching wanted by the settings (DISABLE_PROMPT_CACHING turns it off). */
  caching: boolean;
  retry?: RetryPolicy;
  /** Idle and request timeouts (src/providers/timeouts.ts); defaults when absent. */
  limits?: CallLimits;
  credentials?: CredentialCache;
  random?: () => number;
  /** Receives notices from non-streaming calls (streaming calls yield them as events). */
  onNotice?: (message: string) => void;
}

const EVENT_STREAM = "application/vnd.amazon.eventstream";
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
 * Anthropic Messages over Bedrock's InvokeModel / InvokeModelWithResponseStream. Owns the session-level
 * adaptations: caching turned off once Bedrock refuses it, the side model replaced by the main model once it
 * is denied, and bounded, visible retries of transient failures (a cut stream is retried as a whole streamed
 * request — never silently re-run without streaming, which would bill twice).
 */
export class BedrockInvokeProvider implements ModelProvider {
  private readonly cachingRefused = new Set<string>();
  private sideFailure: QuarryError | undefined;
  private readonly policy: RetryPolicy;
  private readonly limits: CallLimits;
  private readonly instrumented = new WeakSet<BedrockRuntimeClient>();

  constructor(private readonly options: BedrockInvokeOptions) {
    this.policy = options.retry ?? options.limits?.retry ?? DEFAULT_RETRY_POLICY;
    this.limits = { ...(options.limits ?? callLimitsFromEnv({}).limits), retry: this.policy };
  }

  /** Set once the side model was denied; the warning the user saw. */
  get sideModelFallback(): QuarryError | undefined {
    return this.sideFailure;
  }

  async *streamTurn(request: TurnRequest, options: CallOptions = {}): AsyncIterable<ProviderEvent> {
    const role = options.role ?? "main";
    const started = Date.now();
    let attempt = 0;
    for (;;) {
      const route = this.routeFor(role);
      attempt++;
      const assembler = new StreamAssembler();
      try {
        yield* this.streamOnce(route, request, assembler);
        if (!assembler.done) {
          throw streamCutError("(the stream ended before message_stop)", route.context);
        }
        return;
      } catch (err) {
        const decision = await this.onFailure(err, route, role, attempt, started, request.signal);
        for (const event of decision.events) yield event;
        if (decision.resetAttempts) attempt = 0;
      }
    }
  }

  async complete(request: TurnRequest, options: CallOptions = {}): Promise<AssistantMessage> {
    const role = options.role ?? "small";
    const started = Date.now();
    let attempt = 0;
    for (;;) {
      const route = this.routeFor(role);
      attempt++;
      try {
        return await this.invokeOnce(route, request);
      } catch (err) {
        const decision = await this.onFailure(err, route, role, attempt, started, request.signal);
        for (const event of decision.events)
          if (event.type === "notice") this.options.onNotice?.(event.message);
        if (decision.resetAttempts) attempt = 0;
      }
    }
  }

  async countTokens(request: TurnRequest, options: CallOptions = {}): Promise<number> {
    const route = this.routeFor(options.role ?? "main");
    const watchdog = new IdleWatchdog(this.limits.streamIdleMs, request.signal);
    try {
      const { CountTokensCommand } = await import("@aws-sdk/client-bedrock-runtime");
      const body = buildInvokeBody(request, { maxTokens: 1, caching: false });
      const out = await route.client.send(
        new CountTokensCommand({
          modelId: route.foundationModelId,
          input: { invokeModel: { body: new TextEncoder().encode(JSON.stringify(body)) } },
        }),
        { abortSignal: watchdog.signal },
      );
      return out.inputTokens ?? estimateTokens(request);
    } catch {
      // Counting is advisory (context meter, compaction trigger): an estimate is good enough when it fails.
      return estimateTokens(request);
    } finally {
      watchdog.stop();
    }
  }

  /** Which route a role uses right now: side tasks go to the main model once the side model was denied. */
  private routeFor(role: ModelRole): ModelRoute {
    if (role === "main" || role === "subagent") return this.options.main;
    if (this.sideFailure || !this.options.side) return this.options.main;
    return this.options.side;
  }

  private cachingFor(route: ModelRoute): boolean {
    return this.options.caching && route.promptCaching && !this.cachingRefused.has(routeKey(route));
  }

  private bodyFor(route: ModelRoute, request: TurnRequest): Uint8Array {
    const body = buildInvokeBody(request, {
      maxTokens: request.maxTokens ?? route.defaultMaxTokens,
      caching: this.cachingFor(route),
      betas: route.betas,
    });
    return new TextEncoder().encode(JSON.stringify(this.cachingFor(route) ? body : stripCacheControl(body)));
  }

  private async *streamOnce(
    route: ModelRoute,
    request: TurnRequest,
    assembler: StreamAssembler,
  ): AsyncIterable<ProviderEvent> {
    const { InvokeModelWithResponseStreamCommand } = await import("@aws-sdk/client-bedrock-runtime");
    this.instrument(route.client);
    const command = new InvokeModelWithResponseStreamCommand({
      modelId: route.sendId,
      contentType: "application/json",
      accept: "application/json",
      body: this.bodyFor(route, request),
    });
    // The idle timer runs from the send: a stall before the headers, after them or mid-event all end here.
    const watchdog = new IdleWatchdog(this.limits.streamIdleMs, request.signal);
    let phase: StallPhase = "before-headers";
    try {
      const response = await route.client.send(command, { abortSignal: watchdog.signal });
      phase = "before-events";
      watchdog.touch();
      const decoder = new TextDecoder();
      for await (const item of response.body ?? []) {
        watchdog.touch();
        if (!item.chunk?.bytes) continue;
        const event = JSON.parse(decoder.decode(item.chunk.bytes)) as AnthropicStreamEvent;
        for (const out of assembler.push(event)) {
          if (out.type === "tool_use_start") phase = "mid-tool-call";
          else if (out.type === "block_stop" || phase === "before-events") phase = "mid-text";
          yield out;
        }
      }
    } catch (err) {
      if (watchdog.fired) throw stallError(phase, this.limits).withContext(route.context);
      throw err;
    } finally {
      watchdog.stop();
    }
    // Over some transports an aborted body just ends (no error): the timer says why it ended.
    if (watchdog.fired) throw stallError(phase, this.limits).withContext(route.context);
  }

  private async invokeOnce(route: ModelRoute, request: TurnRequest): Promise<AssistantMessage> {
    const { InvokeModelCommand } = await import("@aws-sdk/client-bedrock-runtime");
    // A whole-body call has no events to watch: one deadline for all of it (API_TIMEOUT_MS).
    const watchdog = new IdleWatchdog(this.limits.requestMs, request.signal);
    try {
      const out = await route.client.send(
        new InvokeModelCommand({
          modelId: route.sendId,
          contentType: "application/json",
          accept: "application/json",
          body: this.bodyFor(route, request),
        }),
        { abortSignal: watchdog.signal },
      );
      return messageFromBody(JSON.parse(new TextDecoder().decode(out.body)));
    } catch (err) {
      if (watchdog.fired) throw stallError("whole-call", this.limits).withContext(route.context);
      throw err;
    } finally {
      watchdog.stop();
    }
  }

  /**
   * Decides what happens after a failed attempt: adapt and retry at once (caching refused, side model denied,
   * credentials refreshed), back off and retry (transient), or throw the classified error.
   */
  private async onFailure(
    err: unknown,
    route: ModelRoute,
    role: ModelRole,
    attempt: number,
    started: number,
    signal: AbortSignal | undefined,
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
    if (error.kind === "expired-credentials" && this.options.credentials) {
      this.options.credentials.invalidate();
      if (await this.options.credentials.tryAuthRefresh()) return { events: [], resetAttempts: false };
    }
    const delay = nextRetryDelay(this.policy, error, attempt, Date.now() - started, this.options.random);
    if (delay === undefined) throw error;
    await sleep(delay, undefined, { signal });
    return { events: [{ type: "retry", attempt, delayMs: delay, error }], resetAttempts: false };
  }

  private classify(err: unknown, route: ModelRoute): QuarryError {
    return err instanceof QuarryError
      ? err.withContext(route.context)
      : classifyBedrockError(err, route.context);
  }

  /**
   * Watches raw responses so a stream that is not an AWS event stream (a proxy re-encoded it) is reported as
   * such, instead of the decoder's bare "Truncated event message received".
   */
  private instrument(client: BedrockRuntimeClient): void {
    if (this.instrumented.has(client)) return;
    this.instrumented.add(client);
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        const response = result.response as { statusCode?: number; headers?: Record<string, string> };
        const contentType = response.headers?.["content-type"];
        if (
          context.commandName === "InvokeModelWithResponseStreamCommand" &&
          response.statusCode === 200 &&
          !(contentType ?? "").includes(EVENT_STREAM)
        ) {
          throw streamNotEventStreamError(contentType, {});
        }
        return result;
      },
      { step: "deserialize", priority: "low", name: "quarryEventStreamContentTypeCheck" },
    );
  }
}

function routeKey(route: ModelRoute): string {
  return `${route.region}/${route.sendId}`;
}

/** A rough token count (about 4 characters per token) for when CountTokens is unavailable. */
export function estimateTokens(request: TurnRequest): number {
  const text = JSON.stringify([request.system ?? "", request.messages, request.tools ?? []]);
  return Math.ceil(text.length / 4);
}
