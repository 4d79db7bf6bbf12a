import type { ModelCapabilities } from "../bedrock/catalog.js";
import { QuarryError } from "../bedrock/errors.js";
import type { ResolvedModel } from "../bedrock/resolver.js";
import type { ModelClient, WireOptions } from "../model/client.js";
import type { AssistantMessage, ProviderEvent, TurnRequest } from "../model/types.js";
import type { BedrockInvokeClient } from "./bedrock-invoke-client.js";
import { CLAUDE_CONVERSE_FEATURES } from "./converse-body.js";
import type { ConverseClient, ConverseRoute } from "./converse-client.js";

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

/** Calls each route over its wire; the router sees one client. */
export class WireClient implements ModelClient<WireRoute> {
  constructor(private readonly clients: { invoke: BedrockInvokeClient; converse: ConverseClient }) {}

  stream(route: WireRoute, request: TurnRequest, options: WireOptions): AsyncIterable<ProviderEvent> {
    return this.clients[route.wire].stream(route, request, options);
  }

  invoke(route: WireRoute, request: TurnRequest, options: WireOptions): Promise<AssistantMessage> {
    return this.clients[route.wire].invoke(route, request, options);
  }

  countTokens(route: WireRoute, request: TurnRequest): Promise<number> {
    return this.clients[route.wire].countTokens(route, request);
  }

  classify(err: unknown, route: WireRoute): QuarryError {
    return this.clients[route.wire].classify(err, route);
  }

  /** Both clients share the connection's credential cache: one refresh serves either. */
  refreshCredentials(): Promise<boolean> {
    return this.clients.invoke.refreshCredentials();
  }
}
