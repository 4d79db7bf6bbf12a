// Disk cache for ListInferenceProfiles(type=SYSTEM_DEFINED). The model resolver asks for the profile list
// on every start; caching it keeps start-up off the network and lets the resolver work offline.

import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";

/** The slice of an inference-profile summary the resolver needs. */
export interface ProfileSummary {
  id: string;
  arn: string;
  type: "SYSTEM_DEFINED" | "APPLICATION";
  /** Foundation-model ARNs, one per destination region (`models[].modelArn`). */
  modelArns: string[];
}

const profileSchema = z.object({
  id: z.string().min(1),
  arn: z.string(),
  type: z.enum(["SYSTEM_DEFINED", "APPLICATION"]),
  modelArns: z.array(z.string()),
});

const cacheFileSchema = z.object({
  version: z.literal(1),
  region: z.string(),
  fetchedAt: z.number(),
  profiles: z.array(profileSchema),
});

/** Options for {@link createProfileCache}. */
export interface ProfileCacheOptions {
  /** Directory for cache files (created on first write). */
  dir: string;
  /** How long a cached list stays fresh. */
  ttlMs: number;
  /** Distinguishes accounts or AWS profiles sharing a directory; defaults to `default`. */
  key?: string;
  /** Clock, for tests. */
  now?: () => number;
  /** Calls ListInferenceProfiles (all pages) in `region`. */
  fetch: (region: string) => Promise<ProfileSummary[]>;
}

/** A cached profile lister; `listSystemProfiles` plugs into the resolver's deps. */
export interface ProfileCache {
  listSystemProfiles(region: string): Promise<ProfileSummary[]>;
  /** Forgets the cached list of a region (memory and disk), e.g. after a "model identifier is invalid". */
  invalidate(region: string): Promise<void>;
  /** Where the list of `region` is stored. */
  pathFor(region: string): string;
}

type CacheFile = z.infer<typeof cacheFileSchema>;

// Keys and regions end up in file names; keep them to a safe alphabet.
const safe = (value: string): string => value.replace(/[^A-Za-z0-9_.-]/g, "_");

/** Creates a disk-backed, single-flight cache around a ListInferenceProfiles fetcher. */
export function createProfileCache(options: ProfileCacheOptions): ProfileCache {
  const now = options.now ?? Date.now;
  const key = safe(options.key ?? "default");
  const inFlight = new Map<string, Promise<ProfileSummary[]>>();
  const pathFor = (region: string) => join(options.dir, `inference-profiles-${key}-${safe(region)}.json`);

  async function readCache(region: string): Promise<CacheFile | undefined> {
    try {
      const parsed = cacheFileSchema.safeParse(JSON.parse(await readFile(pathFor(region), "utf8")));
      // A corrupt or foreign file is treated as absent; the next fetch overwrites it.
      return parsed.success && parsed.data.region === region ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  async function writeCache(region: string, profiles: ProfileSummary[]): Promise<void> {
    const file = pathFor(region);
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    const body: CacheFile = { version: 1, region, fetchedAt: now(), profiles };
    try {
      await mkdir(options.dir, { recursive: true });
      await writeFile(tmp, `${JSON.stringify(body)}\n`, { mode: 0o600 });
      // rename is atomic on one file system, so readers never see a half-written file.
      await rename(tmp, file);
    } catch {
      // A read-only or full disk must not break model resolution; we just don't cache.
      await rm(tmp, { force: true }).catch(() => {});
    }
  }

  async function load(region: string): Promise<ProfileSummary[]> {
    const cached = await readCache(region);
    const age = cached ? now() - cached.fetchedAt : Number.POSITIVE_INFINITY;
    // A timestamp from the future (clock change) counts as stale.
    if (cached && age >= 0 && age < options.ttlMs) return cached.profiles;
    try {
      const profiles = await options.fetch(region);
      await writeCache(region, profiles);
      return profiles;
    } catch (error) {
      // Profiles change rarely: a stale list beats no list when the network or IAM says no.
      if (cached) return cached.profiles;
      throw error;
    }
  }

  return {
    pathFor,
    listSystemProfiles(region) {
      const pending = inFlight.get(region);
      if (pending) return pending;
      const promise = load(region).finally(() => inFlight.delete(region));
      inFlight.set(region, promise);
      return promise;
    },
    async invalidate(region) {
      inFlight.delete(region);
      await rm(pathFor(region), { force: true });
    },
  };
}
