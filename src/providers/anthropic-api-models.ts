import { findByAnthropicName, findCatalogEntry, isModelAlias, lookupModel } from "../bedrock/catalog.js";
import { parseModelId } from "../bedrock/model-id.js";
import type { ResolvedModel } from "../bedrock/resolver.js";
import { catalogOverrideValues } from "../config/index.js";
import { aliasOrPin, type MessagesModelRequest, messagesModel } from "./mantle-models.js";

/**
 * Resolves a model for the Anthropic API: aliases (and their pins) become the catalog's Anthropic name
 * (claude-sonnet-4-6), a Bedrock ID the catalog knows is translated with a note, anything else is sent as
 * given and the API's 404 explains it.
 */
export function resolveAnthropicApiModel(request: MessagesModelRequest): ResolvedModel {
  const { settings } = request;
  const requested = aliasOrPin(request.requested, settings);
  const parsed = parseModelId(requested);
  const bedrockId =
    parsed.kind === "foundation-model" || parsed.kind === "system-profile"
      ? parsed.foundationModelId
      : undefined;
  const entry = findByAnthropicName(requested) ?? (bedrockId ? findCatalogEntry(bedrockId) : undefined);
  const sendId = entry && !entry.anthropicNames.includes(requested) ? entry.anthropicNames[0]! : requested;
  if (bedrockId && sendId !== requested && !isModelAlias(request.requested)) {
    request.announce?.(`The Anthropic API takes Anthropic model names: using ${sendId} for "${requested}".`);
  }
  const capabilities = entry
    ? lookupModel(entry.id, catalogOverrideValues(settings))
    : { ...lookupModel(sendId, catalogOverrideValues(settings)), promptCaching: true };
  return messagesModel(request, sendId, capabilities);
}
