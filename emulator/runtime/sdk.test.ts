import { createServer as createHttp1Server, type IncomingMessage, type ServerResponse } from "node:http";
import {
  createServer as createHttp2Server,
  type Http2ServerRequest,
  type Http2ServerResponse,
} from "node:http2";
import type { AddressInfo } from "node:net";
import AnthropicBedrock from "@anthropic-ai/bedrock-sdk";
import {
  BedrockRuntimeClient,
  ConverseStreamCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
} from "@aws-sdk/client-bedrock-runtime";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeContext, SONNET, targetFor, testWorld } from "../../test/support/emulator-runtime.js";
import { renderRestJsonError } from "../http/errors.js";
import { BedrockError, type ResponseWriter, type RuntimeOperation } from "../http/types.js";
import type { World } from "../world/schema.js";
import { RuntimeEngine } from "./runtime.js";

/**
 * The engine behind a bare-bones server (no auth, no routing beyond the runtime paths) so the real clients
 * decode what it writes. The real spine lives in emulator/http; this only proves the bytes.
 */

type Req = IncomingMessage | Http2ServerRequest;
type Res = ServerResponse | Http2ServerResponse;

function writerFor(res: Res): ResponseWriter {
  // The compat APIs of node:http and node:http2 share these methods but not one declared type.
  const r = res as ServerResponse;
  let gone = false;
  res.on("close", () => {
    gone = true;
  });
  return {
    get closed() {
      return gone || r.destroyed;
    },
    send(status, headers, body) {
      r.writeHead(status, headers);
      r.end(body);
    },
    startStream(status, headers) {
      r.writeHead(status, headers);
      r.flushHeaders();
    },
    write(chunk) {
      return new Promise((resolve) => {
        r.write(chunk, () => resolve());
      });
    },
    end() {
      r.end();
    },
    cut() {
      // As the spine's writer does: end the body cleanly where it stands, like a proxy that gives up.
      gone = true;
      r.end();
    },
  };
}

function serve(world: World) {
  const engine = new RuntimeEngine(world);
  return async (req: Req, res: Res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const match = /^\/model\/([^/]+)\/([a-z-]+)$/.exec(req.url ?? "");
    const op = match?.[2] as RuntimeOperation;
    const writer = writerFor(res);
    try {
      await engine.handle(
        op,
        targetFor(world, SONNET, "foundation-model", decodeURIComponent(match?.[1] ?? "")),
        {
          method: req.method ?? "POST",
          rawPath: req.url ?? "",
          rawQuery: "",
          query: new URLSearchParams(),
          headers: {},
          body: Buffer.concat(chunks),
          httpVersion: req.httpVersion === "2.0" ? "2.0" : "1.1",
        },
        fakeContext(),
        writer,
      );
    } catch (err) {
      if (!(err instanceof BedrockError)) throw err;
      const rendered = renderRestJsonError(err);
      writer.send(rendered.status, rendered.headers, rendered.body);
    }
  };
}

const world = testWorld({
  script: [
    { promptIncludes: "cut me", fault: { kind: "cut", atByte: 200 } },
    { promptIncludes: "throttle me", fault: { kind: "stream-exception", exception: "throttlingException" } },
    { promptIncludes: "fail me", fault: { kind: "http", status: 503 } },
    {
      promptIncludes: "use a tool",
      reply: {
        content: [
          { type: "text", text: "Checking the weather now." },
          { type: "tool_use", name: "get_weather", input: { city: "Paris" } },
        ],
      },
    },
  ],
});

const h2 = createHttp2Server(serve(world));
const h1 = createHttp1Server(serve(world));
let h2Url = "";
let h1Url = "";

beforeAll(async () => {
  await new Promise<void>((r) => h2.listen(0, "127.0.0.1", r));
  await new Promise<void>((r) => h1.listen(0, "127.0.0.1", r));
  h2Url = `http://127.0.0.1:${(h2.address() as AddressInfo).port}`;
  h1Url = `http://127.0.0.1:${(h1.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((r) => h2.close(r));
  h1.closeAllConnections();
  await new Promise((r) => h1.close(r));
});

const credentials = { accessKeyId: "AKIAEXAMPLEEXAMPLE12", secretAccessKey: "secret" };

function awsClient() {
  return new BedrockRuntimeClient({ region: "us-east-1", endpoint: h2Url, credentials, maxAttempts: 1 });
}

function invokeBody(text: string) {
  return JSON.stringify({
    anthropic_version: "bedrock-2023-05-31",
    max_tokens: 256,
    messages: [{ role: "user", content: text }],
  });
}

describe("real clients against the engine", () => {
  it("AWS SDK over h2 decodes InvokeModel and the response stream", async () => {
    const client = awsClient();
    const plain = await client.send(new InvokeModelCommand({ modelId: SONNET, body: invokeBody("hi") }));
    expect(JSON.parse(Buffer.from(plain.body).toString("utf8")).stop_reason).toBe("end_turn");

    const out = await client.send(
      new InvokeModelWithResponseStreamCommand({ modelId: SONNET, body: invokeBody("hello") }),
    );
    expect(out.contentType).toBe("application/json");
    const types: string[] = [];
    for await (const event of out.body!) {
      types.push(JSON.parse(Buffer.from(event.chunk!.bytes!).toString("utf8")).type);
    }
    expect(types[0]).toBe("message_start");
    expect(types.at(-1)).toBe("message_stop");
    client.destroy();
  });

  it("AWS SDK reports a cut stream as a truncated event message", async () => {
    const client = awsClient();
    const run = async () => {
      const out = await client.send(
        new InvokeModelWithResponseStreamCommand({ modelId: SONNET, body: invokeBody("cut me") }),
      );
      for await (const _ of out.body!) {
        // drain
      }
    };
    await expect(run()).rejects.toThrow("Truncated event message received.");
    client.destroy();
  });

  it("AWS SDK over HTTP/1.1 reports a cut stream as a truncated event message", async () => {
    const client = new BedrockRuntimeClient({
      region: "us-east-1",
      endpoint: h1Url,
      credentials,
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler(),
    });
    const run = async () => {
      const out = await client.send(
        new InvokeModelWithResponseStreamCommand({ modelId: SONNET, body: invokeBody("cut me") }),
      );
      for await (const _ of out.body!) {
        // drain
      }
    };
    await expect(run()).rejects.toThrow("Truncated event message received.");
    client.destroy();
  });

  it("AWS SDK surfaces an in-stream throttlingException as ThrottlingException", async () => {
    const client = awsClient();
    const run = async () => {
      const out = await client.send(
        new InvokeModelWithResponseStreamCommand({ modelId: SONNET, body: invokeBody("throttle me") }),
      );
      for await (const _ of out.body!) {
        // drain
      }
    };
    await expect(run()).rejects.toMatchObject({ name: "ThrottlingException" });
    client.destroy();
  });

  it("AWS SDK decodes ConverseStream members, padding and all", async () => {
    const client = awsClient();
    const out = await client.send(
      new ConverseStreamCommand({
        modelId: SONNET,
        messages: [{ role: "user", content: [{ text: "use a tool" }] }],
      }),
    );
    const seen: string[] = [];
    let input = "";
    for await (const event of out.stream!) {
      const [name] = Object.keys(event);
      seen.push(name!);
      if (event.contentBlockDelta?.delta?.toolUse) input += event.contentBlockDelta.delta.toolUse.input;
      if (event.metadata) expect(event.metadata.usage?.totalTokens).toBeGreaterThan(0);
    }
    expect(seen[0]).toBe("messageStart");
    expect(seen).toContain("contentBlockStart");
    expect(seen.slice(-2)).toEqual(["messageStop", "metadata"]);
    expect(JSON.parse(input)).toEqual({ city: "Paris" });
    client.destroy();
  });

  it("Anthropic Bedrock SDK over HTTP/1.1 streams a final message and sees HTTP faults", async () => {
    const client = new AnthropicBedrock({
      baseURL: h1Url,
      awsRegion: "us-east-1",
      awsAccessKey: credentials.accessKeyId,
      awsSecretKey: credentials.secretAccessKey,
      maxRetries: 0,
    });
    const message = await client.messages
      .stream({ model: SONNET, max_tokens: 256, messages: [{ role: "user", content: "use a tool" }] })
      .finalMessage();
    expect(message.stop_reason).toBe("tool_use");
    expect(message.content.map((b) => b.type)).toEqual(["text", "tool_use"]);
    const created = await client.messages.create({
      model: SONNET,
      max_tokens: 256,
      messages: [{ role: "user", content: "hi" }],
    });
    expect(created.id).toMatch(/^msg_bdrk_/);
    await expect(
      client.messages.create({
        model: SONNET,
        max_tokens: 256,
        messages: [{ role: "user", content: "fail me" }],
      }),
    ).rejects.toMatchObject({ status: 503 });
  });
});
