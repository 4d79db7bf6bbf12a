import {
  aliasTarget,
  findByAnthropicName,
  findCatalogEntry,
  isModelAlias,
  lookupModel,
} from "../bedrock/catalog.js";
import { parseModelId } from "../bedrock/model-id.js";
import type { ResolvedModel } from "../bedrock/resolver.js";
import type { Settings } from "../config/index.js";
import { catalogOverrideValues } from "../config/index.js";
import { QuarryError } from "../model/errors.js";
import type { ModelRole } from "../model/types.js";

/** What the user asked a role to use, for a Messages-API provider. */
export interface MessagesModelRequest {
  requested: string;
  role: ModelRole;
  /** Where the setting came from, for error messages ("ANTHROPIC_MODEL"). */
  source?: string;
  region: string;
  settings: Settings;
  announce?: (message: string) => void;
}

/** Mantle's form of a Bedrock foundation-model ID: the same name without the `-v1:0` version suffix. */
export function mantleModelId(foundationModelId: string): string {
  return foundationModelId.replace(/-v\d+(:\d+)?$/, "");
}

/** An alias's pinned or catalog target (ANTHROPIC_DEFAULT_SONNET_MODEL and friends first). */
export function aliasOrPin(requested: string, settings: Settings): string {
  if (!isModelAlias(requested)) return requested;
  const pin = settings.modelPins[requested as keyof typeof settings.modelPins]?.value;
  return pin ?? aliasTarget(requested);
}

/**
 * Resolves a model for Bedrock's Mantle endpoint, which takes bare model IDs (anthropic.claude-sonnet-4-5)
 * and has no inference profiles: a `us.`/`eu.`/`global.` profile ID or an ARN is refused with the bare ID to
 * use instead (docs/decisions/0022-mantle-and-anthropic-api.md), a versioned Bedrock ID loses its suffix with
 * a note, an Anthropic API name gains the `anthropic.` prefix.
 */
export function resolveMantleModel(request: MessagesModelRequest): ResolvedModel {
  const { region, settings } = request;
  const requested = aliasOrPin(request.requested, settings);
  const parsed = parseModelId(requested);
  const fail = (explanation: string, fix: string) =>
    new QuarryError({
      kind: "invalid-model-id",
      model: request.requested,
      modelSource: request.source,
      region,
      rawMessage: "",
      explanation,
      fix,
      retryable: false,
    });
  if (parsed.kind === "system-profile") {
    const bare = mantleModelId(parsed.foundationModelId);
    throw fail(
      `"${requested}" is a Bedrock cross-region inference profile; Bedrock's Mantle endpoint takes bare model IDs (no ${parsed.geo}. prefix).`,
      `Set ${request.source ?? "ANTHROPIC_MODEL"}=${bare}, or use the profile on Bedrock's Invoke endpoint (--provider bedrock).`,
    );
  }
  if (parsed.kind === "arn" || requested.startsWith("arn:")) {
    throw fail(
      `"${requested}" is an ARN; Bedrock's Mantle endpoint takes bare model IDs such as anthropic.claude-sonnet-4-5.`,
      `Set ${request.source ?? "ANTHROPIC_MODEL"} to a bare model ID, or use the ARN with --provider bedrock.`,
    );
  }
  let sendId = requested;
  const entry = findCatalogEntry(requested) ?? findByAnthropicName(requested);
  if (entry) sendId = mantleModelId(entry.id);
  else if (/^claude-/.test(requested)) sendId = `anthropic.${requested}`;
  else sendId = mantleModelId(requested);
  if (sendId !== requested && !isModelAlias(request.requested)) {
    request.announce?.(`Mantle takes bare model IDs: using ${sendId} for "${requested}".`);
  }
  const foundationModelId = entry?.id ?? sendId;
  return messagesModel(request, sendId, lookupModel(foundationModelId, catalogOverrideValues(settings)));
}

/** A Messages-API model as the session sees a resolved model: sent as is, no profile, no 1M suffix. */
export function messagesModel(
  request: MessagesModelRequest,
  sendId: string,
  capabilities: ResolvedModel["capabilities"],
): ResolvedModel {
  return {
    requested: request.requested,
    role: request.role,
    sendId,
    region: request.region,
    kind: "foundation-model",
    foundationModelId: capabilities.foundationModelId,
    capabilities,
    oneMillionContext: false,
    notes: [],
  };
}
