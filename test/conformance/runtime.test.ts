import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  CountTokensCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
} from "@aws-sdk/client-bedrock-runtime";
import { describe, expect, it } from "vitest";
import {
  anthropicBody,
  collect,
  DEFAULT_ACCOUNT_ID,
  DEFAULT_CREDENTIALS,
  decodeChunk,
  type EmulatorHandle,
  EU_SONNET45,
  GLOBAL_SONNET45,
  MODELS,
  sharedEmulator,
  US_SONNET45,
  withEnv,
  worldWith,
} from "./helpers.js";

/**
 * The five runtime operations through the AWS SDK's own clients, over HTTP/2 (the runtime client's default
 * NodeHttp2Handler) and HTTP/1.1 (NodeHttpHandler), with every model-ID form a client puts in the path.
 */

const APP_PROFILE_ID = "abc123def456";
const APP_PROFILE_ARN = `arn:aws:bedrock:us-east-1:${DEFAULT_ACCOUNT_ID}:application-inference-profile/${APP_PROFILE_ID}`;
const PROFILE_ARN = `arn:aws:bedrock:us-east-1:${DEFAULT_ACCOUNT_ID}:inference-profile/${US_SONNET45}`;
const HAIKU3_ARN = `arn:aws:bedrock:us-east-1::foundation-model/${MODELS.haiku3}`;

const emu = sharedEmulator(
  worldWith((w) => {
    w.applicationProfiles = [
      { id: APP_PROFILE_ID, name: "team-app", region: "us-east-1", copyFrom: US_SONNET45 },
    ];
    w.script = [
      {
        promptIncludes: "conformance-ping",
        reply: { content: [{ type: "text", text: "pong from the emulator" }] },
      },
    ];
  }),
);

type Transport = {
  name: string;
  httpVersion: "2.0" | "1.1";
  client: (h: EmulatorHandle, region?: string) => BedrockRuntimeClient;
};
const transports: Transport[] = [
  { name: "HTTP/2 (default handler)", httpVersion: "2.0", client: (h, region) => h.runtime({ region }) },
  { name: "HTTP/1.1 (NodeHttpHandler)", httpVersion: "1.1", client: (h, region) => h.runtimeH1({ region }) },
];

describe.each(transports)("runtime over $name", ({ httpVersion, client }) => {
  it("InvokeModel with a us. profile ID returns the Anthropic message as application/json", async () => {
    const mark = emu.mark();
    const out = await client(emu).send(
      new InvokeModelCommand({
        modelId: US_SONNET45,
        contentType: "application/json",
        body: anthropicBody("conformance-ping"),
      }),
    );
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(out.contentType).toBe("application/json");
    const msg = JSON.parse(out.body.transformToString());
    expect(msg).toMatchObject({
      type: "message",
      role: "assistant",
      model: "claude-sonnet-4-5-20250929",
      content: [{ type: "text", text: "pong from the emulator" }],
      stop_reason: "end_turn",
      stop_sequence: null,
    });
    expect(msg.id).toMatch(/^msg_bdrk_/);
    expect(msg.usage.input_tokens).toBeGreaterThan(0);
    expect(msg.usage.output_tokens).toBeGreaterThan(0);

    const [entry, ...rest] = emu.since(mark);
    expect(rest).toHaveLength(0);
    expect(entry).toMatchObject({
      httpVersion,
      method: "POST",
      service: "bedrock-runtime",
      operation: "invoke",
      modelId: US_SONNET45,
      region: "us-east-1",
      authScheme: "sigv4",
      status: 200,
    });
    // The AWS SDK label-encodes ":" (WIRE.md §3.1); the log keeps the raw path.
    expect(entry!.path).toBe("/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/invoke");
  });

  it("InvokeModelWithResponseStream yields base64 Anthropic events ending in message_stop with invocation metrics", async () => {
    const mark = emu.mark();
    const out = await client(emu).send(
      new InvokeModelWithResponseStreamCommand({
        modelId: US_SONNET45,
        body: anthropicBody("conformance-ping"),
      }),
    );
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(out.contentType).toBe("application/json");
    const events = (await collect(out.body)).map((e) => decodeChunk(e.chunk?.bytes));
    const types = events.map((e) => e.type);
    expect(types[0]).toBe("message_start");
    expect(types.slice(-2)).toEqual(["message_delta", "message_stop"]);
    expect(types).toContain("content_block_start");
    expect(types).toContain("content_block_stop");
    const text = events
      .filter((e) => e.type === "content_block_delta")
      .map((e) => (e.delta as { text?: string }).text ?? "")
      .join("");
    expect(text).toBe("pong from the emulator");
    const stop = events.at(-1)!;
    const metrics = stop["amazon-bedrock-invocationMetrics"] as Record<string, number>;
    expect(metrics).toBeDefined();
    expect(metrics.inputTokenCount).toBeGreaterThan(0);
    expect(metrics.outputTokenCount).toBeGreaterThan(0);
    expect(typeof metrics.invocationLatency).toBe("number");
    expect(typeof metrics.firstByteLatency).toBe("number");
    expect(metrics.firstByteLatency).toBeLessThanOrEqual(metrics.invocationLatency!);

    const entry = emu.since(mark)[0]!;
    expect(entry).toMatchObject({
      httpVersion,
      operation: "invoke-with-response-stream",
      modelId: US_SONNET45,
      status: 200,
    });
  });

  it("Converse returns output.message, stopReason, usage and metrics", async () => {
    const mark = emu.mark();
    const out = await client(emu).send(
      new ConverseCommand({
        modelId: US_SONNET45,
        messages: [{ role: "user", content: [{ text: "conformance-ping" }] }],
        inferenceConfig: { maxTokens: 100 },
      }),
    );
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(out.output?.message).toEqual({ role: "assistant", content: [{ text: "pong from the emulator" }] });
    expect(out.stopReason).toBe("end_turn");
    expect(out.usage!.inputTokens).toBeGreaterThan(0);
    expect(out.usage!.outputTokens).toBeGreaterThan(0);
    expect(out.usage!.totalTokens).toBe(out.usage!.inputTokens! + out.usage!.outputTokens!);
    expect(typeof out.metrics?.latencyMs).toBe("number");
    expect(emu.since(mark)[0]).toMatchObject({
      httpVersion,
      operation: "converse",
      modelId: US_SONNET45,
      status: 200,
    });
  });

  it("ConverseStream sends messageStart, text deltas (no contentBlockStart for text), messageStop, metadata", async () => {
    const mark = emu.mark();
    const out = await client(emu).send(
      new ConverseStreamCommand({
        modelId: US_SONNET45,
        messages: [{ role: "user", content: [{ text: "conformance-ping" }] }],
      }),
    );
    const events = await collect(out.stream);
    const kinds = events.map((e) => eventKind(e));
    expect(kinds[0]).toBe("messageStart");
    expect(events[0]!.messageStart).toEqual({ role: "assistant" });
    expect(kinds).not.toContain("contentBlockStart");
    expect(kinds.slice(-3)).toEqual(["contentBlockStop", "messageStop", "metadata"]);
    const text = events.map((e) => e.contentBlockDelta?.delta?.text ?? "").join("");
    expect(text).toBe("pong from the emulator");
    expect(events.at(-2)!.messageStop?.stopReason).toBe("end_turn");
    const meta = events.at(-1)!.metadata!;
    expect(meta.usage!.totalTokens).toBe(meta.usage!.inputTokens! + meta.usage!.outputTokens!);
    expect(typeof meta.metrics?.latencyMs).toBe("number");
    expect(emu.since(mark)[0]).toMatchObject({ httpVersion, operation: "converse-stream", status: 200 });
  });

  it("CountTokens counts an InvokeModel body and a Converse input for a bare foundation-model ID", async () => {
    const mark = emu.mark();
    const c = client(emu);
    const viaInvoke = await c.send(
      new CountTokensCommand({
        modelId: MODELS.sonnet45,
        input: {
          invokeModel: { body: new TextEncoder().encode(anthropicBody("count these tokens please")) },
        },
      }),
    );
    expect(viaInvoke.$metadata.httpStatusCode).toBe(200);
    expect(viaInvoke.inputTokens).toBeGreaterThan(0);
    const viaConverse = await c.send(
      new CountTokensCommand({
        modelId: MODELS.sonnet45,
        input: {
          converse: { messages: [{ role: "user", content: [{ text: "count these tokens please" }] }] },
        },
      }),
    );
    expect(viaConverse.inputTokens).toBeGreaterThan(0);
    const longer = await c.send(
      new CountTokensCommand({
        modelId: MODELS.sonnet45,
        input: {
          converse: {
            messages: [{ role: "user", content: [{ text: "count these tokens please ".repeat(50) }] }],
          },
        },
      }),
    );
    expect(longer.inputTokens).toBeGreaterThan(viaConverse.inputTokens!);
    const entries = emu.since(mark);
    expect(entries.map((e) => [e.httpVersion, e.operation, e.modelId, e.status])).toEqual([
      [httpVersion, "count-tokens", MODELS.sonnet45, 200],
      [httpVersion, "count-tokens", MODELS.sonnet45, 200],
      [httpVersion, "count-tokens", MODELS.sonnet45, 200],
    ]);
  });

  it.each([
    ["inference-profile ARN", PROFILE_ARN, "us-east-1", MODELS.sonnet45],
    ["application-inference-profile ARN (%2F in the path)", APP_PROFILE_ARN, "us-east-1", MODELS.sonnet45],
    ["on-demand bare foundation-model ID", MODELS.haiku3, "us-east-1", MODELS.haiku3],
    ["foundation-model ARN", HAIKU3_ARN, "us-east-1", MODELS.haiku3],
    ["eu. profile from eu-west-1", EU_SONNET45, "eu-west-1", MODELS.sonnet45],
    ["global. profile from us-west-2", GLOBAL_SONNET45, "us-west-2", MODELS.sonnet45],
  ])("InvokeModel accepts the %s form", async (_label, modelId, region, backing) => {
    const mark = emu.mark();
    const out = await client(emu, region).send(
      new InvokeModelCommand({ modelId, body: anthropicBody("conformance-ping") }),
    );
    expect(JSON.parse(out.body.transformToString()).content[0].text).toBe("pong from the emulator");
    const entry = emu.since(mark)[0]!;
    expect(entry).toMatchObject({ httpVersion, modelId, region, status: 200 });
    expect(entry.notes.resolvedModel).toBe(backing);
    // ":" and "/" travel label-encoded from the AWS SDK (WIRE.md §3.1).
    expect(entry.path).toBe(`/model/${encodeURIComponent(modelId)}/invoke`);
  });
});

/** The union member a ConverseStream event carries. */
function eventKind(e: object): string | undefined {
  return Object.entries(e).find(([, v]) => v !== undefined)?.[0];
}

describe("endpoint from the environment", () => {
  it("AWS_ENDPOINT_URL_BEDROCK_RUNTIME points an unconfigured runtime client at the emulator (over HTTP/2)", async () => {
    const mark = emu.mark();
    await withEnv({ AWS_ENDPOINT_URL_BEDROCK_RUNTIME: emu.url }, async () => {
      const client = new BedrockRuntimeClient({ region: "us-west-2", credentials: DEFAULT_CREDENTIALS });
      try {
        const out = await client.send(
          new InvokeModelCommand({ modelId: US_SONNET45, body: anthropicBody("conformance-ping") }),
        );
        expect(out.$metadata.httpStatusCode).toBe(200);
      } finally {
        client.destroy();
      }
    });
    expect(emu.since(mark).map((e) => [e.httpVersion, e.region, e.modelId, e.status])).toEqual([
      ["2.0", "us-west-2", US_SONNET45, 200],
    ]);
  });
});
