import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type AccountModel, accountModelOf, createAccountModelCache } from "./account-models.js";

const model = (modelId: string, extra: Partial<AccountModel> = {}): AccountModel => ({
  modelId,
  modelName: modelId,
  providerName: "Amazon",
  inputModalities: ["TEXT"],
  outputModalities: ["TEXT"],
  responseStreamingSupported: true,
  inferenceTypesSupported: ["ON_DEMAND"],
  lifecycle: "ACTIVE",
  ...extra,
});

describe("createAccountModelCache", () => {
  let dir: string;
  let clock: number;
  let calls: string[];
  let answer: AccountModel[];
  let gate: Promise<void> | undefined;
  const fetch = async (region: string) => {
    calls.push(region);
    if (gate) await gate;
    return answer;
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "quarry-account-models-"));
    clock = 5_000_000;
    calls = [];
    answer = [model("amazon.nova-micro-v1:0")];
    gate = undefined;
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const make = () =>
    createAccountModelCache({ dir: join(dir, "cache"), ttlMs: 60_000, now: () => clock, fetch, key: "k1" });

  it("fetches once, stores the file, serves other instances from disk while fresh, refetches after the TTL", async () => {
    expect(await make().list("us-east-1")).toEqual(answer);
    const file = make().pathFor("us-east-1");
    expect(file).toBe(join(dir, "cache", "foundation-models-k1-us-east-1.json"));
    expect(JSON.parse(await readFile(file, "utf8"))).toMatchObject({ version: 1, fetchedAt: 5_000_000 });

    clock += 59_999;
    const before = answer;
    answer = [];
    expect(await make().list("us-east-1")).toEqual(before);
    expect(await make().peek("us-east-1")).toMatchObject({ fresh: true, models: before });
    expect(calls).toEqual(["us-east-1"]);

    clock += 1;
    expect(await make().peek("us-east-1")).toMatchObject({ fresh: false });
    expect(await make().list("us-east-1")).toEqual([]);
    expect(calls).toEqual(["us-east-1", "us-east-1"]);
  });

  it("peek never fetches: absent cache is undefined", async () => {
    expect(await make().peek("eu-west-1")).toBeUndefined();
    expect(calls).toEqual([]);
  });

  it("treats a corrupt or foreign file as absent and overwrites it", async () => {
    const cache = make();
    await make().list("us-east-1");
    await writeFile(cache.pathFor("us-east-1"), "{ not json");
    expect(await cache.peek("us-east-1")).toBeUndefined();
    expect(await cache.list("us-east-1")).toEqual(answer);
    expect(calls).toHaveLength(2);
    // A file for another region under this name (copied by hand) is not trusted either.
    await writeFile(
      cache.pathFor("us-east-1"),
      JSON.stringify({ version: 1, region: "eu-west-1", fetchedAt: clock, models: [] }),
    );
    expect(await cache.peek("us-east-1")).toBeUndefined();
  });

  it("single flight: concurrent list and refresh share one fetch; the write is atomic (no temp file left)", async () => {
    let open!: () => void;
    gate = new Promise((r) => {
      open = r;
    });
    const cache = make();
    const a = cache.list("us-east-1");
    const b = cache.list("us-east-1");
    const c = cache.refresh("us-east-1");
    await new Promise((r) => setTimeout(r, 20));
    open();
    expect(await Promise.all([a, b, c])).toEqual([answer, answer, answer]);
    expect(calls).toEqual(["us-east-1"]);
    expect(await readdir(join(dir, "cache"))).toEqual(["foundation-models-k1-us-east-1.json"]);
  });

  it("refresh always fetches; a failed fetch falls back to the stale copy, and fails without one", async () => {
    const cache = make();
    await cache.list("us-east-1");
    answer = [model("meta.llama3-3-70b-instruct-v1:0")];
    expect(await cache.refresh("us-east-1")).toEqual(answer);
    const failing = createAccountModelCache({
      dir: join(dir, "cache"),
      ttlMs: 1,
      now: () => clock + 10,
      key: "k1",
      fetch: async () => {
        throw new Error("AccessDeniedException");
      },
    });
    expect(await failing.list("us-east-1")).toEqual(answer);
    await expect(failing.list("ap-south-1")).rejects.toThrow("AccessDeniedException");
  });
});

describe("accountModelOf", () => {
  it("keeps what the API says; a missing streaming flag counts as streaming", () => {
    expect(
      accountModelOf({
        modelId: "deepseek.r1-v1:0",
        providerName: "DeepSeek",
        inputModalities: ["TEXT"],
        outputModalities: ["TEXT"],
        inferenceTypesSupported: ["INFERENCE_PROFILE"],
        modelLifecycle: { status: "LEGACY" },
      }),
    ).toEqual({
      modelId: "deepseek.r1-v1:0",
      modelName: "deepseek.r1-v1:0",
      providerName: "DeepSeek",
      inputModalities: ["TEXT"],
      outputModalities: ["TEXT"],
      responseStreamingSupported: true,
      inferenceTypesSupported: ["INFERENCE_PROFILE"],
      lifecycle: "LEGACY",
    });
    expect(
      accountModelOf({ modelId: "x.y", responseStreamingSupported: false })?.responseStreamingSupported,
    ).toBe(false);
    expect(accountModelOf({})).toBeUndefined();
  });
});
