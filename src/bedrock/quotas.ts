import { z } from "zod";
import { findCatalogEntry } from "./catalog.js";
import type { BedrockConnection } from "./connection.js";
import { classifyBedrockError } from "./errors.js";
import { createRegionFileCache, type RegionFileCache } from "./region-file-cache.js";
import type { ResolvedModel } from "./resolver.js";

/**
 * The account's applied Bedrock quotas (Service Quotas, service code `bedrock`) and what they mean for
 * max_tokens. Bedrock reserves input + max_tokens against the tokens-per-minute quota when a request starts
 * and settles after it ends (docs/quotas.md), so a max_tokens near the quota throttles before a word is
 * written. Doctor and the session share this module; each connection reads the quotas once per region.
 */

/** One applied quota. */
export interface AppliedQuota {
  code: string;
  name: string;
  value: number;
  adjustable: boolean;
}

/** What reading the quotas gave: the list, or why it could not be read (never an exception). */
export type QuotaRead = { ok: true; quotas: AppliedQuota[] } | { ok: false; denied: boolean; reason: string };

/** A model's tokens-per-minute quota and which kind of call it governs. */
export interface ModelQuota {
  quota: AppliedQuota;
  scope: "on-demand" | "cross-region" | "global";
}

/** Input tokens assumed per request when judging concurrency (a coding agent's system prompt and tools). */
export const ASSUMED_INPUT_TOKENS = 20_000;
const PAGE_LIMIT = 20;
const cache = new WeakMap<BedrockConnection, Map<string, Promise<QuotaRead>>>();

/** How long an account's quota list is trusted on disk: quotas change on a request, rarely within hours. */
export const QUOTA_CACHE_TTL_MS = 12 * 60 * 60 * 1000;

const quotaFiles = new WeakMap<BedrockConnection, RegionFileCache<AppliedQuota[]>>();

/** The connection's quota file cache (beside the inference-profile list, same account key). */
function quotaFile(connection: BedrockConnection): RegionFileCache<AppliedQuota[]> {
  let file = quotaFiles.get(connection);
  if (!file) {
    file = createRegionFileCache({
      dir: connection.cacheDir,
      name: "service-quotas",
      key: connection.cacheKey,
      ttlMs: QUOTA_CACHE_TTL_MS,
      field: "quotas",
      schema: z.array(
        z.object({ code: z.string(), name: z.string(), value: z.number(), adjustable: z.boolean() }),
      ),
    });
    quotaFiles.set(connection, file);
  }
  return file;
}

/** The quota list cached on disk for a region, when it is younger than the TTL (read synchronously). */
export function cachedQuotas(connection: BedrockConnection, region: string): AppliedQuota[] | undefined {
  const entry = quotaFile(connection).readSync(region);
  return entry?.fresh ? entry.value : undefined;
}

/**
 * Reads every Bedrock quota in a region once per connection: from the disk cache while it is fresh, else from
 * Service Quotas (then cached). Denied or unreachable becomes `ok: false` and is not cached.
 */
export function readQuotas(connection: BedrockConnection, region: string): Promise<QuotaRead> {
  let byRegion = cache.get(connection);
  if (!byRegion) {
    byRegion = new Map();
    cache.set(connection, byRegion);
  }
  let read = byRegion.get(region);
  if (!read) {
    const cached = cachedQuotas(connection, region);
    read = cached
      ? Promise.resolve({ ok: true as const, quotas: cached })
      : fetchQuotas(connection, region).then(async (r) => {
          if (r.ok) await quotaFile(connection).write(region, r.quotas);
          return r;
        });
    byRegion.set(region, read);
  }
  return read;
}

async function fetchQuotas(connection: BedrockConnection, region: string): Promise<QuotaRead> {
  // Service Quotas takes SigV4 only: API keys and gateway setups without auth cannot ask.
  if (connection.auth.kind !== "sigv4")
    return {
      ok: false,
      denied: false,
      reason: `Service Quotas needs AWS credentials (auth is ${connection.auth.kind})`,
    };
  try {
    const { ListServiceQuotasCommand } = await import("@aws-sdk/client-service-quotas");
    const client = await connection.serviceQuotas(region);
    const quotas: AppliedQuota[] = [];
    let token: string | undefined;
    for (let page = 0; page < PAGE_LIMIT; page++) {
      const out = await client.send(
        new ListServiceQuotasCommand({ ServiceCode: "bedrock", MaxResults: 100, NextToken: token }),
      );
      for (const q of out.Quotas ?? []) {
        if (q.QuotaCode && q.QuotaName && typeof q.Value === "number")
          quotas.push({
            code: q.QuotaCode,
            name: q.QuotaName,
            value: q.Value,
            adjustable: q.Adjustable ?? false,
          });
      }
      token = out.NextToken;
      if (!token) break;
    }
    return { ok: true, quotas };
  } catch (err) {
    const e = classifyBedrockError(err, { region });
    const denied = e.kind === "iam-denied" || e.awsType === "AccessDeniedException" || e.status === 403;
    return { ok: false, denied, reason: denied ? `Service Quotas refused: ${e.rawMessage}` : e.explanation };
  }
}

const TPM = /^(?<scope>global cross-region|cross-region|on-demand)\b.*\btokens per minute for (?<model>.+)$/i;

/** "opus 4.5" from "Anthropic Claude Opus 4.5 V1" or "Claude Opus 4.5"; "haiku 3" from "Claude 3 Haiku". */
export function modelKey(name: string): string | undefined {
  const lower = name.toLowerCase();
  const family = /\b(opus|sonnet|haiku|fable|mythos)\b/.exec(lower)?.[1];
  const version = /\b(\d+(?:\.\d+)?)\b/.exec(lower.replace(/\bv\d+\b/g, "").replace(/\b1m\b/g, ""))?.[1];
  return family && version ? `${family} ${version}` : undefined;
}

/**
 * The tokens-per-minute quota that governs calls to a resolved model: on-demand for a foundation model,
 * cross-region for a geo profile, global for `global.` (falling back to cross-region). 1M-context quotas are
 * separate and only chosen with `[1m]`.
 */
export function modelQuota(resolved: ResolvedModel, quotas: readonly AppliedQuota[]): ModelQuota | undefined {
  const displayName = findCatalogEntry(resolved.foundationModelId ?? resolved.sendId)?.displayName;
  const want = displayName ? modelKey(displayName) : undefined;
  if (!want) return undefined;
  const scope: ModelQuota["scope"] =
    resolved.geo === "global"
      ? "global"
      : resolved.geo || resolved.kind === "system-profile"
        ? "cross-region"
        : "on-demand";
  const candidates = quotas.flatMap((quota) => {
    const m = TPM.exec(quota.name);
    if (!m?.groups) return [];
    if (/\b1m context/i.test(quota.name) !== resolved.oneMillionContext) return [];
    if (modelKey(m.groups.model ?? "") !== want) return [];
    const s = m.groups.scope!.toLowerCase();
    const found: ModelQuota["scope"] = s.startsWith("global")
      ? "global"
      : s === "on-demand"
        ? "on-demand"
        : "cross-region";
    return [{ quota, scope: found }];
  });
  return (
    candidates.find((c) => c.scope === scope) ??
    (scope === "global" ? candidates.find((c) => c.scope === "cross-region") : undefined)
  );
}

/** What a max_tokens means against a tokens-per-minute quota. */
export interface QuotaBudget {
  /** Requests of max_tokens plus the assumed input that fit in one minute's quota. */
  concurrent: number;
  /** The max_tokens Quarry would send instead (half the quota), when the configured one is larger. */
  sizedMaxTokens?: number;
}

/** Judges max_tokens against a quota: Quarry keeps it at most half the quota, so input fits beside it. */
export function quotaBudget(maxTokens: number, quotaValue: number): QuotaBudget {
  const concurrent = Math.floor(quotaValue / (maxTokens + ASSUMED_INPUT_TOKENS));
  const half = Math.floor(quotaValue / 2);
  return quotaValue > 0 && maxTokens > half
    ? { concurrent, sizedMaxTokens: Math.max(1, half) }
    : { concurrent };
}

/** The exact AWS CLI line that asks for a larger quota. */
export function increaseCommand(quota: AppliedQuota, region: string, desired: number): string {
  return `aws service-quotas request-service-quota-increase --service-code bedrock --quota-code ${quota.code} --desired-value ${desired} --region ${region}`;
}

/** A quota value worth asking for: room for four requests of this max_tokens, rounded up to 100k. */
export function suggestedQuota(maxTokens: number): number {
  return Math.ceil((4 * (maxTokens + ASSUMED_INPUT_TOKENS)) / 100_000) * 100_000;
}

/** What fitting max_tokens to a quota list gives: the max_tokens to send, and why it changed. */
function fitToQuotas(
  resolved: ResolvedModel,
  maxTokens: number,
  quotas: readonly AppliedQuota[],
): { maxTokens: number; warning?: string } {
  const found = modelQuota(resolved, quotas);
  if (!found) return { maxTokens };
  const { sizedMaxTokens } = quotaBudget(maxTokens, found.quota.value);
  if (sizedMaxTokens === undefined) return { maxTokens };
  return {
    maxTokens: sizedMaxTokens,
    warning: `max_tokens ${maxTokens} would reserve more than half of the quota "${found.quota.name}" (${found.quota.code}: ${found.quota.value} tokens per minute in ${resolved.region}); Quarry asks for max_tokens ${sizedMaxTokens}. Fix: ${increaseCommand(found.quota, resolved.region, suggestedQuota(maxTokens))}`,
  };
}

/**
 * {@link fitMaxTokensToQuota} from the disk cache alone: undefined when no fresh list is cached (start-up
 * then sends the first turn with the configured max_tokens and reads the quotas after it).
 */
export function fitMaxTokensToCachedQuota(
  connection: BedrockConnection,
  resolved: ResolvedModel,
  maxTokens: number,
): { maxTokens: number; warning?: string } | undefined {
  if (connection.auth.kind !== "sigv4") return { maxTokens }; // Service Quotas cannot be asked: nothing to wait for
  const quotas = cachedQuotas(connection, resolved.region);
  return quotas ? fitToQuotas(resolved, maxTokens, quotas) : undefined;
}

/**
 * The max_tokens a session sends: the configured one, or half the model's tokens-per-minute quota when the
 * configured one would reserve more. Asks Service Quotas (or the disk cache) and waits for the answer; a
 * refused or unreachable Service Quotas leaves max_tokens as configured.
 */
export async function fitMaxTokensToQuota(
  connection: BedrockConnection,
  resolved: ResolvedModel,
  maxTokens: number,
): Promise<{ maxTokens: number; warning?: string }> {
  const read = await readQuotas(connection, resolved.region);
  if (!read.ok) return { maxTokens };
  return fitToQuotas(resolved, maxTokens, read.quotas);
}
