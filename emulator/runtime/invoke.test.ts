import { describe, expect, it } from "vitest";
import {
  anthropicBody,
  FakeWriter,
  fakeContext,
  HAIKU,
  requestWith,
  SONNET,
  targetFor,
  testWorld,
} from "../../test/support/emulator-runtime.js";
import { BedrockError } from "../http/types.js";
import { RuntimeEngine } from "./runtime.js";

async function invoke(body: unknown, modelId = SONNET, world = testWorld()) {
  const engine = new RuntimeEngine(world);
  const res = new FakeWriter();
  const ctx = fakeContext();
  await engine.handle("invoke", targetFor(world, modelId, "system-profile"), requestWith(body), ctx, res);
  return { res, ctx };
}

async function invokeError(body: unknown, modelId = SONNET): Promise<BedrockError> {
  const err = await invoke(body, modelId).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BedrockError);
  return err as BedrockError;
}

describe("InvokeModel", () => {
  it("answers with an Anthropic Message and Bedrock's headers", async () => {
    const { res, ctx } = await invoke(anthropicBody());
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("application/json");
    expect(res.headers["x-amzn-requestid"]).toBe(ctx.requestId);
    const message = res.json();
    expect(message.id).toMatch(/^msg_bdrk_01[A-Za-z0-9]{22}$/);
    expect(message).toMatchObject({
      type: "message",
      role: "assistant",
      model: "claude-sonnet-4-5-20250929",
      content: [{ type: "text", text: "Emulated reply from Claude Sonnet 4.5: Hello there, emulator" }],
      stop_reason: "end_turn",
      stop_sequence: null,
      usage: {
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
      },
    });
    const usage = message.usage as Record<string, number>;
    // "Hello there, emulator" is 21 characters → 6 tokens.
    expect(usage.input_tokens).toBe(6);
    expect(res.headers["x-amzn-bedrock-input-token-count"]).toBe("6");
    expect(res.headers["x-amzn-bedrock-output-token-count"]).toBe(String(usage.output_tokens));
    expect(res.headers["x-amzn-bedrock-cache-read-input-token-count"]).toBe("0");
    expect(res.headers["x-amzn-bedrock-cache-write-input-token-count"]).toBe("0");
    expect(Number(res.headers["x-amzn-bedrock-invocation-latency"])).toBeGreaterThanOrEqual(0);
    expect(ctx.notes.turn).toBe(1);
  });

  it("derives the response model name from the ID when the world gives none", async () => {
    const { res } = await invoke(anthropicBody(), HAIKU);
    expect(res.json().model).toBe("claude-3-haiku-20240307");
  });

  it("accepts both anthropic_version values the SDKs send", async () => {
    for (const v of ["bedrock-2023-05-31", "2026-10-21"]) {
      const { res } = await invoke(anthropicBody({ anthropic_version: v }));
      expect(res.status).toBe(200);
    }
    const err = await invokeError(anthropicBody({ anthropic_version: "2023-06-01" }));
    expect(err.message).toContain("anthropic_version");
  });

  it("reports a missing max_tokens with Bedrock's exact message", async () => {
    const { max_tokens: _omit, ...body } = anthropicBody();
    const err = await invokeError(body);
    expect(err.status).toBe(400);
    expect(err.type).toBe("ValidationException");
    expect(err.message).toBe(
      "Malformed input request: #: required key [max_tokens] not found, please reformat your input and try again.",
    );
  });

  it("concatenates several violations, extraneous model and stream included", async () => {
    const err = await invokeError({ max_tokens: 10, messages: [], model: "x", stream: true });
    expect(err.message).toBe(
      "Malformed input request: #: required key [anthropic_version] not found#: extraneous key [model] is not permitted#: extraneous key [stream] is not permitted, please reformat your input and try again.",
    );
  });

  it("refuses a body that is not JSON", async () => {
    const err = await invokeError("{not json");
    expect(err.status).toBe(400);
    expect(err.message).toBe("Malformed input request, please reformat your input and try again.");
  });

  it("refuses max_tokens above the model limit", async () => {
    const err = await invokeError(anthropicBody({ max_tokens: 4097 }), HAIKU);
    expect(err.message).toBe(
      "The model returned the following errors: max_tokens: 4097 > 4096, which is the maximum allowed number of output tokens for claude-3-haiku-20240307",
    );
  });

  it("refuses input larger than the context window", async () => {
    const err = await invokeError(
      anthropicBody({ messages: [{ role: "user", content: "x".repeat(4004) }] }),
      HAIKU,
    );
    expect(err.status).toBe(400);
    expect(err.message).toBe("Input is too long for requested model.");
  });

  it("truncates the answer at max_tokens", async () => {
    const world = testWorld({ script: [{ reply: { content: [{ type: "text", text: "a".repeat(100) }] } }] });
    const { res } = await invoke(anthropicBody({ max_tokens: 5 }), SONNET, world);
    const message = res.json();
    expect(message.stop_reason).toBe("max_tokens");
    expect(message.content).toEqual([{ type: "text", text: "a".repeat(20) }]);
    expect((message.usage as Record<string, number>).output_tokens).toBe(5);
  });

  it("stops at a stop sequence", async () => {
    const world = testWorld({
      script: [{ reply: { content: [{ type: "text", text: "one two STOP three" }] } }],
    });
    const { res } = await invoke(anthropicBody({ stop_sequences: ["STOP"] }), SONNET, world);
    expect(res.json()).toMatchObject({
      content: [{ type: "text", text: "one two " }],
      stop_reason: "stop_sequence",
      stop_sequence: "STOP",
    });
  });

  it("throws an http fault before writing anything", async () => {
    const world = testWorld({ script: [{ fault: { kind: "http", status: 429 } }] });
    const engine = new RuntimeEngine(world);
    const res = new FakeWriter();
    const err = await engine
      .handle("invoke", targetFor(world, SONNET), requestWith(anthropicBody()), fakeContext(), res)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BedrockError);
    expect(err).toMatchObject({
      status: 429,
      type: "ThrottlingException",
      message: "Too many requests, please wait before trying again.",
    });
    expect(res.mode).toBeUndefined();
  });

  it("turns a stream-exception fault into the matching HTTP error on a non-stream call", async () => {
    const world = testWorld({
      script: [{ fault: { kind: "stream-exception", exception: "modelStreamErrorException" } }],
    });
    const err = await new RuntimeEngine(world)
      .handle(
        "invoke",
        targetFor(world, SONNET),
        requestWith(anthropicBody()),
        fakeContext(),
        new FakeWriter(),
      )
      .catch((e: unknown) => e);
    expect(err).toMatchObject({
      status: 424,
      type: "ModelErrorException",
      extra: { originalStatusCode: 529 },
    });
  });

  it("cuts a JSON body at the given byte", async () => {
    const world = testWorld({ script: [{ fault: { kind: "cut", atByte: 40 } }] });
    const { res } = await invoke(anthropicBody(), SONNET, world);
    expect(res.wasCut).toBe(true);
    expect(res.body.byteLength).toBe(40);
    expect(() => JSON.parse(res.body.toString("utf8"))).toThrow();
  });
});
