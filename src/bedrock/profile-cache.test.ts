import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createProfileCache, type ProfileSummary } from "./profile-cache.js";

const profile = (id: string): ProfileSummary => ({
  id,
  arn: `arn:aws:bedrock:eu-west-1:123456789012:inference-profile/${id}`,
  type: "SYSTEM_DEFINED",
  modelArns: [`arn:aws:bedrock:eu-west-1::foundation-model/${id.slice(id.indexOf(".") + 1)}`],
});

describe("createProfileCache", () => {
  let dir: string;
  let clock: number;
  let calls: string[];
  let answer: ProfileSummary[];
  const fetch = async (region: string) => {
    calls.push(region);
    return answer;
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "quarry-profiles-"));
    clock = 1_000_000;
    calls = [];
    answer = [profile("eu.anthropic.claude-sonnet-4-6")];
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const make = (extra: Partial<Parameters<typeof createProfileCache>[0]> = {}) =>
    createProfileCache({
      dir: join(dir, "cache"),
      ttlMs: 60_000,
      now: () => clock,
      fetch,
      key: "123456789012",
      ...extra,
    });

  it("fetches once, writes the file, and serves later instances from disk while fresh", async () => {
    const first = make();
    expect(await first.listSystemProfiles("eu-west-1")).toEqual(answer);
    expect(first.pathFor("eu-west-1")).toBe(
      join(dir, "cache", "inference-profiles-123456789012-eu-west-1.json"),
    );
    const onDisk = JSON.parse(await readFile(first.pathFor("eu-west-1"), "utf8"));
    expect(onDisk).toMatchObject({ version: 1, region: "eu-west-1", fetchedAt: 1_000_000, profiles: answer });

    clock += 59_999;
    answer = [];
    expect(await make().listSystemProfiles("eu-west-1")).toHaveLength(1);
    expect(calls).toEqual(["eu-west-1"]);
  });

  it("refetches after the TTL and when the timestamp is in the future", async () => {
    await make().listSystemProfiles("eu-west-1");
    clock += 60_000;
    answer = [profile("eu.anthropic.claude-opus-4-6-v1")];
    expect((await make().listSystemProfiles("eu-west-1"))[0]?.id).toBe("eu.anthropic.claude-opus-4-6-v1");
    clock -= 10 * 60_000;
    await make().listSystemProfiles("eu-west-1");
    expect(calls).toEqual(["eu-west-1", "eu-west-1", "eu-west-1"]);
  });

  it("keeps regions and keys apart", async () => {
    await make().listSystemProfiles("eu-west-1");
    await make().listSystemProfiles("us-east-1");
    await make({ key: "other/acct:x" }).listSystemProfiles("eu-west-1");
    expect(calls).toEqual(["eu-west-1", "us-east-1", "eu-west-1"]);
    expect((await readdir(join(dir, "cache"))).sort()).toEqual([
      "inference-profiles-123456789012-eu-west-1.json",
      "inference-profiles-123456789012-us-east-1.json",
      "inference-profiles-other_acct_x-eu-west-1.json",
    ]);
  });

  it("ignores and overwrites a corrupt cache file", async () => {
    const cache = make();
    await cache.listSystemProfiles("eu-west-1");
    for (const junk of [
      "{not json",
      JSON.stringify({ version: 1, region: "eu-west-1", fetchedAt: clock }),
      "[]",
    ]) {
      await writeFile(cache.pathFor("eu-west-1"), junk);
      expect(await make().listSystemProfiles("eu-west-1")).toEqual(answer);
      expect(JSON.parse(await readFile(cache.pathFor("eu-west-1"), "utf8")).profiles).toEqual(answer);
    }
    expect(calls).toHaveLength(4);
  });

  it("single-flights concurrent calls per region", async () => {
    let release: (value: ProfileSummary[]) => void = () => {};
    let fetches = 0;
    const cache = make({
      fetch: () => {
        fetches += 1;
        return new Promise((resolve) => {
          release = resolve;
        });
      },
    });
    const a = cache.listSystemProfiles("eu-west-1");
    const b = cache.listSystemProfiles("eu-west-1");
    // Let both calls get past the disk read before answering.
    await new Promise((r) => setTimeout(r, 20));
    release(answer);
    expect(await a).toEqual(answer);
    expect(await b).toEqual(answer);
    expect(fetches).toBe(1);
    // Once settled, a later call reads the fresh file instead of fetching.
    await cache.listSystemProfiles("eu-west-1");
    expect(fetches).toBe(1);
  });

  it("falls back to a stale list when the fetch fails, and rethrows without one", async () => {
    await make().listSystemProfiles("eu-west-1");
    clock += 120_000;
    const failing = make({ fetch: () => Promise.reject(new Error("AccessDeniedException")) });
    expect(await failing.listSystemProfiles("eu-west-1")).toEqual(answer);
    await expect(failing.listSystemProfiles("us-east-1")).rejects.toThrow("AccessDeniedException");
  });

  it("leaves no temp files and survives an unwritable directory", async () => {
    await make().listSystemProfiles("eu-west-1");
    expect((await readdir(join(dir, "cache"))).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    // A file where the directory should be: mkdir fails, the answer still comes through.
    await writeFile(join(dir, "blocked"), "");
    const blocked = make({ dir: join(dir, "blocked") });
    expect(await blocked.listSystemProfiles("eu-west-1")).toEqual(answer);
  });

  it("invalidate forces a refetch", async () => {
    const cache = make();
    await cache.listSystemProfiles("eu-west-1");
    await cache.invalidate("eu-west-1");
    await cache.listSystemProfiles("eu-west-1");
    expect(calls).toEqual(["eu-west-1", "eu-west-1"]);
  });
});
