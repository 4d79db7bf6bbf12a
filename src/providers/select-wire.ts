import type { ModelCapabilities } from "../bedrock/catalog.js";
import { QuarryError } from "../bedrock/errors.js";
import type { ResolvedModel } from "../bedrock/resolver.js";
import type { ModelClient, WireOptions } from "../model/client.js";
import type { AssistantMessage, ProviderEvent, TurnRequest } from "../model/types.js";
import { type AccountFacts, withoutImages } from "./account-facts.js";
import type { BedrockInvokeClient } from "./bedrock-invoke-client.js";
import { CLAUDE_CONVERSE_FEATURES } from "./converse-body.js";
import type { ConverseClient, ConverseRoute } from "./converse-client.js";
import { eventsOfMessage } from "./converse-stream.js";

/**
 * Which API each model is called over (docs/providers.md): the one place that decides, so a new wire
 * (another API, another provider) is one more case here and one more client in {@link WireClient}.
 */
export type Wire = "invoke" | "converse";

/** The `claudeWire` setting's values. */
export const CLAUDE_WIRES = ["invoke", "converse"] as const;

/** A route that knows its wire. */
export interface WireRoute extends ConverseRoute {
  wire: Wire;
  /** What the account's ListFoundationModels says (src/providers/account-facts.ts); set after start-up. */
  account?: AccountFacts;
}

/**
 * Claude models go over Invoke (the Anthropic Messages body, full feature parity) unless `claudeWire` says
 * converse; every other family only speaks Converse. Throws for a bad `claudeWire` value.
 */
export function selectWire(resolved: ResolvedModel, claudeWire: string | undefined): Wire {
  if (claudeWire !== undefined && !(CLAUDE_WIRES as readonly string[]).includes(claudeWire)) {
    throw new QuarryError({
      kind: "bad-request",
      rawMessage: "",
      explanation: `claudeWire "${claudeWire}" is not a Bedrock API Quarry speaks.`,
      fix: 'set claudeWire (or QUARRY_CLAUDE_WIRE) to "invoke" or "converse", or remove it',
      retryable: false,
    });
  }
  if (!isClaude(resolved)) return "converse";
  return claudeWire === "converse" ? "converse" : "invoke";
}

/** True for Anthropic models (and ARNs that hide their model: Quarry assumes Claude there, as before). */
export function isClaude(resolved: ResolvedModel): boolean {
  const fm = resolved.foundationModelId;
  return fm === undefined || fm === "" || fm.startsWith("anthropic.");
}

/** Wire fields of a route for `resolved`; throws when the model cannot run Quarry's agent (no tool use). */
export function wireFields(
  resolved: ResolvedModel,
  claudeWire: string | undefined,
  role: "main" | "small",
): Pick<WireRoute, "wire" | "anthropic" | "converseFeatures" | "family"> {
  if (role === "main" && !resolved.capabilities.toolUse) {
    throw new QuarryError({
      kind: "bad-request",
      rawMessage: "",
      model: resolved.sendId,
      region: resolved.region,
      explanation: `${resolved.capabilities.displayName} (${resolved.sendId}) takes no tools on Bedrock, and Quarry's agent works through tools.`,
      fix: "use a model with tool use as the main model; `quarry models` lists them",
      retryable: false,
    });
  }
  return {
    wire: selectWire(resolved, claudeWire),
    anthropic: isClaude(resolved),
    ...converseTraits(resolved.capabilities),
    ...(resolved.capabilities.family ? { family: resolved.capabilities.family } : {}),
  };
}

/** The Converse traits of a model: the catalog's, or Claude's (everything on). */
export function converseTraits(caps: ModelCapabilities): Pick<ConverseRoute, "converseFeatures"> {
  return { converseFeatures: caps.converseFeatures ?? CLAUDE_CONVERSE_FEATURES };
}

/** Bedrock's refusal of a streaming call to a model whose responseStreamingSupported is false (text: inferred). */
function refusesStreaming(err: unknown): boolean {
  const e = (err ?? {}) as { name?: string; message?: string; awsType?: string; rawMessage?: string };
  const type = e.awsType ?? e.name;
  return type === "ValidationException" && /unsupported for streaming/i.test(e.rawMessage || e.message || "");
}

/**
 * Calls each route over its wire; the router sees one client. The account's facts on a route
 * (src/providers/account-facts.ts) apply to every wire here: a refused model throws its fix, a model that does
 * not stream gets the non-streamed call replayed as events, and image blocks are replaced by a note for a
 * model that takes none (said once per route).
 */
export class WireClient implements ModelClient<WireRoute> {
  private readonly toldNoImages = new WeakSet<WireRoute>();

  constructor(private readonly clients: { invoke: BedrockInvokeClient; converse: ConverseClient }) {}

  async *stream(route: WireRoute, request: TurnRequest, options: WireOptions): AsyncIterable<ProviderEvent> {
    const { request: adapted, dropped } = this.adapt(route, request);
    if (dropped > 0 && !this.toldNoImages.has(route)) {
      this.toldNoImages.add(route);
      yield {
        type: "notice",
        message: `${route.sendId} takes no image input in ${route.region} (ListFoundationModels): images are sent as a note saying they were left out. Use a model that takes images to show them.`,
      };
    }
    const client = this.clients[route.wire];
    if (route.account?.streaming === false) {
      // responseStreamingSupported: false — the whole answer in one call, replayed as the stream's events.
      yield* eventsOfMessage(await client.invoke(route, adapted, options));
      return;
    }
    let started = false;
    try {
      for await (const event of client.stream(route, adapted, options)) {
        started = true;
        yield event;
      }
    } catch (err) {
      // Before the account's list is cached, a model that does not stream says so on the first call: switch
      // this route to the non-streamed call for the session, once, without a retry round.
      if (started || !refusesStreaming(err)) throw err;
      route.account = { streaming: false, images: route.account?.images ?? true };
      yield {
        type: "notice",
        message: `${route.sendId} does not stream in ${route.region}; Quarry uses the non-streamed call for it this session.`,
      };
      yield* eventsOfMessage(await client.invoke(route, adapted, options));
    }
  }

  invoke(route: WireRoute, request: TurnRequest, options: WireOptions): Promise<AssistantMessage> {
    try {
      return this.clients[route.wire].invoke(route, this.adapt(route, request).request, options);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  countTokens(route: WireRoute, request: TurnRequest): Promise<number> {
    try {
      return this.clients[route.wire].countTokens(route, this.adapt(route, request).request);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  classify(err: unknown, route: WireRoute): QuarryError {
    return this.clients[route.wire].classify(err, route);
  }

  /** Both clients share the connection's credential cache: one refresh serves either. */
  refreshCredentials(): Promise<boolean> {
    return this.clients.invoke.refreshCredentials();
  }

  private adapt(route: WireRoute, request: TurnRequest): { request: TurnRequest; dropped: number } {
    if (route.account?.refusal) throw route.account.refusal;
    if (route.account?.images === false) return withoutImages(request, route.sendId);
    return { request, dropped: 0 };
  }
}
