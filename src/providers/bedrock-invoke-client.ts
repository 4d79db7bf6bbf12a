import type {
  BedrockRuntimeClient,
  CountTokensInput,
  InvokeModelWithResponseStreamCommandInput,
} from "@aws-sdk/client-bedrock-runtime";
import type { CredentialCache } from "../bedrock/credentials.js";
import { classifyBedrockError, streamCutError, streamNotEventStreamError } from "../bedrock/errors.js";
import type { GuardrailChoice } from "../bedrock/guardrail.js";
import { describeIntervention, type GuardrailVerdict, intervened } from "../bedrock/guardrail-trace.js";
import type { ModelClient, RouteBase, WireOptions } from "../model/client.js";
import type { QuarryError } from "../model/errors.js";
import type { AssistantMessage, ProviderEvent, TurnRequest } from "../model/types.js";
import { buildInvokeBody, stripCacheControl } from "./anthropic-body.js";
import { type AnthropicStreamEvent, messageFromBody, StreamAssembler } from "./stream-assembler.js";
import { type CallLimits, callLimitsFromEnv, IdleWatchdog, stallError } from "./timeouts.js";
import { watchedStream } from "./watched-stream.js";

/** One resolved model, ready to call: what the resolver decided plus the client for its region. */
export interface ModelRoute extends RouteBase {
  /** The foundation model behind it (CountTokens accepts only these). */
  foundationModelId: string;
  client: BedrockRuntimeClient;
  /** max_tokens to ask for when the request does not say. */
  defaultMaxTokens: number;
  betas?: string[];
  /** The guardrail requests carry, to explain an intervention (src/bedrock/guardrail.ts). */
  guardrail?: GuardrailChoice;
  /** Header members of InvokeModel*: guardrail, trace, service tier, latency (src/bedrock/service-tier.ts). */
  invokeFields?: InvokeFields;
}

/** The InvokeModel header members Quarry sets besides the body. */
export type InvokeFields = Partial<
  Pick<
    InvokeModelWithResponseStreamCommandInput,
    "guardrailIdentifier" | "guardrailVersion" | "trace" | "serviceTier" | "performanceConfigLatency"
  >
>;

const EVENT_STREAM = "application/vnd.amazon.eventstream";

/**
 * Anthropic Messages over Bedrock's InvokeModel / InvokeModelWithResponseStream: the wire half of the Bedrock
 * provider. One attempt per call; roles, fallbacks and retries are the router's (src/model/router.ts).
 */
export class BedrockInvokeClient implements ModelClient<ModelRoute> {
  private readonly instrumented = new WeakSet<BedrockRuntimeClient>();
  private readonly limits: CallLimits;

  /** `limits`: idle and request timeouts (src/providers/timeouts.ts); the defaults when absent. */
  /** Receives the explanation of a guardrail intervention on a non-streaming call (streams yield a notice). */
  onIntervention?: (message: string) => void;

  constructor(
    private readonly credentials?: CredentialCache,
    limits?: CallLimits,
  ) {
    this.limits = limits ?? callLimitsFromEnv({}).limits;
  }

  async *stream(route: ModelRoute, request: TurnRequest, options: WireOptions): AsyncIterable<ProviderEvent> {
    const { InvokeModelWithResponseStreamCommand } = await import("@aws-sdk/client-bedrock-runtime");
    this.instrument(route.client);
    const command = new InvokeModelWithResponseStreamCommand({
      ...route.invokeFields,
      modelId: route.sendId,
      contentType: "application/json",
      accept: "application/json",
      body: bodyFor(route, request, options),
    });
    const assembler = new StreamAssembler();
    const decoder = new TextDecoder();
    yield* watchedStream({
      limits: this.limits,
      signal: request.signal,
      context: route.context,
      open: async (signal) => (await route.client.send(command, { abortSignal: signal })).body,
      *events(item) {
        if (!item.chunk?.bytes) return;
        const event = JSON.parse(decoder.decode(item.chunk.bytes)) as AnthropicStreamEvent;
        for (const out of assembler.push(event)) {
          // A guardrail's verdict rides on the last event: say what it blocked before the turn ends.
          if (out.type === "message_stop" && intervened(event as GuardrailVerdict))
            yield {
              type: "notice",
              message: interventionNotice(event as GuardrailVerdict, route, out.message),
            };
          yield out;
        }
      },
    });
    if (!assembler.done) throw streamCutError("(the stream ended before message_stop)", route.context);
  }

  async invoke(route: ModelRoute, request: TurnRequest, options: WireOptions): Promise<AssistantMessage> {
    const { InvokeModelCommand } = await import("@aws-sdk/client-bedrock-runtime");
    // A whole-body call has no events to watch: one deadline for all of it (API_TIMEOUT_MS).
    const watchdog = new IdleWatchdog(this.limits.requestMs, request.signal);
    try {
      const out = await route.client.send(
        new InvokeModelCommand({
          ...route.invokeFields,
          modelId: route.sendId,
          contentType: "application/json",
          accept: "application/json",
          body: bodyFor(route, request, options),
        }),
        { abortSignal: watchdog.signal },
      );
      const body = JSON.parse(new TextDecoder().decode(out.body));
      const message = messageFromBody(body);
      if (intervened(body)) this.onIntervention?.(interventionNotice(body, route, message));
      return message;
    } catch (err) {
      if (watchdog.fired) throw stallError("whole-call", this.limits).withContext(route.context);
      throw err;
    } finally {
      watchdog.stop();
    }
  }

  async countTokens(route: ModelRoute, request: TurnRequest): Promise<number> {
    const body = buildInvokeBody(request, { maxTokens: 1, caching: false });
    return countBedrockTokens(route, request, this.limits, {
      invokeModel: { body: new TextEncoder().encode(JSON.stringify(body)) },
    });
  }

  classify(err: unknown, route: ModelRoute): QuarryError {
    return classifyBedrockError(err, route.context);
  }

  async refreshCredentials(): Promise<boolean> {
    if (!this.credentials) return false;
    this.credentials.invalidate();
    return this.credentials.tryAuthRefresh();
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

function interventionNotice(verdict: GuardrailVerdict, route: ModelRoute, message: AssistantMessage): string {
  const text = message.content.flatMap((b) => (b.type === "text" ? [b.text] : [])).join("");
  return describeIntervention(verdict, route.guardrail, text);
}

function bodyFor(route: ModelRoute, request: TurnRequest, options: WireOptions): Uint8Array {
  const body = buildInvokeBody(request, {
    maxTokens: request.maxTokens ?? route.defaultMaxTokens,
    caching: options.caching,
    betas: route.betas,
  });
  return new TextEncoder().encode(JSON.stringify(options.caching ? body : stripCacheControl(body)));
}

/** A rough token count (about 4 characters per token) for when CountTokens is unavailable. */
export function estimateTokens(request: TurnRequest): number {
  const text = JSON.stringify([request.system ?? "", request.messages, request.tools ?? []]);
  return Math.ceil(text.length / 4);
}

/**
 * Bedrock's CountTokens for either wire's input (the caller builds it). Counting is advisory (context meter,
 * compaction trigger) and most non-Claude models cannot count: an estimate stands in whenever it fails.
 */
export async function countBedrockTokens(
  route: ModelRoute,
  request: TurnRequest,
  limits: CallLimits,
  input: CountTokensInput,
): Promise<number> {
  const watchdog = new IdleWatchdog(limits.streamIdleMs, request.signal);
  try {
    const { CountTokensCommand } = await import("@aws-sdk/client-bedrock-runtime");
    const out = await route.client.send(new CountTokensCommand({ modelId: route.foundationModelId, input }), {
      abortSignal: watchdog.signal,
    });
    return out.inputTokens ?? estimateTokens(request);
  } catch {
    return estimateTokens(request);
  } finally {
    watchdog.stop();
  }
}
