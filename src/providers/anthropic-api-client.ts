import type { ModelClient, RouteBase, WireOptions } from "../model/client.js";
import type { QuarryError } from "../model/errors.js";
import type { AssistantMessage, ProviderEvent, TurnRequest } from "../model/types.js";
import { classifyMessagesApiError, type MessagesApiWire, messagesStreamCut } from "./anthropic-api-errors.js";
import { buildInvokeBody, stripCacheControl } from "./anthropic-body.js";
import { estimateTokens } from "./bedrock-invoke-client.js";
import { type AnthropicStreamEvent, messageFromBody, StreamAssembler } from "./stream-assembler.js";
import { type CallLimits, callLimitsFromEnv, IdleWatchdog, stallError } from "./timeouts.js";
import { watchedStream } from "./watched-stream.js";

/**
 * The part of an Anthropic SDK client this wire uses: `Anthropic` (the Anthropic API, gateways) and
 * `AnthropicBedrockMantle` (Bedrock's Mantle endpoint) both have it, so one wire client serves both.
 */
export interface MessagesSdk {
  messages: {
    // biome-ignore lint/suspicious/noExplicitAny: the SDK's overloads differ by version; bodies are built here.
    create(body: any, options?: { signal?: AbortSignal; headers?: Record<string, string> }): PromiseLike<any>;
    // biome-ignore lint/suspicious/noExplicitAny: as above.
    countTokens?(body: any, options?: { signal?: AbortSignal }): PromiseLike<{ input_tokens: number }>;
  };
}

/** One resolved model on a Messages-API wire (the Anthropic API or Mantle). */
export interface MessagesRoute extends RouteBase {
  wire: MessagesApiWire;
  sdk: MessagesSdk;
  /** max_tokens to ask for when the request does not say. */
  defaultMaxTokens: number;
  /** Betas sent as the `anthropic-beta` header (the Messages API takes them there, not in the body). */
  betas?: string[];
}

/**
 * Anthropic Messages over the SDK's own HTTP client, for the Anthropic API and for Mantle. One attempt per
 * call: the SDK's retries are off (maxRetries 0, set where the SDK is built) so the router's retry policy is
 * the only one (src/model/router.ts).
 */
export class MessagesApiClient implements ModelClient<MessagesRoute> {
  private readonly limits: CallLimits;

  /** `refresh`: re-reads AWS credentials (Mantle); absent for the Anthropic API, whose key cannot expire. */
  constructor(
    limits?: CallLimits,
    private readonly refresh?: () => Promise<boolean>,
  ) {
    this.limits = limits ?? callLimitsFromEnv({}).limits;
  }

  async *stream(
    route: MessagesRoute,
    request: TurnRequest,
    options: WireOptions,
  ): AsyncIterable<ProviderEvent> {
    const assembler = new StreamAssembler();
    yield* watchedStream({
      limits: this.limits,
      signal: request.signal,
      context: route.context,
      open: async (signal) =>
        (await route.sdk.messages.create(
          { ...bodyFor(route, request, options), stream: true },
          { signal, headers: headersFor(route) },
        )) as AsyncIterable<AnthropicStreamEvent>,
      events: (event) => assembler.push(event),
    });
    if (!assembler.done) throw messagesStreamCut(route.wire, route.context);
  }

  async invoke(route: MessagesRoute, request: TurnRequest, options: WireOptions): Promise<AssistantMessage> {
    const watchdog = new IdleWatchdog(this.limits.requestMs, request.signal);
    try {
      const body = await route.sdk.messages.create(bodyFor(route, request, options), {
        signal: watchdog.signal,
        headers: headersFor(route),
      });
      return messageFromBody(body);
    } catch (err) {
      if (watchdog.fired) throw stallError("whole-call", this.limits).withContext(route.context);
      throw err;
    } finally {
      watchdog.stop();
    }
  }

  async countTokens(route: MessagesRoute, request: TurnRequest): Promise<number> {
    const count = route.sdk.messages.countTokens;
    if (!count) return estimateTokens(request);
    try {
      const body = bodyFor(route, request, { caching: false });
      delete body.max_tokens;
      const out = await count.call(route.sdk.messages, body, { signal: request.signal });
      return out.input_tokens;
    } catch {
      // Counting is advisory (context meter, compaction trigger): an estimate is good enough when it fails.
      return estimateTokens(request);
    }
  }

  classify(err: unknown, route: MessagesRoute): QuarryError {
    return classifyMessagesApiError(err, route.wire, route.context);
  }

  async refreshCredentials(): Promise<boolean> {
    return this.refresh ? this.refresh() : false;
  }
}

/** The Messages body: the Invoke body with `model` added and the Bedrock-only fields taken out. */
function bodyFor(route: MessagesRoute, request: TurnRequest, options: WireOptions): Record<string, unknown> {
  const invoke = buildInvokeBody(request, {
    maxTokens: request.maxTokens ?? route.defaultMaxTokens,
    caching: options.caching,
  });
  const { anthropic_version: _version, ...rest } = options.caching ? invoke : stripCacheControl(invoke);
  return { model: route.sendId, ...rest };
}

function headersFor(route: MessagesRoute): Record<string, string> | undefined {
  return route.betas?.length ? { "anthropic-beta": route.betas.join(",") } : undefined;
}
