import type { BedrockConnection } from "../bedrock/connection.js";
import type { ModelPrice, ModelProvider, ModelRole } from "../model/types.js";
import { type BedrockSession, routeFor } from "../providers/create-bedrock.js";
import { wireFields } from "../providers/select-wire.js";
import { guardProvider, type SecretRegistry } from "../secrets/index.js";

/** The model a subagent talks to when it is not its parent's: a provider and what the loop needs to know. */
export interface AgentModel {
  provider: ModelProvider;
  /** The model ID as sent (usage is reported under it). */
  name: string;
  contextWindow: number;
  price?: ModelPrice;
  thinking?: { budget: number; mode: "enabled" | "adaptive" };
}

/** A subagent's `model` (file or call) → its model; undefined = the parent's model. Throws a QuarryError. */
export type AgentModelResolver = (requested: string | undefined) => Promise<AgentModel | undefined>;

/**
 * Resolves subagent models through the session's one resolver (docs/decisions/0003-model-resolver.md):
 * `inherit` or nothing = the parent's model; `haiku` = the session's side model, through the same router, so a
 * denied side model falls back to the main model with the router's one warning (never a second copy of that
 * logic); anything else is resolved as the `subagent` role and called over the session's client.
 */
export function createAgentModels(o: {
  /** Absent when no role is on Bedrock (the Anthropic API alone): other models then mean the parent's. */
  connection: BedrockConnection | undefined;
  bedrock: BedrockSession;
  secrets: SecretRegistry;
  /** MAX_THINKING_TOKENS, applied where the subagent's model thinks. */
  thinkingBudget?: number;
}): AgentModelResolver {
  const { bedrock } = o;
  const cache = new Map<string, Promise<AgentModel | undefined>>();
  const thinking = (mode: "none" | "enabled" | "adaptive") =>
    o.thinkingBudget && mode !== "none" ? { budget: o.thinkingBudget, mode } : undefined;
  const resolve = async (requested: string): Promise<AgentModel | undefined> => {
    if (requested === "haiku") {
      // No side model (it did not resolve: the start-up warning said so) or already denied: the parent's.
      const side = await bedrock.resolveSide();
      if (!side || bedrock.provider.sideModelFallback) return undefined;
      return {
        provider: guardProvider(onRole(bedrock.provider, "small"), o.secrets),
        name: side.sendId,
        contextWindow: side.capabilities.contextWindow,
        price: side.capabilities.price,
        thinking: thinking(side.capabilities.thinking),
      };
    }
    const connection = o.connection;
    if (!connection) return undefined;
    const resolved = await connection.resolve("subagent", requested);
    if (resolved.sendId === bedrock.main.sendId) return undefined;
    const route = {
      ...(await routeFor(connection, "subagent", resolved)),
      // Over its own wire: a Nova subagent under a Claude parent speaks Converse.
      ...wireFields(resolved, connection.settings.claudeWire?.value, "main"),
    };
    return {
      provider: guardProvider(bedrock.provider.withMain(route), o.secrets),
      name: resolved.sendId,
      contextWindow: resolved.capabilities.contextWindow,
      price: resolved.capabilities.price,
      thinking: thinking(resolved.capabilities.thinking),
    };
  };
  return async (requested) => {
    const key = requested?.trim();
    if (!key || key === "inherit") return undefined;
    let found = cache.get(key);
    if (!found) {
      found = resolve(key);
      cache.set(key, found);
      found.catch(() => cache.delete(key)); // a failure is reported each time, not remembered
    }
    return found;
  };
}

/** The provider with its main-role turns sent as another role (a haiku subagent's turns go to the side model). */
function onRole(provider: ModelProvider, role: ModelRole): ModelProvider {
  const as = (r: ModelRole | undefined) => (r === undefined || r === "main" ? role : r);
  return {
    streamTurn: (request, options) => provider.streamTurn(request, { ...options, role: as(options?.role) }),
    complete: (request, options) => provider.complete(request, options),
    countTokens: (request, options) => provider.countTokens(request, { ...options, role: as(options?.role) }),
  };
}
