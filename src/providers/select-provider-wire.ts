import { PROVIDERS, type Provider } from "../config/schema.js";

/** The wire formats of each provider; each has one ModelClient. Within Bedrock, ./select-wire.ts picks Invoke or Converse per model (docs/providers.md). */
export type ProviderWire = "bedrock-invoke" | "mantle-messages" | "anthropic-messages";

/**
 * The one place that decides which wire a model is called over, from its provider (and, for Bedrock, the
 * model). Kept small on purpose: every provider or model family that needs another wire adds a case here.
 */
export function selectProviderWire(provider: Provider, _modelId: string): ProviderWire {
  switch (provider) {
    case "mantle":
      return "mantle-messages";
    case "anthropic":
      return "anthropic-messages";
    case "bedrock":
      return "bedrock-invoke";
  }
}

/**
 * Splits a `provider:` prefix off a model setting (`bedrock:haiku`, `anthropic:claude-sonnet-4-6`), the way a
 * role is put on another provider than the session's (docs/decisions/0022-mantle-and-anthropic-api.md).
 * ARNs (`arn:…`) and Bedrock's `…-v1:0` suffixes have no provider name before their first colon.
 */
export function splitProviderPrefix(model: string): { provider?: Provider; model: string } {
  const colon = model.indexOf(":");
  const head = colon < 0 ? "" : model.slice(0, colon).toLowerCase();
  return (PROVIDERS as readonly string[]).includes(head)
    ? { provider: head as Provider, model: model.slice(colon + 1) }
    : { model };
}
