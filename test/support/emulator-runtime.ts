import { getChunkedStream } from "@smithy/core/event-streams";
import { EventStreamCodec, type Message } from "@smithy/eventstream-codec";
import { fromUtf8, toUtf8 } from "@smithy/util-utf8";
import type {
  CallContext,
  EmulatorRequest,
  InvocationTarget,
  ResponseWriter,
} from "../../emulator/http/types.js";
import { World, type WorldInput } from "../../emulator/world/schema.js";

/** Fakes and decoders for the runtime's unit tests (not used by the emulator itself). */

/** A ResponseWriter that records what the engine wrote. */
export class FakeWriter implements ResponseWriter {
  status: number | undefined;
  headers: Record<string, string> = {};
  chunks: Buffer[] = [];
  mode: "send" | "stream" | undefined;
  ended = false;
  wasCut = false;
  private gone = false;

  get closed(): boolean {
    return this.gone;
  }

  /** Simulates the client going away. */
  disconnect(): void {
    this.gone = true;
  }

  send(status: number, headers: Record<string, string>, body: Buffer | string): void {
    this.assertFresh();
    this.mode = "send";
    this.status = status;
    this.headers = headers;
    this.chunks.push(Buffer.from(body));
    this.ended = true;
  }

  startStream(status: number, headers: Record<string, string>): void {
    this.assertFresh();
    this.mode = "stream";
    this.status = status;
    this.headers = headers;
  }

  async write(chunk: Buffer | string): Promise<void> {
    if (this.mode !== "stream") throw new Error("write before startStream");
    if (this.ended) throw new Error("write after end");
    this.chunks.push(Buffer.from(chunk));
  }

  end(): void {
    this.ended = true;
  }

  cut(): void {
    this.wasCut = true;
    this.gone = true;
  }

  get body(): Buffer {
    return Buffer.concat(this.chunks);
  }

  json(): Record<string, unknown> {
    return JSON.parse(this.body.toString("utf8")) as Record<string, unknown>;
  }

  private assertFresh(): void {
    if (this.mode !== undefined) throw new Error("response already started");
  }
}

export const SONNET = "anthropic.claude-sonnet-4-5-20250929-v1:0";
export const HAIKU = "anthropic.claude-3-haiku-20240307-v1:0";

/** A small valid world: Sonnet 4.5 (caching) and Claude 3 Haiku (no caching, small limits). */
export function testWorld(overrides: Partial<WorldInput> = {}): World {
  return World.parse({
    accountId: "123456789012",
    regions: ["us-east-1"],
    models: [
      {
        modelId: SONNET,
        modelName: "Claude Sonnet 4.5",
        anthropicModel: "claude-sonnet-4-5-20250929",
        regions: ["us-east-1"],
        inferenceTypes: ["INFERENCE_PROFILE"],
      },
      {
        modelId: HAIKU,
        modelName: "Claude 3 Haiku",
        regions: ["us-east-1"],
        inferenceTypes: ["ON_DEMAND"],
        maxOutputTokens: 4096,
        contextWindow: 1000,
        promptCaching: false,
      },
    ],
    ...overrides,
  });
}

/** The resolved target for a model of the world, as the spine would pass it. */
export function targetFor(
  world: World,
  modelId: string,
  kind: InvocationTarget["kind"] = "foundation-model",
  requestedId: string = kind === "system-profile" ? `us.${modelId}` : modelId,
): InvocationTarget {
  const model = world.models.find((m) => m.modelId === modelId);
  if (!model) throw new Error(`no model ${modelId}`);
  const fmArn = `arn:aws:bedrock:us-east-1::foundation-model/${modelId}`;
  return {
    requestedId,
    kind,
    model,
    resourceArn:
      kind === "system-profile"
        ? `arn:aws:bedrock:us-east-1:123456789012:inference-profile/${requestedId}`
        : fmArn,
    routedModelArns: [fmArn],
  };
}

/** A call context that keeps its notes. */
export function fakeContext(): CallContext & { notes: Record<string, unknown> } {
  const notes: Record<string, unknown> = {};
  return {
    requestId: "11111111-2222-3333-4444-555555555555",
    region: "us-east-1",
    identity: undefined,
    notes,
    note(key, value) {
      notes[key] = value;
    },
  };
}

/** A request carrying a JSON (or raw) body. */
export function requestWith(body: unknown): EmulatorRequest {
  const raw = typeof body === "string" ? body : JSON.stringify(body);
  return {
    method: "POST",
    rawPath: "/model/x/invoke",
    rawQuery: "",
    query: new URLSearchParams(),
    headers: { "content-type": "application/json" },
    body: Buffer.from(raw, "utf8"),
    httpVersion: "2.0",
  };
}

const codec = new EventStreamCodec(toUtf8, fromUtf8);

/** Splits a body into messages with the SDK's own chunker (it throws "Truncated event message received."). */
export async function decodeFrames(body: Buffer, chunkSize = 7): Promise<Message[]> {
  async function* pieces(): AsyncGenerator<Uint8Array> {
    // Odd-sized pieces prove frames do not depend on HTTP chunk boundaries.
    for (let i = 0; i < body.byteLength; i += chunkSize)
      yield new Uint8Array(body.subarray(i, i + chunkSize));
  }
  const out: Message[] = [];
  for await (const frame of getChunkedStream(pieces())) out.push(codec.decode(frame));
  return out;
}

/** A frame's string headers. */
export function headerValues(message: Message): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, header] of Object.entries(message.headers)) out[name] = String(header.value);
  return out;
}

/** A frame's payload as JSON. */
export function payloadJson(message: Message): Record<string, unknown> {
  return JSON.parse(toUtf8(message.body)) as Record<string, unknown>;
}

/** The Anthropic event inside an InvokeModelWithResponseStream chunk frame. */
export function chunkEvent(message: Message): Record<string, unknown> {
  const payload = payloadJson(message);
  return JSON.parse(Buffer.from(String(payload.bytes), "base64").toString("utf8")) as Record<string, unknown>;
}

/** An Anthropic body with defaults filled in. */
export function anthropicBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    anthropic_version: "bedrock-2023-05-31",
    max_tokens: 1024,
    messages: [{ role: "user", content: "Hello there, emulator" }],
    ...overrides,
  };
}
