// One JSON file per region (and account key) holding an account fact Quarry would otherwise ask AWS for on
// every start: the inference-profile list, the foundation-model listing, the applied quotas. Shared by the
// three caches so they agree on the format, the atomic write and what counts as fresh.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import * as z from "zod";

/** Options for {@link createRegionFileCache}. */
export interface RegionFileCacheOptions<T> {
  /** Directory for cache files (created on first write). */
  dir: string;
  /** File name prefix, e.g. `inference-profiles`. */
  name: string;
  /** Distinguishes accounts or AWS profiles sharing a directory; defaults to `default`. */
  key?: string;
  /** How long a stored value stays fresh. */
  ttlMs: number;
  /** The field the value is stored under, and its schema (a file that does not match is absent). */
  field: string;
  schema: z.ZodType<T>;
  /** Clock, for tests. */
  now?: () => number;
}

/** A stored value, its age and whether it is within the TTL. */
export interface RegionCacheEntry<T> {
  value: T;
  fetchedAt: number;
  fresh: boolean;
}

/** The disk side of a region cache: read (async or sync), write atomically, forget. */
export interface RegionFileCache<T> {
  pathFor(region: string): string;
  read(region: string): Promise<RegionCacheEntry<T> | undefined>;
  /** For start-up decisions that must not wait for a tick: a small file read is cheaper than a promise. */
  readSync(region: string): RegionCacheEntry<T> | undefined;
  /** Never throws: a read-only or full disk only costs the next start a round trip. */
  write(region: string, value: T): Promise<void>;
  remove(region: string): Promise<void>;
}

// Keys and regions end up in file names; keep them to a safe alphabet.
const safe = (value: string): string => value.replace(/[^A-Za-z0-9_.-]/g, "_");

/** Creates the file cache; see {@link RegionFileCache}. */
export function createRegionFileCache<T>(options: RegionFileCacheOptions<T>): RegionFileCache<T> {
  const now = options.now ?? Date.now;
  const key = safe(options.key ?? "default");
  const fileSchema = z.object({
    version: z.literal(1),
    region: z.string(),
    fetchedAt: z.number(),
    [options.field]: options.schema,
  });
  const pathFor = (region: string) => join(options.dir, `${options.name}-${key}-${safe(region)}.json`);

  const entry = (text: string, region: string): RegionCacheEntry<T> | undefined => {
    const parsed = fileSchema.safeParse(JSON.parse(text));
    // A corrupt or foreign file is treated as absent; the next write replaces it.
    if (!parsed.success || parsed.data.region !== region) return undefined;
    const fetchedAt = parsed.data.fetchedAt as number;
    const age = now() - fetchedAt;
    // A timestamp from the future (a clock change) counts as stale.
    return { value: parsed.data[options.field] as T, fetchedAt, fresh: age >= 0 && age < options.ttlMs };
  };

  return {
    pathFor,
    async read(region) {
      try {
        return entry(await readFile(pathFor(region), "utf8"), region);
      } catch {
        return undefined;
      }
    },
    readSync(region) {
      try {
        return entry(readFileSync(pathFor(region), "utf8"), region);
      } catch {
        return undefined;
      }
    },
    async write(region, value) {
      const file = pathFor(region);
      const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
      const body = { version: 1, region, fetchedAt: now(), [options.field]: value };
      try {
        await mkdir(options.dir, { recursive: true });
        await writeFile(tmp, `${JSON.stringify(body)}\n`, { mode: 0o600 });
        // rename is atomic on one file system, so readers never see a half-written file.
        await rename(tmp, file);
      } catch {
        await rm(tmp, { force: true }).catch(() => {});
      }
    },
    async remove(region) {
      await rm(pathFor(region), { force: true });
    },
  };
}
