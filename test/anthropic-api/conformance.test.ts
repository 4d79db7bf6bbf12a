import { AnthropicBedrockMantle } from "@anthropic-ai/bedrock-sdk";
import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DEFAULT_ACCESS_KEY_ID,
  DEFAULT_SECRET_ACCESS_KEY,
  defaultWorld,
  type RunningEmulator,
  startEmulator,
} from "../../emulator/index.js";

// Unmodified SDK clients against the emulator's stand-ins: what they send is what the real services get.
const KEY = "sk-ant-api03-conformance-0001";
let em: RunningEmulator;
beforeAll(async () => {
  const world = defaultWorld();
  world.anthropicApi = { apiKeys: [KEY], authTokens: ["gateway-token-0001"] };
  world.script = [{ model: "sonnet", promptIncludes: "overload", fault: { kind: "http", status: 529 } }];
  em = await startEmulator({ world });
});
afterAll(() => em.close());

const api = (apiKey = KEY) => new Anthropic({ baseURL: em.url, apiKey, maxRetries: 0 });
const mantle = (secret = DEFAULT_SECRET_ACCESS_KEY) =>
  new AnthropicBedrockMantle({
    awsRegion: "us-east-1",
    baseURL: `${em.url}/anthropic`,
    awsAccessKey: DEFAULT_ACCESS_KEY_ID,
    awsSecretAccessKey: secret,
    maxRetries: 0,
  });
const ask = { max_tokens: 64, messages: [{ role: "user" as const, content: "hello there" }] };

describe("@anthropic-ai/sdk against the Anthropic API stand-in", () => {
  it("answers a message and streams SSE events to a final message", async () => {
    const reply = await api().messages.create({ model: "claude-sonnet-4-6", ...ask });
    expect(reply.type).toBe("message");
    expect(reply.content[0]).toMatchObject({ type: "text" });
    expect(reply.usage.input_tokens).toBeGreaterThan(0);
    const stream = api().messages.stream({ model: "claude-sonnet-4-5", ...ask });
    const kinds: string[] = [];
    stream.on("streamEvent", (e) => kinds.push(e.type));
    const final = await stream.finalMessage();
    expect(final.stop_reason).toBe("end_turn");
    expect(kinds[0]).toBe("message_start");
    expect(kinds.at(-1)).toBe("message_stop");
  });

  it("refuses a wrong key, an unknown model and an overload in Anthropic's error shapes", async () => {
    const wrong = await api("sk-ant-api03-nope-0000")
      .messages.create({ model: "claude-sonnet-4-6", ...ask })
      .catch((e) => e);
    expect(wrong).toBeInstanceOf(Anthropic.AuthenticationError);
    expect(wrong.status).toBe(401);
    expect(wrong.error).toMatchObject({ type: "error", error: { type: "authentication_error" } });
    const unknown = await api()
      .messages.create({ model: "claude-nope-1", ...ask })
      .catch((e) => e);
    expect(unknown).toBeInstanceOf(Anthropic.NotFoundError);
    expect(unknown.error).toMatchObject({
      type: "error",
      error: { type: "not_found_error", message: "model: claude-nope-1" },
    });
    const busy = await api()
      .messages.create({
        model: "claude-sonnet-4-6",
        max_tokens: 8,
        messages: [{ role: "user", content: "overload" }],
      })
      .catch((e) => e);
    expect(busy.status).toBe(529);
    expect(busy.error).toMatchObject({
      type: "error",
      error: { type: "overloaded_error", message: "Overloaded" },
    });
  });

  it("takes a gateway's bearer token", async () => {
    const client = new Anthropic({
      baseURL: `${em.url}/litellm`,
      authToken: "gateway-token-0001",
      apiKey: null,
      maxRetries: 0,
    });
    const reply = await client.messages.create({ model: "claude-haiku-4-5", ...ask });
    expect(reply.role).toBe("assistant");
    expect(em.log.at(-1)).toMatchObject({ path: "/litellm/v1/messages", authScheme: "bearer", status: 200 });
  });
});

describe("@anthropic-ai/bedrock-sdk AnthropicBedrockMantle against the Mantle stand-in", () => {
  it("signs for bedrock-mantle and is answered for a bare model ID, streaming too", async () => {
    const reply = await mantle().messages.create({ model: "anthropic.claude-sonnet-4-6", ...ask });
    expect(reply.content[0]).toMatchObject({ type: "text" });
    const entry = em.log.at(-1)!;
    expect(entry).toMatchObject({
      service: "bedrock-mantle",
      authScheme: "sigv4",
      identity: "default",
      status: 200,
    });
    expect(entry.headers.authorization).toContain("/us-east-1/bedrock-mantle/aws4_request");
    const final = await mantle()
      .messages.stream({ model: "anthropic.claude-haiku-4-5-20251001", ...ask })
      .finalMessage();
    expect(final.stop_reason).toBe("end_turn");
  });

  it("refuses a bad signature, a us. profile ID and a versioned ID", async () => {
    const bad = await mantle("wrong-secret")
      .messages.create({ model: "anthropic.claude-sonnet-4-6", ...ask })
      .catch((e) => e);
    expect(bad.status).toBe(403);
    expect(bad.error.error.message).toMatch(/request signature we calculated does not match/);
    for (const model of ["us.anthropic.claude-sonnet-4-6", "anthropic.claude-sonnet-4-5-20250929-v1:0"]) {
      const refused = await mantle()
        .messages.create({ model, ...ask })
        .catch((e) => e);
      expect(refused.status).toBe(404);
      expect(refused.error.error).toEqual({ type: "not_found_error", message: `model: ${model}` });
    }
  });
});
