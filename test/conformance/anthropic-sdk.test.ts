import AnthropicBedrock from "@anthropic-ai/bedrock-sdk";
import { describe, expect, it } from "vitest";
import { caught, DEFAULT_ACCOUNT_ID, MODELS, sharedEmulator, US_SONNET45, worldWith } from "./helpers.js";

/**
 * @anthropic-ai/bedrock-sdk (fetch, HTTP/1.1, raw ":" in the path, event stream transcoded to SSE inside the
 * SDK): the client Claude Code's Messages traffic goes through.
 */

// The SDK's error classes, reached through the client class (no direct dependency on @anthropic-ai/sdk).
const { APIError, BadRequestError, NotFoundError, PermissionDeniedError, RateLimitError } = AnthropicBedrock;

const APP_ID = "abc123def456";
const APP_ARN = `arn:aws:bedrock:us-east-1:${DEFAULT_ACCOUNT_ID}:application-inference-profile/${APP_ID}`;

const emu = sharedEmulator(
  worldWith((w) => {
    w.applicationProfiles = [{ id: APP_ID, name: "team-app", region: "us-east-1", copyFrom: US_SONNET45 }];
    for (const m of w.models ?? []) {
      if (m.modelId === MODELS.opus46) m.access = { authorized: false };
      if (m.modelId === MODELS.sonnet46) m.access = { useCaseSubmitted: false };
    }
    w.script = [
      {
        promptIncludes: "say-pong",
        reply: { content: [{ type: "text", text: "pong" }], usage: { outputTokens: 1 } },
      },
      {
        promptIncludes: "weather-please",
        reply: {
          content: [
            { type: "text", text: "Let me check." },
            {
              type: "tool_use",
              id: "toolu_bdrk_01FIXEDTOOLID000000000",
              name: "get_weather",
              input: { city: "Paris", days: 3 },
            },
          ],
        },
      },
      { promptIncludes: "rate-limit-me", fault: { kind: "http", status: 429 } },
      {
        promptIncludes: "throttle-in-stream",
        fault: { kind: "stream-exception", exception: "throttlingException", afterEvents: 2 },
      },
      { promptIncludes: "cut-the-stream", fault: { kind: "cut", atByte: 700 } },
      {
        promptIncludes: "sse-proxy",
        reply: { content: [{ type: "text", text: "through the proxy" }] },
        fault: { kind: "proxy", as: "sse" },
      },
    ];
  }),
);

const TOOLS = [
  {
    name: "get_weather",
    description: "Weather for a city",
    input_schema: { type: "object" as const, properties: { city: { type: "string" } }, required: ["city"] },
  },
];

describe("messages.create", () => {
  it("sends the raw ':' profile ID and gets a parsed Message", async () => {
    const msg = await emu.anthropic().messages.create({
      model: US_SONNET45,
      max_tokens: 64,
      messages: [{ role: "user", content: "say-pong" }],
    });
    expect(msg).toMatchObject({
      type: "message",
      role: "assistant",
      model: "claude-sonnet-4-5-20250929",
      content: [{ type: "text", text: "pong" }],
      stop_reason: "end_turn",
    });
    expect(msg.id).toMatch(/^msg_bdrk_/);
    expect(msg.usage.output_tokens).toBe(1);
    const entry = emu.last();
    expect(entry).toMatchObject({
      httpVersion: "1.1",
      operation: "invoke",
      modelId: US_SONNET45,
      region: "us-east-1",
      authScheme: "sigv4",
    });
    // encodeURIPath keeps ":" raw (WIRE.md §3.1).
    expect(entry.path).toBe(`/model/${US_SONNET45}/invoke`);
    const body = entry.body as Record<string, unknown>;
    expect(body.model).toBeUndefined();
    expect(body.stream).toBeUndefined();
    expect(typeof body.anthropic_version).toBe("string");
  });

  it("routes an application-inference-profile ARN sent with a raw ':' and %2F", async () => {
    const msg = await emu.anthropic().messages.create({
      model: APP_ARN,
      max_tokens: 64,
      messages: [{ role: "user", content: "say-pong" }],
    });
    expect(msg.content).toEqual([{ type: "text", text: "pong" }]);
    expect(emu.last().path).toBe(
      `/model/arn:aws:bedrock:us-east-1:${DEFAULT_ACCOUNT_ID}:application-inference-profile%2F${APP_ID}/invoke`,
    );
    expect(emu.last().modelId).toBe(APP_ARN);
    expect(emu.last().notes.resolvedModel).toBe(MODELS.sonnet45);
  });

  it("a scripted tool_use reply comes back as tool_use blocks with stop_reason tool_use", async () => {
    const msg = await emu.anthropic().messages.create({
      model: US_SONNET45,
      max_tokens: 200,
      tools: TOOLS,
      messages: [{ role: "user", content: "weather-please" }],
    });
    expect(msg.stop_reason).toBe("tool_use");
    expect(msg.content).toEqual([
      { type: "text", text: "Let me check." },
      {
        type: "tool_use",
        id: "toolu_bdrk_01FIXEDTOOLID000000000",
        name: "get_weather",
        input: { city: "Paris", days: 3 },
      },
    ]);
  });

  it("anthropic-beta becomes anthropic_beta in the body", async () => {
    await emu
      .anthropic()
      .messages.create(
        { model: US_SONNET45, max_tokens: 16, messages: [{ role: "user", content: "say-pong" }] },
        { headers: { "anthropic-beta": "interleaved-thinking-2025-05-14, context-1m-2025-08-07" } },
      );
    const body = emu.last().body as Record<string, unknown>;
    expect(body.anthropic_beta).toEqual(["interleaved-thinking-2025-05-14", "context-1m-2025-08-07"]);
    expect(emu.last().status).toBe(200);
  });
});

describe("messages.stream", () => {
  it("finalMessage() assembles the streamed text", async () => {
    const stream = emu.anthropic().messages.stream({
      model: US_SONNET45,
      max_tokens: 64,
      messages: [{ role: "user", content: "say-pong" }],
    });
    const deltas: string[] = [];
    stream.on("text", (t) => deltas.push(t));
    const msg = await stream.finalMessage();
    expect(msg.content).toEqual([{ type: "text", text: "pong" }]);
    expect(deltas.join("")).toBe("pong");
    expect(msg.stop_reason).toBe("end_turn");
    expect(emu.last()).toMatchObject({
      operation: "invoke-with-response-stream",
      path: `/model/${US_SONNET45}/invoke-with-response-stream`,
      status: 200,
    });
  });

  it("a streamed tool call arrives as input_json_delta and parses into the same input", async () => {
    const msg = await emu
      .anthropic()
      .messages.stream({
        model: US_SONNET45,
        max_tokens: 200,
        tools: TOOLS,
        messages: [{ role: "user", content: "weather-please" }],
      })
      .finalMessage();
    expect(msg.stop_reason).toBe("tool_use");
    expect(msg.content[1]).toEqual({
      type: "tool_use",
      id: "toolu_bdrk_01FIXEDTOOLID000000000",
      name: "get_weather",
      input: { city: "Paris", days: 3 },
    });
  });

  it("an in-stream throttlingException becomes an APIError without a status", async () => {
    const err = await caught(() =>
      emu
        .anthropic()
        .messages.stream({
          model: US_SONNET45,
          max_tokens: 64,
          messages: [{ role: "user", content: "throttle-in-stream" }],
        })
        .finalMessage(),
    );
    expect(err).toBeInstanceOf(APIError);
    expect(err.status).toBeUndefined();
    expect(err.message).toContain("Too many tokens, please wait before trying again.");
    expect(JSON.stringify(err.error)).toContain("throttlingException");
  });

  it("a cut stream surfaces the event-stream decoder's 'Truncated event message received.'", async () => {
    const err = await caught(() =>
      emu
        .anthropic()
        .messages.stream({
          model: US_SONNET45,
          max_tokens: 64,
          messages: [{ role: "user", content: "cut-the-stream" }],
        })
        .finalMessage(),
    );
    expect(err.message).toContain("Truncated event message received.");
  });

  it("an SSE-re-encoding proxy still works for this SDK (it passes non-eventstream bodies through)", async () => {
    const msg = await emu
      .anthropic()
      .messages.stream({
        model: US_SONNET45,
        max_tokens: 64,
        messages: [{ role: "user", content: "sse-proxy" }],
      })
      .finalMessage();
    expect(msg.content).toEqual([{ type: "text", text: "through the proxy" }]);
  });
});

describe("errors map to the SDK's classes", () => {
  const create = (model: string, content = "hello") =>
    emu.anthropic().messages.create({ model, max_tokens: 16, messages: [{ role: "user", content }] });

  it("a model that is not enabled → PermissionDeniedError 403 with Bedrock's message", async () => {
    const err = await caught(() => create(`us.${MODELS.opus46}`));
    expect(err).toBeInstanceOf(PermissionDeniedError);
    expect(err.status).toBe(403);
    expect(err.message).toBe("403 You don't have access to the model with the specified model ID.");
  });

  it("a bare profile-only ID → BadRequestError 400 with the on-demand text", async () => {
    const err = await caught(() => create(MODELS.sonnet45));
    expect(err).toBeInstanceOf(BadRequestError);
    expect(err.status).toBe(400);
    expect(err.message).toBe(
      `400 Invocation of model ID ${MODELS.sonnet45} with on-demand throughput isn\u2019t supported. Retry your request with the ID or ARN of an inference profile that contains this model.`,
    );
    expect(emu.last().path).toBe(`/model/${MODELS.sonnet45}/invoke`);
  });

  it("use case not submitted → NotFoundError 404", async () => {
    const err = await caught(() => create(`us.${MODELS.sonnet46}`));
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err.status).toBe(404);
    expect(err.message).toMatch(/^404 Model use case details have not been submitted for this account\./);
  });

  it("429 → RateLimitError, and the SDK's own retries (maxRetries) are honoured", async () => {
    const mark = emu.mark();
    const err = await caught(() =>
      emu.anthropic({ maxRetries: 1 }).messages.create({
        model: US_SONNET45,
        max_tokens: 16,
        messages: [{ role: "user", content: "rate-limit-me" }],
      }),
    );
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err.status).toBe(429);
    expect(err.message).toBe("429 Too many requests, please wait before trying again.");
    expect(emu.since(mark).map((e) => e.status)).toEqual([429, 429]);
  });
});
