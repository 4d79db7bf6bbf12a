import type { BedrockRuntimeClient } from "@aws-sdk/client-bedrock-runtime";
import type { CredentialCache } from "../bedrock/credentials.js";
import { classifyBedrockError, streamCutError, streamNotEventStreamError } from "../bedrock/errors.js";
import type { ModelClient, RouteBase, WireOptions } from "../model/client.js";
import type { QuarryError } from "../model/errors.js";
import type { AssistantMessage, ProviderEvent, TurnRequest } from "../model/types.js";
import { buildInvokeBody, stripCacheControl } from "./anthropic-body.js";
import { type AnthropicStreamEvent, messageFromBody, StreamAssembler } from "./stream-assembler.js";

/** One resolved model, ready to call: what the resolver decided plus the client for its region. */
export interface ModelRoute extends RouteBase {
  /** The foundation model behind it (CountTokens accepts only these). */
  foundationModelId: string;
  client: BedrockRuntimeClient;
  /** max_tokens to ask for when the request does not say. */
  defaultMaxTokens: number;
  betas?: string[];
}

const EVENT_STREAM = "application/vnd.amazon.eventstream";

/**
 * Anthropic Messages over Bedrock's InvokeModel / InvokeModelWithResponseStream: the wire half of the Bedrock
 * provider. One attempt per call; roles, fallbacks and retries are the router's (src/model/router.ts).
 */
export class BedrockInvokeClient implements ModelClient<ModelRoute> {
  private readonly instrumented = new WeakSet<BedrockRuntimeClient>();

  constructor(private readonly credentials?: CredentialCache) {}

  async *stream(route: ModelRoute, request: TurnRequest, options: WireOptions): AsyncIterable<ProviderEvent> {
    const { InvokeModelWithResponseStreamCommand } = await import("@aws-sdk/client-bedrock-runtime");
    this.instrument(route.client);
    const command = new InvokeModelWithResponseStreamCommand({
      modelId: route.sendId,
      contentType: "application/json",
      accept: "application/json",
      body: bodyFor(route, request, options),
    });
    const response = await route.client.send(command, { abortSignal: request.signal });
    const decoder = new TextDecoder();
    const assembler = new StreamAssembler();
    for await (const item of response.body ?? []) {
      if (!item.chunk?.bytes) continue;
      const event = JSON.parse(decoder.decode(item.chunk.bytes)) as AnthropicStreamEvent;
      yield* assembler.push(event);
    }
    if (!assembler.done) throw streamCutError("(the stream ended before message_stop)", route.context);
  }

  async invoke(route: ModelRoute, request: TurnRequest, options: WireOptions): Promise<AssistantMessage> {
    const { InvokeModelCommand } = await import("@aws-sdk/client-bedrock-runtime");
    const out = await route.client.send(
      new InvokeModelCommand({
        modelId: route.sendId,
        contentType: "application/json",
        accept: "application/json",
        body: bodyFor(route, request, options),
      }),
      { abortSignal: request.signal },
    );
    return messageFromBody(JSON.parse(new TextDecoder().decode(out.body)));
  }

  async countTokens(route: ModelRoute, request: TurnRequest): Promise<number> {
    try {
      const { CountTokensCommand } = await import("@aws-sdk/client-bedrock-runtime");
      const body = buildInvokeBody(request, { maxTokens: 1, caching: false });
      const out = await route.client.send(
        new CountTokensCommand({
          modelId: route.foundationModelId,
          input: { invokeModel: { body: new TextEncoder().encode(JSON.stringify(body)) } },
        }),
        { abortSignal: request.signal },
      );
      return out.inputTokens ?? estimateTokens(request);
    } catch {
      // Counting is advisory (context meter, compaction trigger): an estimate is good enough when it fails.
      return estimateTokens(request);
    }
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
