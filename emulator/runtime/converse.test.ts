import { describe, expect, it } from "vitest";
import {
  decodeFrames,
  FakeWriter,
  fakeContext,
  headerValues,
  payloadJson,
  requestWith,
  SONNET,
  targetFor,
  testWorld,
} from "../../test/support/emulator-runtime.js";
import type { WorldInput } from "../world/schema.js";
import { RuntimeEngine } from "./runtime.js";

const converseBody = {
  messages: [{ role: "user", content: [{ text: "What is the weather in Paris?" }] }],
  system: [{ text: "You are terse." }],
  inferenceConfig: { maxTokens: 512 },
  toolConfig: {
    tools: [{ toolSpec: { name: "get_weather", inputSchema: { json: { type: "object" } } } }],
  },
};

const script: Partial<WorldInput> = {
  script: [
    {
      reply: {
        content: [
          { type: "thinking", thinking: "Need the weather tool." },
          { type: "text", text: "Let me check." },
          { type: "tool_use", name: "get_weather", input: { city: "Paris" } },
        ],
      },
    },
  ],
};

async function call(
  op: "converse" | "converse-stream",
  overrides: Partial<WorldInput> = script,
  body: unknown = converseBody,
) {
  const world = testWorld(overrides);
  const res = new FakeWriter();
  await new RuntimeEngine(world).handle(op, targetFor(world, SONNET), requestWith(body), fakeContext(), res);
  return res;
}

describe("Converse", () => {
  it("answers with output.message, stopReason, usage and metrics", async () => {
    const res = await call("converse");
    expect(res.headers["content-type"]).toBe("application/json");
    const body = res.json();
    const content = (body.output as { message: { content: Record<string, unknown>[] } }).message.content;
    expect(content[0]).toEqual({
      reasoningContent: { reasoningText: { text: "Need the weather tool.", signature: expect.any(String) } },
    });
    expect(content[1]).toEqual({ text: "Let me check." });
    const toolUse = content[2]!.toolUse as Record<string, unknown>;
    expect(toolUse.toolUseId).toMatch(/^tooluse_[A-Za-z0-9_-]{22}$/);
    expect(toolUse).toMatchObject({ name: "get_weather", input: { city: "Paris" } });
    expect(body.stopReason).toBe("tool_use");
    const usage = body.usage as Record<string, number>;
    expect(usage.totalTokens).toBe(usage.inputTokens! + usage.outputTokens!);
    expect(usage).toMatchObject({ cacheReadInputTokens: 0, cacheWriteInputTokens: 0 });
    expect((body.metrics as Record<string, number>).latencyMs).toBeGreaterThanOrEqual(0);
  });

  it("refuses a conversation that does not start with the user", async () => {
    const err = await call(
      "converse",
      {},
      { messages: [{ role: "assistant", content: [{ text: "hi" }] }] },
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({
      status: 400,
      message:
        "A conversation must start with a user message. Try again with a conversation that starts with a user message.",
    });
  });

  it("refuses maxTokens above the model limit", async () => {
    const err = await call("converse", {}, { ...converseBody, inferenceConfig: { maxTokens: 64_001 } }).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({
      // Converse words the output limit itself (the InvokeModel text is Claude's: invoke.test.ts).
      message:
        "The maximum tokens you requested exceeds the model limit of 64000. Try again with a maximum tokens value that is lower than 64000.",
    });
  });
});

describe("ConverseStream", () => {
  it("sends bare member structs, with contentBlockStart only for toolUse", async () => {
    const res = await call("converse-stream");
    expect(res.headers["content-type"]).toBe("application/vnd.amazon.eventstream");
    const frames = await decodeFrames(res.body);
    const names = frames.map((f) => headerValues(f)[":event-type"]);
    for (const f of frames) expect(headerValues(f)[":message-type"]).toBe("event");
    const collapsed = names.filter((n, i) => n !== names[i - 1]);
    expect(collapsed).toEqual([
      "messageStart",
      "contentBlockDelta",
      "contentBlockStop",
      "contentBlockDelta",
      "contentBlockStop",
      "contentBlockStart",
      "contentBlockDelta",
      "contentBlockStop",
      "messageStop",
      "metadata",
    ]);
    const payloads = frames.map((f) => {
      const { p: _padding, ...rest } = payloadJson(f);
      return rest;
    });
    expect(payloads[0]).toEqual({ role: "assistant" });
    const reasoning = payloads.filter((p) => p.contentBlockIndex === 0 && "delta" in p).map((p) => p.delta);
    expect(reasoning.at(-1)).toEqual({ reasoningContent: { signature: expect.any(String) } });
    const start = payloads[names.indexOf("contentBlockStart")]!;
    expect(start).toMatchObject({ contentBlockIndex: 2, start: { toolUse: { name: "get_weather" } } });
    const input = payloads
      .filter((p) => p.contentBlockIndex === 2 && "delta" in p)
      .map((p) => (p.delta as { toolUse: { input: string } }).toolUse.input)
      .join("");
    expect(JSON.parse(input)).toEqual({ city: "Paris" });
    expect(payloads.at(-2)).toEqual({ stopReason: "tool_use" });
    expect(payloads.at(-1)).toMatchObject({
      usage: {
        inputTokens: expect.any(Number),
        outputTokens: expect.any(Number),
        totalTokens: expect.any(Number),
      },
      metrics: { latencyMs: expect.any(Number) },
    });
  });

  it("sends modelTimeoutException as a modelStreamErrorException, which ConverseStream can carry", async () => {
    const res = await call("converse-stream", {
      script: [{ fault: { kind: "stream-exception", exception: "modelTimeoutException", afterEvents: 1 } }],
    });
    const frames = await decodeFrames(res.body);
    expect(frames).toHaveLength(2);
    expect(headerValues(frames[1]!)[":exception-type"]).toBe("modelStreamErrorException");
    expect(payloadJson(frames[1]!)).toMatchObject({ originalStatusCode: 408 });
  });

  it("keeps throttlingException as is", async () => {
    const res = await call("converse-stream", {
      script: [{ fault: { kind: "stream-exception", exception: "throttlingException", afterEvents: 1 } }],
    });
    const frames = await decodeFrames(res.body);
    expect(headerValues(frames[1]!)[":exception-type"]).toBe("throttlingException");
  });
});
