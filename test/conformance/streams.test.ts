import http from "node:http";
import http2 from "node:http2";
import { EventStreamCodec, type Message } from "@smithy/eventstream-codec";
import { fromUtf8, toUtf8 } from "@smithy/util-utf8";
import { describe, expect, it } from "vitest";
import { anthropicBody, sharedEmulator, US_SONNET45, worldWith } from "./helpers.js";

/**
 * The event stream on the wire (WIRE.md §6), read with raw node:http / node:http2 clients and decoded frame by
 * frame with @smithy/eventstream-codec, which checks both CRCs. Auth is off here so the bytes are the point.
 */

const codec = new EventStreamCodec(toUtf8, fromUtf8);

const emu = sharedEmulator(
  worldWith((w) => {
    w.auth = "none";
    w.script = [
      {
        promptIncludes: "frames-please",
        reply: { content: [{ type: "text", text: "Frames, frames, frames." }] },
      },
      {
        promptIncludes: "throttle-me",
        reply: { content: [{ type: "text", text: "never finished" }] },
        fault: { kind: "stream-exception", exception: "throttlingException", afterEvents: 1 },
      },
    ];
  }),
);

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** Arrival time (ms since the request) of each body chunk. */
  arrivals: number[];
}

function postH1(url: string, path: string, body: string): Promise<RawResponse> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${url}${path}`,
      { method: "POST", headers: { "content-type": "application/json" } },
      (res) => {
        const chunks: Buffer[] = [];
        const arrivals: number[] = [];
        res.on("data", (c: Buffer) => {
          chunks.push(c);
          arrivals.push(Date.now() - started);
        });
        res.on("end", () =>
          resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks), arrivals }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

function postH2(url: string, path: string, body: string): Promise<RawResponse> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const session = http2.connect(url);
    session.on("error", reject);
    const stream = session.request({ ":method": "POST", ":path": path, "content-type": "application/json" });
    let status = 0;
    let headers: Record<string, string | string[] | undefined> = {};
    const chunks: Buffer[] = [];
    const arrivals: number[] = [];
    stream.on("response", (h) => {
      status = Number(h[":status"]);
      headers = h as Record<string, string | string[] | undefined>;
    });
    stream.on("data", (c: Buffer) => {
      chunks.push(c);
      arrivals.push(Date.now() - started);
    });
    stream.on("end", () => {
      session.close();
      resolve({ status, headers, body: Buffer.concat(chunks), arrivals });
    });
    stream.on("error", reject);
    stream.end(body);
  });
}

/** Splits a body into frames by their total_len prelude and decodes each (CRCs verified by the codec). */
function frames(body: Buffer): Message[] {
  const out: Message[] = [];
  let offset = 0;
  while (offset < body.length) {
    const total = body.readUInt32BE(offset);
    expect(offset + total).toBeLessThanOrEqual(body.length);
    out.push(codec.decode(body.subarray(offset, offset + total)));
    offset += total;
  }
  return out;
}

const headerValues = (m: Message) =>
  Object.fromEntries(Object.entries(m.headers).map(([k, v]) => [k, v.value]));
const payload = (m: Message) => JSON.parse(Buffer.from(m.body).toString("utf8")) as Record<string, unknown>;
const streamPath = `/model/${encodeURIComponent(US_SONNET45)}/invoke-with-response-stream`;

describe.each([
  ["HTTP/1.1", postH1],
  ["HTTP/2", postH2],
])("InvokeModelWithResponseStream bytes over %s", (_name, post) => {
  it("answers application/vnd.amazon.eventstream with chunk frames carrying base64 Anthropic events", async () => {
    const res = await post(emu.url, streamPath, anthropicBody("frames-please"));
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("application/vnd.amazon.eventstream");
    expect(res.headers["x-amzn-bedrock-content-type"]).toBe("application/json");
    expect(res.headers["x-amzn-requestid"]).toMatch(/^[0-9a-f-]{36}$/);
    if (_name === "HTTP/1.1") expect(res.headers["transfer-encoding"]).toBe("chunked");

    const decoded = frames(res.body);
    expect(decoded.length).toBeGreaterThanOrEqual(6);
    const events = decoded.map((m) => {
      expect(headerValues(m)).toEqual({
        ":event-type": "chunk",
        ":content-type": "application/json",
        ":message-type": "event",
      });
      // Only string headers (type 7) on Bedrock's frames.
      for (const h of Object.values(m.headers)) expect(h.type).toBe("string");
      const p = payload(m);
      expect(Object.keys(p).filter((k) => k !== "p")).toEqual(["bytes"]);
      if (p.p !== undefined) expect(p.p).toMatch(/^[A-Za-z0-9]+$/);
      expect(p.bytes).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
      return JSON.parse(Buffer.from(p.bytes as string, "base64").toString("utf8")) as { type: string };
    });
    expect(events.map((e) => e.type)).toEqual([
      "message_start",
      "content_block_start",
      ...events.slice(2, -3).map(() => "content_block_delta"),
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
  });

  it("an in-stream exception is one exception frame, last, with a {message} payload", async () => {
    const res = await post(emu.url, streamPath, anthropicBody("throttle-me"));
    expect(res.status).toBe(200);
    const decoded = frames(res.body);
    const last = decoded.at(-1)!;
    expect(headerValues(last)).toEqual({
      ":exception-type": "throttlingException",
      ":content-type": "application/json",
      ":message-type": "exception",
    });
    expect(payload(last)).toEqual({ message: "Too many tokens, please wait before trying again." });
    expect(decoded.slice(0, -1).every((m) => headerValues(m)[":message-type"] === "event")).toBe(true);
  });
});

describe("ConverseStream bytes", () => {
  it("each frame's payload is the member struct itself, named by :event-type", async () => {
    const res = await postH1(
      emu.url,
      `/model/${encodeURIComponent(US_SONNET45)}/converse-stream`,
      JSON.stringify({ messages: [{ role: "user", content: [{ text: "frames-please" }] }] }),
    );
    expect(res.headers["content-type"]).toBe("application/vnd.amazon.eventstream");
    const decoded = frames(res.body);
    const types = decoded.map((m) => headerValues(m)[":event-type"]);
    expect(types[0]).toBe("messageStart");
    expect(types.slice(-3)).toEqual(["contentBlockStop", "messageStop", "metadata"]);
    const strip = (p: Record<string, unknown>) => {
      const { p: _padding, ...rest } = p;
      return rest;
    };
    expect(strip(payload(decoded[0]!))).toEqual({ role: "assistant" });
    expect(strip(payload(decoded[1]!))).toEqual({
      contentBlockIndex: 0,
      delta: { text: expect.any(String) },
    });
    expect(strip(payload(decoded.at(-2)!))).toEqual({ stopReason: "end_turn" });
    const meta = strip(payload(decoded.at(-1)!)) as {
      usage: Record<string, number>;
      metrics: { latencyMs: number };
    };
    expect(meta.usage.totalTokens).toBe(meta.usage.inputTokens! + meta.usage.outputTokens!);
    expect(typeof meta.metrics.latencyMs).toBe("number");
  });
});

describe("pacing", () => {
  const paced = sharedEmulator(
    worldWith((w) => {
      w.auth = "none";
      w.latency = { requestMs: 0, firstTokenMs: 0, tokensPerSecond: 200 };
      w.script = [
        {
          reply: {
            content: [{ type: "text", text: "one two three four five six seven eight nine ten ".repeat(3) }],
          },
        },
      ];
    }),
  );

  it("tokensPerSecond spreads frames over time: each is flushed as it is produced, not buffered", async () => {
    const res = await postH1(paced.url, streamPath, anthropicBody("pace me"));
    const decoded = frames(res.body);
    expect(decoded.length).toBeGreaterThan(5);
    // ~40 output tokens at 200/s ≈ 200 ms between the first and the last chunk.
    expect(res.arrivals.length).toBeGreaterThan(3);
    expect(res.arrivals.at(-1)! - res.arrivals[0]!).toBeGreaterThanOrEqual(100);
  });
});
