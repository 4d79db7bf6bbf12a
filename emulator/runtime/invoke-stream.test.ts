import { describe, expect, it } from "vitest";
import {
  anthropicBody,
  chunkEvent,
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

async function stream(overrides: Partial<WorldInput> = {}, body = anthropicBody(), res = new FakeWriter()) {
  const world = testWorld(overrides);
  const engine = new RuntimeEngine(world);
  await engine.handle(
    "invoke-with-response-stream",
    targetFor(world, SONNET),
    requestWith(body),
    fakeContext(),
    res,
  );
  return res;
}

const toolAndText: Partial<WorldInput> = {
  script: [
    {
      reply: {
        content: [
          { type: "thinking", thinking: "The user wants the weather in Paris." },
          { type: "text", text: "Let me look that up for you right away." },
          {
            type: "tool_use",
            id: "toolu_fixed",
            name: "get_weather",
            input: { city: "Paris", units: "metric" },
          },
        ],
      },
    },
  ],
};

describe("InvokeModelWithResponseStream", () => {
  it("sends chunk frames with base64 Anthropic events in SSE order", async () => {
    const res = await stream(toolAndText);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("application/vnd.amazon.eventstream");
    expect(res.headers["x-amzn-bedrock-content-type"]).toBe("application/json");
    expect(res.ended).toBe(true);
    const frames = await decodeFrames(res.body);
    for (const frame of frames) {
      expect(headerValues(frame)).toEqual({
        ":event-type": "chunk",
        ":content-type": "application/json",
        ":message-type": "event",
      });
      expect(payloadJson(frame).p).toMatch(/^[a-zA-Z0-9]+$/);
    }
    const events = frames.map(chunkEvent);
    const types = events.map((e) => e.type);
    expect(types[0]).toBe("message_start");
    expect(types.slice(-2)).toEqual(["message_delta", "message_stop"]);
    // Each block opens, streams deltas and closes, in index order.
    const blockOrder = events
      .filter((e) => String(e.type).startsWith("content_block"))
      .map((e) => `${e.type}:${e.index}`)
      .filter((s, i, all) => s !== all[i - 1]);
    expect(blockOrder).toEqual([
      "content_block_start:0",
      "content_block_delta:0",
      "content_block_stop:0",
      "content_block_start:1",
      "content_block_delta:1",
      "content_block_stop:1",
      "content_block_start:2",
      "content_block_delta:2",
      "content_block_stop:2",
    ]);

    const deltas = (index: number) =>
      events
        .filter((e) => e.type === "content_block_delta" && e.index === index)
        .map((e) => e.delta as Record<string, string>);
    const thinking = deltas(0);
    expect(
      thinking
        .filter((d) => d.type === "thinking_delta")
        .map((d) => d.thinking)
        .join(""),
    ).toBe("The user wants the weather in Paris.");
    expect(thinking.at(-1)?.type).toBe("signature_delta");
    expect(thinking.at(-1)?.signature).toBeTruthy();
    const text = deltas(1);
    expect(text.length).toBeGreaterThan(1);
    expect(text.map((d) => d.text).join("")).toBe("Let me look that up for you right away.");
    const tool = deltas(2);
    expect(tool[0]).toEqual({ type: "input_json_delta", partial_json: "" });
    expect(JSON.parse(tool.map((d) => d.partial_json).join(""))).toEqual({ city: "Paris", units: "metric" });
    expect(events.find((e) => e.type === "content_block_start" && e.index === 2)?.content_block).toEqual({
      type: "tool_use",
      id: "toolu_fixed",
      name: "get_weather",
      input: {},
    });

    const messageDelta = events.at(-2)!;
    expect(messageDelta.delta).toEqual({ stop_reason: "tool_use", stop_sequence: null });
    const outputTokens = (messageDelta.usage as Record<string, number>).output_tokens;
    expect(outputTokens).toBeGreaterThan(10);
    const metrics = events.at(-1)!["amazon-bedrock-invocationMetrics"] as Record<string, number>;
    expect(metrics).toMatchObject({
      inputTokenCount: 6,
      outputTokenCount: outputTokens,
      cacheReadInputTokenCount: 0,
      cacheWriteInputTokenCount: 0,
    });
    expect(metrics.invocationLatency).toBeGreaterThanOrEqual(metrics.firstByteLatency!);
    const start = events[0]!.message as Record<string, unknown>;
    expect(start).toMatchObject({
      role: "assistant",
      model: "claude-sonnet-4-5-20250929",
      content: [],
      stop_reason: null,
    });
  });

  it("ends with max_tokens when the answer is longer than max_tokens", async () => {
    const res = await stream(
      { script: [{ reply: { content: [{ type: "text", text: "b".repeat(200) }] } }] },
      anthropicBody({ max_tokens: 10 }),
    );
    const events = (await decodeFrames(res.body)).map(chunkEvent);
    const text = events
      .filter((e) => e.type === "content_block_delta")
      .map((e) => (e.delta as { text: string }).text);
    expect(text.join("")).toBe("b".repeat(40));
    expect(events.at(-2)).toMatchObject({
      delta: { stop_reason: "max_tokens" },
      usage: { output_tokens: 10 },
    });
  });

  it("sends an exception frame after afterEvents events and ends the body", async () => {
    const res = await stream({
      script: [{ fault: { kind: "stream-exception", exception: "throttlingException", afterEvents: 2 } }],
    });
    const frames = await decodeFrames(res.body);
    expect(frames).toHaveLength(3);
    expect(frames.slice(0, 2).map((f) => chunkEvent(f).type)).toEqual([
      "message_start",
      "content_block_start",
    ]);
    expect(headerValues(frames[2]!)).toEqual({
      ":exception-type": "throttlingException",
      ":content-type": "application/json",
      ":message-type": "exception",
    });
    expect(payloadJson(frames[2]!)).toEqual({ message: "Too many tokens, please wait before trying again." });
    expect(res.ended).toBe(true);
    expect(res.wasCut).toBe(false);
  });

  it("gives modelStreamErrorException its original status and message", async () => {
    const res = await stream({
      script: [
        { fault: { kind: "stream-exception", exception: "modelStreamErrorException", afterEvents: 0 } },
      ],
    });
    const frames = await decodeFrames(res.body);
    expect(frames).toHaveLength(1);
    expect(headerValues(frames[0]!)[":exception-type"]).toBe("modelStreamErrorException");
    expect(payloadJson(frames[0]!)).toMatchObject({ originalStatusCode: 529, originalMessage: "Overloaded" });
  });

  it("cuts the stream at exactly atByte, which the SDK reports as a truncated message", async () => {
    const res = await stream({ script: [{ fault: { kind: "cut", atByte: 300 } }] });
    expect(res.wasCut).toBe(true);
    expect(res.ended).toBe(false);
    expect(res.body.byteLength).toBe(300);
    await expect(decodeFrames(res.body)).rejects.toThrow("Truncated event message received.");
  });

  it("sends the whole stream then drops the connection when atByte is past the end", async () => {
    const res = await stream({ script: [{ fault: { kind: "cut", atByte: 1_000_000 } }] });
    expect(res.wasCut).toBe(true);
    const events = (await decodeFrames(res.body)).map(chunkEvent);
    expect(events.at(-1)?.type).toBe("message_stop");
  });

  it("stalls after afterEvents events until the client goes away", async () => {
    const res = new FakeWriter();
    let settled = false;
    const done = stream(
      { script: [{ fault: { kind: "stall", afterEvents: 1 } }] },
      anthropicBody(),
      res,
    ).then(() => {
      settled = true;
    });
    await new Promise((r) => setTimeout(r, 120));
    expect(settled).toBe(false);
    expect((await decodeFrames(res.body)).map(chunkEvent).map((e) => e.type)).toEqual(["message_start"]);
    res.disconnect();
    await done;
    expect(res.ended).toBe(false);
  });

  it("re-encodes as SSE text behind a proxy", async () => {
    const res = await stream({ script: [{ fault: { kind: "proxy", as: "sse" } }] });
    expect(res.headers["content-type"]).toBe("text/event-stream");
    const text = res.body.toString("utf8");
    expect(text.startsWith('event: message_start\ndata: {"type":"message_start"')).toBe(true);
    expect(text.trimEnd().endsWith("}")).toBe(true);
    expect(text).toContain("event: message_stop\n");
    // What the AWS SDK makes of it: the first four ASCII bytes read as a huge frame length.
    await expect(decodeFrames(res.body)).rejects.toThrow("Truncated event message received.");
  });

  it("answers with the whole Message as JSON behind a JSON proxy", async () => {
    const res = await stream({ script: [{ fault: { kind: "proxy", as: "json" } }] });
    expect(res.headers["content-type"]).toBe("application/json");
    expect(res.json()).toMatchObject({ type: "message", stop_reason: "end_turn" });
  });

  it("waits firstTokenMs before the first event and paces deltas by tokensPerSecond", async () => {
    const started = Date.now();
    const res = await stream({
      latency: { firstTokenMs: 60, tokensPerSecond: 400, requestMs: 0 },
      script: [{ reply: { content: [{ type: "text", text: "c".repeat(160) }] } }],
    });
    const elapsed = Date.now() - started;
    // 60 ms first token + 40 tokens at 400/s = 100 ms of pacing.
    expect(elapsed).toBeGreaterThanOrEqual(150);
    const events = (await decodeFrames(res.body)).map(chunkEvent);
    const metrics = events.at(-1)!["amazon-bedrock-invocationMetrics"] as Record<string, number>;
    expect(metrics.firstByteLatency).toBeGreaterThanOrEqual(55);
    expect(metrics.invocationLatency).toBeGreaterThanOrEqual(150);
  });

  it("stops writing when the client goes away", async () => {
    const res = new FakeWriter();
    const world = testWorld({ latency: { firstTokenMs: 0, tokensPerSecond: 100, requestMs: 0 } });
    const engine = new RuntimeEngine(world);
    const done = engine.handle(
      "invoke-with-response-stream",
      targetFor(world, SONNET),
      requestWith(anthropicBody()),
      fakeContext(),
      res,
    );
    await new Promise((r) => setTimeout(r, 20));
    res.disconnect();
    const before = res.chunks.length;
    await done;
    expect(res.chunks.length).toBe(before);
    expect(res.ended).toBe(false);
  });
});
