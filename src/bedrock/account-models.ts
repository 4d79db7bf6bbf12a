// What the account's Bedrock control plane says about its foundation models (ListFoundationModels,
// GetFoundationModel), cached on disk like the profile list (src/bedrock/profile-cache.ts). This is the
// "the API says" half of a model's capabilities; the catalog (catalog-data.ts) keeps only what the API does
// not say (prices, context windows, tool use, system prompts, cache points, reasoning). docs/providers.md,
// "Capabilities: the account and the catalog".

import type { BedrockClient } from "@aws-sdk/client-bedrock";
import { z } from "zod";
import { createRegionFileCache } from "./region-file-cache.js";

/** One foundation model as ListFoundationModels / GetFoundationModel describe it (WIRE.md §10.1–10.2). */
export interface AccountModel {
  modelId: string;
  modelName: string;
  providerName: string;
  inputModalities: string[];
  outputModalities: string[];
  /** False: the model has no streaming call (InvokeModelWithResponseStream / ConverseStream). */
  responseStreamingSupported: boolean;
  /** `ON_DEMAND`, `PROVISIONED`, `INFERENCE_PROFILE` (the live API returns the last one, WIRE.md §10.1). */
  inferenceTypesSupported: string[];
  /** `modelLifecycle.status`: `ACTIVE` or `LEGACY`. */
  lifecycle: string;
}

const accountModelSchema = z.object({
  modelId: z.string().min(1),
  modelName: z.string(),
  providerName: z.string(),
  inputModalities: z.array(z.string()),
  outputModalities: z.array(z.string()),
  responseStreamingSupported: z.boolean(),
  inferenceTypesSupported: z.array(z.string()),
  lifecycle: z.string(),
});

/** A summary as the SDK returns it (every field optional in the service model). */
interface SdkSummary {
  modelId?: string;
  modelName?: string;
  providerName?: string;
  inputModalities?: string[];
  outputModalities?: string[];
  responseStreamingSupported?: boolean;
  inferenceTypesSupported?: string[];
  modelLifecycle?: { status?: string };
}

/**
 * The API's summary in Quarry's shape. A missing `responseStreamingSupported` counts as streaming (the
 * field is optional in the service model and every text model streams); missing lists stay empty.
 */
export function accountModelOf(s: SdkSummary): AccountModel | undefined {
  if (!s.modelId) return undefined;
  return {
    modelId: s.modelId,
    modelName: s.modelName ?? s.modelId,
    providerName: s.providerName ?? "",
    inputModalities: [...(s.inputModalities ?? [])],
    outputModalities: [...(s.outputModalities ?? [])],
    responseStreamingSupported: s.responseStreamingSupported !== false,
    inferenceTypesSupported: [...(s.inferenceTypesSupported ?? [])],
    lifecycle: s.modelLifecycle?.status ?? "ACTIVE",
  };
}

/** ListFoundationModels (no pagination, WIRE.md §10.1) through the connection's control-plane client. */
export async function fetchAccountModels(client: BedrockClient): Promise<AccountModel[]> {
  const { ListFoundationModelsCommand } = await import("@aws-sdk/client-bedrock");
  const out = await client.send(new ListFoundationModelsCommand({}));
  return (out.modelSummaries ?? []).flatMap((s) => accountModelOf(s) ?? []);
}

/** GetFoundationModel for one model; undefined when the region does not have it (404). */
export async function fetchAccountModel(
  client: BedrockClient,
  modelId: string,
): Promise<AccountModel | undefined> {
  const { GetFoundationModelCommand } = await import("@aws-sdk/client-bedrock");
  try {
    const out = await client.send(new GetFoundationModelCommand({ modelIdentifier: modelId }));
    return out.modelDetails ? accountModelOf(out.modelDetails) : undefined;
  } catch (err) {
    if ((err as { name?: string }).name === "ResourceNotFoundException") return undefined;
    throw err;
  }
}

/** Options for {@link createAccountModelCache}. */
export interface AccountModelCacheOptions {
  /** Directory for cache files (the profile cache's). */
  dir: string;
  ttlMs: number;
  /** Distinguishes endpoints, AWS profiles and auth modes sharing the directory. */
  key?: string;
  now?: () => number;
  /** Calls ListFoundationModels in `region`. */
  fetch: (region: string) => Promise<AccountModel[]>;
}

/** What the cache holds for a region, and whether it is within its TTL. */
export interface CachedAccountModels {
  models: AccountModel[];
  fresh: boolean;
  fetchedAt: number;
}

/** A cached ListFoundationModels. */
export interface AccountModelCache {
  /** The disk copy only (never the network): for start-up, which must not wait on a round trip. */
  peek(region: string): Promise<CachedAccountModels | undefined>;
  /** The fresh cache, else a fetch (stored); a failed fetch falls back to a stale copy. Single flight. */
  list(region: string): Promise<AccountModel[]>;
  /** Always fetches (and stores); single flight with {@link list}. For `quarry models` and background refresh. */
  refresh(region: string): Promise<AccountModel[]>;
  pathFor(region: string): string;
}

/** A disk-backed, single-flight cache around a ListFoundationModels fetcher (atomic writes, corrupt = absent). */
export function createAccountModelCache(options: AccountModelCacheOptions): AccountModelCache {
  const inFlight = new Map<string, Promise<AccountModel[]>>();
  const file = createRegionFileCache({
    dir: options.dir,
    name: "foundation-models",
    key: options.key,
    ttlMs: options.ttlMs,
    now: options.now,
    field: "models",
    schema: z.array(accountModelSchema),
  });

  async function fetchAndStore(
    region: string,
    fallback: AccountModel[] | undefined,
  ): Promise<AccountModel[]> {
    try {
      const models = await options.fetch(region);
      await file.write(region, models);
      return models;
    } catch (error) {
      if (fallback) return fallback;
      throw error;
    }
  }

  function single(region: string, run: () => Promise<AccountModel[]>): Promise<AccountModel[]> {
    const pending = inFlight.get(region);
    if (pending) return pending;
    const promise = run().finally(() => inFlight.delete(region));
    inFlight.set(region, promise);
    return promise;
  }

  return {
    pathFor: file.pathFor,
    async peek(region) {
      const c = await file.read(region);
      return c && { models: c.value, fresh: c.fresh, fetchedAt: c.fetchedAt };
    },
    list(region) {
      return single(region, async () => {
        const cached = await file.read(region);
        if (cached?.fresh) return cached.value;
        return fetchAndStore(region, cached?.value);
      });
    },
    refresh(region) {
      return single(region, async () => fetchAndStore(region, (await file.read(region))?.value));
    },
  };
}
