import {
  ConverseCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
  type Message,
  type SystemContentBlock,
} from "@aws-sdk/client-bedrock-runtime";
import { describe, expect, it } from "vitest";
import {
  anthropicBody,
  caught,
  collect,
  decodeChunk,
  MODELS,
  sharedEmulator,
  statusOf,
  US_SONNET45,
} from "./helpers.js";

/**
 * Prompt caching as Bedrock reports it: cache_control (InvokeModel) and cachePoint (Converse) write the prefix
 * once and read it afterwards; models without caching refuse markers with Bedrock's exact text (FIELD-REPORT #9).
 */

const CACHING_UNSUPPORTED =
  "You invoked an unsupported model or your request did not allow prompt caching. See the documentation for more information.";

const emu = sharedEmulator();

/** A system prompt long enough to be worth caching; `tag` keeps tests from sharing cache entries. */
const longSystem = (tag: string) =>
  `${tag}: ${"You are a meticulous assistant for the Quarry project. ".repeat(100)}`;

function cachedBody(tag: string, ttl?: "1h") {
  return anthropicBody("What is in the system prompt?", {
    system: [
      {
        type: "text",
        text: longSystem(tag),
        cache_control: ttl ? { type: "ephemeral", ttl } : { type: "ephemeral" },
      },
    ],
  });
}

describe("InvokeModel with cache_control", () => {
  it("the first call writes the prefix, an identical second call reads it", async () => {
    const client = emu.runtime();
    const first = JSON.parse(
      (
        await client.send(new InvokeModelCommand({ modelId: US_SONNET45, body: cachedBody("invoke") }))
      ).body.transformToString(),
    );
    const second = JSON.parse(
      (
        await client.send(new InvokeModelCommand({ modelId: US_SONNET45, body: cachedBody("invoke") }))
      ).body.transformToString(),
    );
    expect(first.usage.cache_creation_input_tokens).toBeGreaterThan(0);
    expect(first.usage.cache_read_input_tokens).toBe(0);
    expect(first.usage.cache_creation).toEqual({
      ephemeral_5m_input_tokens: first.usage.cache_creation_input_tokens,
      ephemeral_1h_input_tokens: 0,
    });
    expect(second.usage.cache_read_input_tokens).toBe(first.usage.cache_creation_input_tokens);
    expect(second.usage.cache_creation_input_tokens).toBe(0);
    // The uncached remainder (the user turn) is billed the same both times.
    expect(second.usage.input_tokens).toBe(first.usage.input_tokens);
  });

  it("ttl 1h is accounted as ephemeral_1h_input_tokens", async () => {
    const out = await emu
      .runtimeH1()
      .send(new InvokeModelCommand({ modelId: US_SONNET45, body: cachedBody("one-hour", "1h") }));
    const usage = JSON.parse(out.body.transformToString()).usage;
    expect(usage.cache_creation.ephemeral_1h_input_tokens).toBe(usage.cache_creation_input_tokens);
    expect(usage.cache_creation.ephemeral_5m_input_tokens).toBe(0);
  });

  it("Bedrock's token-count response headers carry the cache counts", async () => {
    const client = emu.runtime();
    const headers: Record<string, string>[] = [];
    client.middlewareStack.add(
      (next) => async (args) => {
        const result = await next(args);
        headers.push((result.response as { headers: Record<string, string> }).headers);
        return result;
      },
      { step: "deserialize", name: "peekHeaders", priority: "low" },
    );
    await client.send(new InvokeModelCommand({ modelId: US_SONNET45, body: cachedBody("headers") }));
    await client.send(new InvokeModelCommand({ modelId: US_SONNET45, body: cachedBody("headers") }));
    const [h1, h2] = headers;
    expect(Number(h1!["x-amzn-bedrock-cache-write-input-token-count"])).toBeGreaterThan(0);
    expect(h2!["x-amzn-bedrock-cache-read-input-token-count"]).toBe(
      h1!["x-amzn-bedrock-cache-write-input-token-count"],
    );
    expect(Number(h2!["x-amzn-bedrock-input-token-count"])).toBeGreaterThan(0);
    expect(Number(h2!["x-amzn-bedrock-output-token-count"])).toBeGreaterThan(0);
    expect(h2!["x-amzn-bedrock-invocation-latency"]).toMatch(/^\d+$/);
  });

  it("a stream reports cache reads in message_start usage and in the invocation metrics", async () => {
    const client = emu.runtime();
    const run = async () => {
      const out = await client.send(
        new InvokeModelWithResponseStreamCommand({ modelId: US_SONNET45, body: cachedBody("stream") }),
      );
      return (await collect(out.body)).map((e) => decodeChunk(e.chunk?.bytes));
    };
    const first = await run();
    const second = await run();
    const startUsage = (events: Record<string, unknown>[]) =>
      (events[0]!.message as { usage: Record<string, number> }).usage;
    const metrics = (events: Record<string, unknown>[]) =>
      events.at(-1)!["amazon-bedrock-invocationMetrics"] as Record<string, number>;
    expect(startUsage(first).cache_creation_input_tokens).toBeGreaterThan(0);
    expect(startUsage(second).cache_read_input_tokens).toBe(startUsage(first).cache_creation_input_tokens);
    expect(metrics(first).cacheWriteInputTokenCount).toBe(startUsage(first).cache_creation_input_tokens);
    expect(metrics(second).cacheReadInputTokenCount).toBe(startUsage(first).cache_creation_input_tokens);
  });

  it("a model without prompt caching refuses cache_control with Bedrock's text", async () => {
    const err = await caught(() =>
      emu.runtime().send(new InvokeModelCommand({ modelId: MODELS.haiku3, body: cachedBody("haiku3") })),
    );
    expect(err.name).toBe("ValidationException");
    expect(err.message).toBe(CACHING_UNSUPPORTED);
    expect(statusOf(err)).toBe(400);
  });

  it("the same model without markers is served", async () => {
    const out = await emu
      .runtime()
      .send(new InvokeModelCommand({ modelId: MODELS.haiku3, body: anthropicBody("hi") }));
    expect(out.$metadata.httpStatusCode).toBe(200);
  });
});

describe("Converse with cachePoint", () => {
  const system = (tag: string): SystemContentBlock[] => [
    { text: longSystem(tag) },
    { cachePoint: { type: "default" } },
  ];
  const messages: Message[] = [{ role: "user", content: [{ text: "Summarise the system prompt." }] }];

  it("writes then reads, reported as cacheWriteInputTokens / cacheReadInputTokens", async () => {
    const client = emu.runtime();
    const first = await client.send(
      new ConverseCommand({ modelId: US_SONNET45, system: system("converse"), messages }),
    );
    const second = await client.send(
      new ConverseCommand({ modelId: US_SONNET45, system: system("converse"), messages }),
    );
    expect(first.usage!.cacheWriteInputTokens).toBeGreaterThan(0);
    expect(first.usage!.cacheReadInputTokens ?? 0).toBe(0);
    expect(second.usage!.cacheReadInputTokens).toBe(first.usage!.cacheWriteInputTokens);
    expect(second.usage!.cacheWriteInputTokens ?? 0).toBe(0);
  });

  it("a model without prompt caching refuses cachePoint", async () => {
    const err = await caught(() =>
      emu
        .runtime()
        .send(new ConverseCommand({ modelId: MODELS.haiku3, system: system("converse-haiku3"), messages })),
    );
    expect(err.name).toBe("ValidationException");
    expect(err.message).toBe(CACHING_UNSUPPORTED);
  });
});

describe("through the Anthropic SDK", () => {
  it("cache_control on a system block gives cache_creation then cache_read usage", async () => {
    const client = emu.anthropic();
    const params = {
      model: US_SONNET45,
      max_tokens: 32,
      system: [
        {
          type: "text" as const,
          text: longSystem("anthropic-sdk"),
          cache_control: { type: "ephemeral" as const },
        },
      ],
      messages: [{ role: "user" as const, content: "hello" }],
    };
    const first = await client.messages.create(params);
    const second = await client.messages.create(params);
    expect(first.usage.cache_creation_input_tokens).toBeGreaterThan(0);
    expect(second.usage.cache_read_input_tokens).toBe(first.usage.cache_creation_input_tokens);
  });
});
