import type { ConverseCommandOutput, ConverseStreamCommandInput } from "@aws-sdk/client-bedrock-runtime";
import type { ConverseFeatures, ModelFamily } from "../bedrock/catalog.js";
import type { CredentialCache } from "../bedrock/credentials.js";
import { classifyBedrockError, streamCutError } from "../bedrock/errors.js";
import { converseTierFields } from "../bedrock/service-tier.js";
import type { ModelClient, WireOptions } from "../model/client.js";
import type { QuarryError } from "../model/errors.js";
import type { AssistantMessage, ProviderEvent, TurnRequest } from "../model/types.js";
import type { ModelRoute } from "./bedrock-invoke-client.js";
import { countBedrockTokens } from "./bedrock-invoke-client.js";
import { buildConverseInput } from "./converse-body.js";
import { converseStopOutcome } from "./converse-stop.js";
import { ConverseAssembler, eventsOfMessage, messageFromConverse } from "./converse-stream.js";
import { type CallLimits, callLimitsFromEnv, IdleWatchdog, stallError } from "./timeouts.js";
import { watchedStream } from "./watched-stream.js";

/** A route called over Converse: the Bedrock route plus what the model takes there. */
export interface ConverseRoute extends ModelRoute {
  converseFeatures: ConverseFeatures;
  /** Claude over Converse: thinking and betas go in additionalModelRequestFields. */
  anthropic: boolean;
  /** The catalog family: tool schemas are adapted to it (src/providers/converse-tools.ts). */
  family?: ModelFamily;
}

/**
 * Bedrock's Converse / ConverseStream (WIRE.md §4.4–4.5) on the AWS SDK client of the route's region — the
 * same credentials, HTTP handler and limits as the Invoke client (src/bedrock/clients.ts,
 * src/providers/timeouts.ts). One attempt per call; the router retries. Families that cannot stream tool
 * use get a non-streamed Converse call when the turn offers tools, replayed as events.
 */
export class ConverseClient implements ModelClient<ConverseRoute> {
  private readonly limits: CallLimits;

  /** `limits`: idle and request timeouts (src/providers/timeouts.ts); the defaults when absent. */
  constructor(
    private readonly credentials?: CredentialCache,
    limits?: CallLimits,
  ) {
    this.limits = limits ?? callLimitsFromEnv({}).limits;
  }

  async *stream(
    route: ConverseRoute,
    request: TurnRequest,
    options: WireOptions,
  ): AsyncIterable<ProviderEvent> {
    const input = inputFor(route, request, options);
    if (input.toolConfig && !route.converseFeatures.streamingToolUse) {
      const message = await this.call(route, input, request.signal);
      yield* noticeFor(route, message.notice);
      yield* eventsOfMessage(message.message);
      return;
    }
    const { ConverseStreamCommand } = await import("@aws-sdk/client-bedrock-runtime");
    const assembler = new ConverseAssembler(route.sendId);
    yield* watchedStream({
      limits: this.limits,
      signal: request.signal,
      context: route.context,
      open: async (signal) =>
        (await route.client.send(new ConverseStreamCommand(input), { abortSignal: signal })).stream,
      events: (event) => assembler.push(event),
    });
    if (!assembler.done) throw streamCutError("(the stream ended before messageStop)", route.context);
    const outcome = converseStopOutcome(assembler.rawStopReason, route.context);
    if (outcome.kind === "error") throw outcome.error;
    yield* noticeFor(route, outcome.notice);
    yield { type: "message_stop", message: assembler.message(outcome.stopReason) };
  }

  async invoke(route: ConverseRoute, request: TurnRequest, options: WireOptions): Promise<AssistantMessage> {
    return (await this.call(route, inputFor(route, request, options), request.signal)).message;
  }

  async countTokens(route: ConverseRoute, request: TurnRequest): Promise<number> {
    const { messages, system, toolConfig } = inputFor(route, request, { caching: false });
    return countBedrockTokens(route, request, this.limits, { converse: { messages, system, toolConfig } });
  }

  classify(err: unknown, route: ConverseRoute): QuarryError {
    return classifyBedrockError(err, route.context);
  }

  async refreshCredentials(): Promise<boolean> {
    if (!this.credentials) return false;
    this.credentials.invalidate();
    return this.credentials.tryAuthRefresh();
  }

  /** One non-streamed Converse call, its stop reason mapped (an error stop throws). */
  private async call(
    route: ConverseRoute,
    input: ConverseStreamCommandInput,
    signal: AbortSignal | undefined,
  ): Promise<{ message: AssistantMessage; notice?: string }> {
    const { ConverseCommand } = await import("@aws-sdk/client-bedrock-runtime");
    // A whole-body call has no events to watch: one deadline for all of it (API_TIMEOUT_MS).
    const watchdog = new IdleWatchdog(this.limits.requestMs, signal);
    let out: ConverseCommandOutput;
    try {
      out = await route.client.send(new ConverseCommand(input), { abortSignal: watchdog.signal });
    } catch (err) {
      if (watchdog.fired) throw stallError("whole-call", this.limits).withContext(route.context);
      throw err;
    } finally {
      watchdog.stop();
    }
    const { message, rawStopReason } = messageFromConverse(out, route.sendId);
    const outcome = converseStopOutcome(rawStopReason, route.context);
    if (outcome.kind === "error") throw outcome.error;
    return { message: { ...message, stopReason: outcome.stopReason }, notice: outcome.notice };
  }
}

function inputFor(
  route: ConverseRoute,
  request: TurnRequest,
  options: WireOptions,
): ConverseStreamCommandInput {
  const input = buildConverseInput(request, {
    modelId: route.sendId,
    maxTokens: request.maxTokens ?? route.defaultMaxTokens,
    caching: options.caching,
    features: route.converseFeatures,
    anthropic: route.anthropic,
    betas: route.betas,
    family: route.family,
  });
  return { ...input, ...converseRouteFields(route.invokeFields) };
}

/**
 * The guardrail and tier settings that Invoke sends as headers, in Converse's own members (`guardrailConfig`,
 * `serviceTier`, `performanceConfig`; docs/failover.md), so a guardrail holds whichever wire a model uses.
 */
export function converseRouteFields(
  fields: ConverseRoute["invokeFields"],
): Partial<ConverseStreamCommandInput> {
  if (!fields) return {};
  const { guardrailIdentifier, guardrailVersion, trace } = fields;
  return {
    ...(guardrailIdentifier && guardrailVersion
      ? {
          guardrailConfig: {
            guardrailIdentifier,
            guardrailVersion,
            ...(trace ? { trace: trace.toLowerCase() as "enabled" | "disabled" | "enabled_full" } : {}),
          },
        }
      : {}),
    ...(converseTierFields({
      serviceTier: fields.serviceTier as "priority" | "default" | "flex" | "reserved" | undefined,
      performanceConfigLatency: fields.performanceConfigLatency as "standard" | "optimized" | undefined,
    }) as Partial<ConverseStreamCommandInput>),
  };
}

function* noticeFor(_route: ConverseRoute, notice: string | undefined): Iterable<ProviderEvent> {
  if (notice) yield { type: "notice", message: notice };
}
