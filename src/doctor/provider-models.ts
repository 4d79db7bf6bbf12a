import type { BedrockConnection } from "../bedrock/connection.js";
import type { Settings } from "../config/index.js";
import { QuarryError } from "../model/errors.js";
import { classifyMessagesApiError } from "../providers/anthropic-api-errors.js";
import { createAnthropicApiSdk } from "../providers/anthropic-api-sdk.js";
import { createMantleSdk, mantleBaseUrl } from "../providers/mantle-sdk.js";
import { callLimitsFromEnv } from "../providers/timeouts.js";

/**
 * The model lists of the two Messages-API providers for `quarry models` (docs/providers.md, "quarry models"):
 * Mantle's `GET /v1/models` at the endpoint root (OpenAI-shaped; the `/anthropic` surface has no models
 * resource, per the Mantle SDK) and the Anthropic API's `GET /v1/models` through `@anthropic-ai/sdk`.
 * Quarry calls both over Anthropic Messages, so only Claude models are rows; failures become notes.
 */
export interface ListedModel {
  id: string;
  name: string;
  vendor: string;
}

export interface ProviderListing {
  models: ListedModel[];
  notes: string[];
}

/** Mantle's root URL: the configured Messages base URL without its `/anthropic` path. */
export function mantleRootUrl(connection: BedrockConnection, region: string): string {
  return mantleBaseUrl(connection, region).replace(/\/anthropic\/?$/, "");
}

/** Mantle's model list in `region`; the Claude models as rows, the rest counted in a note. */
export async function listMantleModels(
  connection: BedrockConnection,
  region: string,
): Promise<ProviderListing> {
  const root = mantleRootUrl(connection, region);
  try {
    const sdk = (await createMantleSdk(
      connection,
      region,
      callLimitsFromEnv(connection.env).limits,
      root,
    )) as unknown as { get<T>(path: string): PromiseLike<T> };
    const out = await sdk.get<{ data?: { id?: string; owned_by?: string }[] }>("/v1/models");
    const all = (out.data ?? []).filter((m): m is { id: string; owned_by?: string } => !!m.id);
    const claude = all.filter((m) => m.id.startsWith("anthropic."));
    const notes =
      all.length > claude.length
        ? [
            `Mantle also serves ${all.length - claude.length} model(s) over its OpenAI-compatible API only (${all
              .filter((m) => !m.id.startsWith("anthropic."))
              .map((m) => m.id)
              .join(", ")}); Quarry calls Mantle over Anthropic Messages, so they are not listed.`,
          ]
        : [];
    return {
      models: claude.map((m) => ({ id: m.id, name: m.id, vendor: m.owned_by ?? "anthropic" })),
      notes,
    };
  } catch (err) {
    const e = classifyMessagesApiError(err, "mantle", { region, model: "its model list" });
    return {
      models: [],
      notes: [
        `Mantle's models were not listed (${root}/v1/models): ${e.explanation} Fix: ${e.fix} (or unset CLAUDE_CODE_USE_MANTLE / ANTHROPIC_BEDROCK_MANTLE_BASE_URL if you do not use Mantle).`,
      ],
    };
  }
}

/** The Anthropic API's models (all pages) through the unmodified SDK's `models.list`. */
export async function listAnthropicApiModels(
  settings: Settings,
  env: NodeJS.ProcessEnv,
): Promise<ProviderListing> {
  let host = settings.anthropicBaseUrl?.value ?? "https://api.anthropic.com";
  try {
    const api = await createAnthropicApiSdk(settings, callLimitsFromEnv(env).limits);
    host = api.host;
    const sdk = api.sdk as unknown as {
      models: { list(params: { limit: number }): AsyncIterable<{ id: string; display_name?: string }> };
    };
    const models: ListedModel[] = [];
    for await (const m of sdk.models.list({ limit: 100 })) {
      models.push({ id: m.id, name: m.display_name ?? m.id, vendor: "Anthropic" });
    }
    return { models, notes: [] };
  } catch (err) {
    const e = err instanceof QuarryError ? err : classifyMessagesApiError(err, "anthropic", { region: host });
    return {
      models: [],
      notes: [`The Anthropic API's models were not listed (${host}): ${e.explanation} Fix: ${e.fix}`],
    };
  }
}
