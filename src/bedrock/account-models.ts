// What the account's Bedrock control plane says about its foundation models (ListFoundationModels,
// GetFoundationModel), cached on disk like the profile list (src/bedrock/profile-cache.ts). This is the
// "the API says" half of a model's capabilities; the catalog (catalog-data.ts) keeps only what the API does
// not say (prices, context windows, tool use, system prompts, cache points, reasoning). docs/providers.md,
// "Capabilities: the account and the catalog".

import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { BedrockClient } from "@aws-sdk/client-bedrock";
import { z } from "zod";

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

const cacheFileSchema = z.object({
  version: z.literal(1),
  region: z.string(),
  fetchedAt: z.number(),
  models: z.array(accountModelSchema),
});

type CacheFile = z.infer<typeof cacheFileSchema>;

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

const safe = (value: string): string => value.replace(/[^A-Za-z0-9_.-]/g, "_");

/** A disk-backed, single-flight cache around a ListFoundationModels fetcher (atomic writes, corrupt = absent). */
export function createAccountModelCache(options: AccountModelCacheOptions): AccountModelCache {
  const now = options.now ?? Date.now;
  const key = safe(options.key ?? "default");
  const inFlight = new Map<string, Promise<AccountModel[]>>();
  const pathFor = (region: string) => join(options.dir, `foundation-models-${key}-${safe(region)}.json`);

  async function readCache(region: string): Promise<CacheFile | undefined> {
    try {
      const parsed = cacheFileSchema.safeParse(JSON.parse(await readFile(pathFor(region), "utf8")));
      return parsed.success && parsed.data.region === region ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  async function writeCache(region: string, models: AccountModel[]): Promise<void> {
    const file = pathFor(region);
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    const body: CacheFile = { version: 1, region, fetchedAt: now(), models };
    try {
      await mkdir(options.dir, { recursive: true });
      await writeFile(tmp, `${JSON.stringify(body)}\n`, { mode: 0o600 });
      await rename(tmp, file); // atomic on one file system: readers never see half a file
    } catch {
      await rm(tmp, { force: true }).catch(() => {});
    }
  }

  const isFresh = (c: CacheFile) => {
    const age = now() - c.fetchedAt;
    return age >= 0 && age < options.ttlMs; // a timestamp from the future counts as stale
  };

  async function fetchAndStore(region: string, fallback: CacheFile | undefined): Promise<AccountModel[]> {
    try {
      const models = await options.fetch(region);
      await writeCache(region, models);
      return models;
    } catch (error) {
      if (fallback) return fallback.models;
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
    pathFor,
    async peek(region) {
      const c = await readCache(region);
      return c && { models: c.models, fresh: isFresh(c), fetchedAt: c.fetchedAt };
    },
    list(region) {
      return single(region, async () => {
        const cached = await readCache(region);
        if (cached && isFresh(cached)) return cached.models;
        return fetchAndStore(region, cached);
      });
    },
    refresh(region) {
      return single(region, async () => fetchAndStore(region, await readCache(region)));
    },
  };
}
