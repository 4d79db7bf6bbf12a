import { describe, expect, it } from "vitest";
import {
  anthropicBody,
  chunkEvent,
  decodeFrames,
  FakeWriter,
  fakeContext,
  HAIKU,
  requestWith,
  SONNET,
  targetFor,
  testWorld,
} from "../../test/support/emulator-runtime.js";
import { BedrockError } from "../http/types.js";
import { CACHING_UNSUPPORTED } from "./caching.js";
import { RuntimeEngine } from "./runtime.js";

// 5120 chars → 1280 tokens: past Sonnet 4.5's 1,024-token minimum cacheable prefix.
const SYSTEM = "You are a careful coding agent. ".repeat(160);

function cachedBody(userText: string, extra: Record<string, unknown> = {}) {
  return anthropicBody({
    system: [{ type: "text", text: SYSTEM, cache_control: { type: "ephemeral" } }],
    messages: [{ role: "user", content: userText }],
    ...extra,
  });
}

type Usage = Record<string, number> & { cache_creation: Record<string, number> };

async function usageOf(engine: RuntimeEngine, body: unknown, modelId = SONNET): Promise<Usage> {
  const world = testWorld();
  const res = new FakeWriter();
  await engine.handle("invoke", targetFor(world, modelId), requestWith(body), fakeContext(), res);
  return res.json().usage as Usage;
}

describe("prompt caching", () => {
  it("writes a marked prefix on the first call and reads it on the next", async () => {
    const engine = new RuntimeEngine(testWorld());
    const first = await usageOf(engine, cachedBody("first question"));
    expect(first).toMatchObject({
      cache_creation_input_tokens: 1280,
      cache_read_input_tokens: 0,
      input_tokens: 4,
      cache_creation: { ephemeral_5m_input_tokens: 1280, ephemeral_1h_input_tokens: 0 },
    });
    const second = await usageOf(engine, cachedBody("another question"));
    expect(second).toMatchObject({
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 1280,
      input_tokens: 4,
    });
  });

  it("reads the longest cached prefix and writes the part up to the last breakpoint", async () => {
    const engine = new RuntimeEngine(testWorld());
    await usageOf(engine, cachedBody("q1"));
    const marked = (text: string) => ({
      type: "text",
      text,
      cache_control: { type: "ephemeral", ttl: "1h" },
    });
    const usage = await usageOf(
      engine,
      cachedBody("", {
        messages: [{ role: "user", content: [marked("x".repeat(400)), { type: "text", text: "tail" }] }],
      }),
    );
    expect(usage).toMatchObject({
      cache_read_input_tokens: 1280,
      cache_creation_input_tokens: 100,
      input_tokens: 1,
      cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 100 },
    });
  });

  it("reports cache counts in stream invocation metrics", async () => {
    const world = testWorld();
    const engine = new RuntimeEngine(world);
    await usageOf(engine, cachedBody("q1"));
    const res = new FakeWriter();
    await engine.handle(
      "invoke-with-response-stream",
      targetFor(world, SONNET),
      requestWith(cachedBody("q2")),
      fakeContext(),
      res,
    );
    const events = (await decodeFrames(res.body)).map(chunkEvent);
    expect(events[0]).toMatchObject({ message: { usage: { cache_read_input_tokens: 1280 } } });
    expect(events.at(-1)!["amazon-bedrock-invocationMetrics"]).toMatchObject({
      cacheReadInputTokenCount: 1280,
      cacheWriteInputTokenCount: 0,
    });
  });

  it("expires entries after their TTL", async () => {
    let now = 1_000_000;
    const engine = new RuntimeEngine(testWorld(), { now: () => now });
    await usageOf(engine, cachedBody("a"));
    now += 4 * 60_000;
    expect((await usageOf(engine, cachedBody("b"))).cache_read_input_tokens).toBe(1280);
    now += 5 * 60_000 + 1;
    expect((await usageOf(engine, cachedBody("c"))).cache_creation_input_tokens).toBe(1280);
  });

  it("keeps caches apart per model", async () => {
    const world = testWorld();
    const engine = new RuntimeEngine(world);
    await usageOf(engine, cachedBody("a"));
    const res = new FakeWriter();
    const other = {
      ...targetFor(world, SONNET),
      model: { ...world.models[0]!, modelId: "anthropic.claude-opus-4-6-v1" },
    };
    await engine.handle("invoke", other, requestWith(cachedBody("b")), fakeContext(), res);
    expect((res.json().usage as Usage).cache_creation_input_tokens).toBe(1280);
  });

  it("maps Converse cachePoint to a breakpoint", async () => {
    const world = testWorld();
    const engine = new RuntimeEngine(world);
    const body = {
      system: [{ text: SYSTEM }, { cachePoint: { type: "default" } }],
      messages: [{ role: "user", content: [{ text: "hi" }] }],
    };
    const usages: Record<string, number>[] = [];
    for (let i = 0; i < 2; i++) {
      const res = new FakeWriter();
      await engine.handle("converse", targetFor(world, SONNET), requestWith(body), fakeContext(), res);
      usages.push(res.json().usage as Record<string, number>);
    }
    expect(usages[0]).toMatchObject({ cacheWriteInputTokens: 1280, cacheReadInputTokens: 0, inputTokens: 1 });
    expect(usages[1]).toMatchObject({
      cacheWriteInputTokens: 0,
      cacheReadInputTokens: 1280,
      totalTokens: 1281 + usages[1]!.outputTokens!,
    });
  });

  it("refuses cache_control on a model without prompt caching, with Bedrock's message", async () => {
    const err = await usageOf(new RuntimeEngine(testWorld()), cachedBody("x"), HAIKU).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(BedrockError);
    expect(err).toMatchObject({ status: 400, type: "ValidationException", message: CACHING_UNSUPPORTED });
    expect(CACHING_UNSUPPORTED).toBe(
      "You invoked an unsupported model or your request did not allow prompt caching. See the documentation for more information.",
    );
  });

  it("refuses more than four breakpoints", async () => {
    const marked = { type: "text", text: "m", cache_control: { type: "ephemeral" } };
    const err = await usageOf(
      new RuntimeEngine(testWorld()),
      anthropicBody({ messages: [{ role: "user", content: [marked, marked, marked, marked, marked] }] }),
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({
      message:
        "The model returned the following errors: A maximum of 4 blocks with cache_control may be provided. Found 5.",
    });
  });

  it("neither reads nor writes a prefix shorter than the model's minimum cacheable length", async () => {
    const engine = new RuntimeEngine(testWorld());
    // 1280 tokens caches on Sonnet 4.5 (minimum 1,024) but not on Haiku 4.5 (minimum 4,096).
    const tiny = anthropicBody({
      system: [{ type: "text", text: "Short system prompt.", cache_control: { type: "ephemeral" } }],
      messages: [{ role: "user", content: "hi" }],
    });
    for (let i = 0; i < 2; i++) {
      const usage = await usageOf(engine, tiny);
      expect(usage).toMatchObject({ cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
    }
    const world = testWorld();
    world.models.find((m) => m.modelId === SONNET)!.minCacheTokens = 4096;
    const strict = new RuntimeEngine(world);
    for (let i = 0; i < 2; i++) {
      const res = new FakeWriter();
      await strict.handle(
        "invoke",
        targetFor(world, SONNET),
        requestWith(cachedBody("same")),
        fakeContext(),
        res,
      );
      expect(res.json().usage).toMatchObject({ cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
    }
  });

  it("finds an earlier entry within 20 blocks before a breakpoint, not further back", async () => {
    const engine = new RuntimeEngine(testWorld());
    const blocks = (n: number, markLast: boolean) =>
      Array.from({ length: n }, (_, i) => ({
        type: "text",
        text: `block ${i} ${"y".repeat(400)}`,
        ...(markLast && i === n - 1 ? { cache_control: { type: "ephemeral" } } : {}),
      }));
    const body = (n: number) => anthropicBody({ messages: [{ role: "user", content: blocks(n, true) }] });
    const first = await usageOf(engine, body(12));
    expect(first.cache_creation_input_tokens).toBeGreaterThan(1024);
    // 10 more blocks: the old breakpoint is 10 blocks back, inside the lookback window.
    const near = await usageOf(engine, body(22));
    expect(near.cache_read_input_tokens).toBe(first.cache_creation_input_tokens);
    // 21 blocks past the last write at 22: out of reach, nothing is read.
    const far = await usageOf(engine, body(44));
    expect(far.cache_read_input_tokens).toBe(0);
  });
});
