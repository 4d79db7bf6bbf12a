// Disk cache for ListInferenceProfiles(type=SYSTEM_DEFINED). The model resolver asks for the profile list
// on every start; caching it keeps start-up off the network and lets the resolver work offline.

import { z } from "zod";
import { createRegionFileCache } from "./region-file-cache.js";

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

/** Creates a disk-backed, single-flight cache around a ListInferenceProfiles fetcher. */
export function createProfileCache(options: ProfileCacheOptions): ProfileCache {
  const inFlight = new Map<string, Promise<ProfileSummary[]>>();
  const file = createRegionFileCache({
    dir: options.dir,
    name: "inference-profiles",
    key: options.key,
    ttlMs: options.ttlMs,
    now: options.now,
    field: "profiles",
    schema: z.array(profileSchema),
  });

  async function load(region: string): Promise<ProfileSummary[]> {
    const cached = await file.read(region);
    if (cached?.fresh) return cached.value;
    try {
      const profiles = await options.fetch(region);
      await file.write(region, profiles);
      return profiles;
    } catch (error) {
      // Profiles change rarely: a stale list beats no list when the network or IAM says no.
      if (cached) return cached.value;
      throw error;
    }
  }

  return {
    pathFor: file.pathFor,
    listSystemProfiles(region) {
      const pending = inFlight.get(region);
      if (pending) return pending;
      const promise = load(region).finally(() => inFlight.delete(region));
      inFlight.set(region, promise);
      return promise;
    },
    async invalidate(region) {
      inFlight.delete(region);
      await file.remove(region);
    },
  };
}
