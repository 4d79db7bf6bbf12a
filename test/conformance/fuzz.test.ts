import net from "node:net";
import { InvokeModelCommand } from "@aws-sdk/client-bedrock-runtime";
import { describe, expect, it } from "vitest";
import { anthropicBody, type EmulatorHandle, sharedEmulator, US_SONNET45, worldWith } from "./helpers.js";

/**
 * Robustness: seeded random raw HTTP/1.1 traffic (paths, methods, headers, bodies, Authorization values) and
 * broken HTTP/2 prefaces. The emulator must always answer with a well-formed HTTP error (or success), never
 * hang, never crash, never hit its own internal-error path, and still serve a normal request afterwards.
 */

const ITERATIONS = 200;
const PER_REQUEST_TIMEOUT_MS = 2000;

/** mulberry32: small, seeded, reproducible. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
    bytes: (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(next() * 256))),
  };
}
type Rng = ReturnType<typeof prng>;

const PROFILE = encodeURIComponent(US_SONNET45);
const OPS = ["invoke", "invoke-with-response-stream", "converse", "converse-stream", "count-tokens"] as const;

function randomPath(r: Rng): string {
  return r.pick([
    () => `/model/${PROFILE}/${r.pick(OPS)}`,
    () =>
      `/model/${r.pick(["", "%", "%ZZ", "%E0%A4%A", "..", "a/b/c", "%2F%2F", "x".repeat(3000)])}/${r.pick(OPS)}`,
    () =>
      `/model/arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/${r.pick(["abc", "zzzzzzzzzzzz", ""])}/invoke`,
    () => r.pick(["/", "/?Action=GetCallerIdentity", "//", "/../../etc/passwd", "/%00", "*"]),
    () =>
      `/foundation-models${r.pick(["", "/", "/%", "/anthropic.claude-3-haiku-20240307-v1%3A0", "?byProvider=%ZZ"])}`,
    () => `/foundation-model-availability/${r.pick(["", "x", "%FF"])}`,
    () =>
      `/inference-profiles${r.pick(["", "/", "/us.anthropic.x", "?type=BOGUS", "?maxResults=-1", "?maxResults=99999999999999999999", "?nextToken=%%%", "?nextToken=eyJ0eXBlIjoxfQ"])}`,
    () => `/${r.bytes(r.int(40)).toString("base64url")}`,
  ])();
}

function randomBody(r: Rng): string | Buffer {
  return r.pick<() => string | Buffer>([
    () => "",
    () => "{",
    () => "null",
    () => "[]",
    () => '"a string"',
    () => "1e999999",
    () =>
      JSON.stringify({
        anthropic_version: "bedrock-2023-05-31",
        max_tokens: 1e308,
        messages: [{ role: "user", content: "x" }],
      }),
    () =>
      JSON.stringify({
        anthropic_version: 7,
        max_tokens: "ten",
        messages: "hello",
        system: 4,
        tools: {},
        stop_sequences: 1,
      }),
    () =>
      JSON.stringify({
        anthropic_version: "bedrock-2023-05-31",
        max_tokens: -5,
        messages: [null, 1, { role: 3 }],
      }),
    () =>
      JSON.stringify({
        anthropic_version: "2026-10-21",
        max_tokens: 10,
        messages: [
          {
            role: "user",
            content: [{ type: "text", text: "hi", cache_control: { type: "ephemeral", ttl: 5 } }],
          },
        ],
      }),
    () =>
      JSON.stringify({
        messages: [{ role: "user", content: [{ text: 5 }, { image: "x" }, {}] }],
        inferenceConfig: { maxTokens: "x" },
      }),
    () =>
      JSON.stringify({
        messages: [{ role: "assistant", content: [] }],
        toolConfig: { tools: [{ toolSpec: null }] },
      }),
    () => JSON.stringify({ input: { invokeModel: { body: "!!!not base64!!!" } } }),
    () => JSON.stringify({ input: { converse: { messages: 12 } } }),
    () => `${"[".repeat(5000)}${"]".repeat(5000)}`,
    () => JSON.stringify({ a: Array.from({ length: 2000 }, (_, i) => i) }),
    () => "Action=GetCallerIdentity&Version=2011-06-15",
    () => "Action=AssumeRole&RoleArn=%ZZ",
    () => r.bytes(r.int(512)),
  ])();
}

function randomHeaders(r: Rng, body: Buffer): string[] {
  const h: string[] = [];
  const auth = r.pick([
    undefined,
    "",
    "Bearer",
    "Bearer ",
    "Bearer ABSK-garbage",
    "Basic dXNlcjpwYXNz",
    "AWS4-HMAC-SHA256",
    "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/bedrock/aws4_request, SignedHeaders=host;x-amz-date, Signature=" +
      "0".repeat(64),
    `AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/${"9".repeat(8)}/not-a-region/sts/aws4_request, SignedHeaders=, Signature=${"f".repeat(64)}`,
    `AWS4-HMAC-SHA256 Credential=${"A".repeat(300)}/20260101/us-east-1/bedrock/aws4_request, SignedHeaders=host, Signature=${"a".repeat(64)}`,
    "\u00ff\u00fe garbage",
  ]);
  if (auth !== undefined) h.push(`Authorization: ${auth}`);
  if (r.next() < 0.7) {
    h.push(
      `Content-Type: ${r.pick(["application/json", "application/x-www-form-urlencoded", "text/plain", "", "application/json; charset=utf-8"])}`,
    );
  }
  if (r.next() < 0.3)
    h.push(`X-Amz-Date: ${r.pick(["20260101T000000Z", "yesterday", "", "99999999T999999Z"])}`);
  if (r.next() < 0.3) h.push(`X-Amz-Security-Token: ${r.bytes(20).toString("hex")}`);
  if (r.next() < 0.3) h.push(`X-Amz-Content-Sha256: ${r.pick(["UNSIGNED-PAYLOAD", "abc", "0".repeat(64)])}`);
  if (r.next() < 0.2) h.push(`X-Amzn-Bedrock-Accept: ${r.pick(["*/*", "application/json", "x"])}`);
  if (r.next() < 0.2) h.push(`anthropic-beta: ${r.pick(["", ",,,", "x".repeat(2000)])}`);
  if (r.next() < 0.1) h.push(`X-Random-${r.int(1000)}: ${r.bytes(8).toString("hex")}`);
  h.push(`Content-Length: ${body.length}`);
  return h;
}

interface RawResult {
  status: number;
  raw: string;
}

/** Sends one raw request on a fresh connection and reads until the server closes it. */
function rawRequest(port: number, payload: Buffer, endAfterWrite = false): Promise<RawResult> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new Error(
          `no answer within ${PER_REQUEST_TIMEOUT_MS} ms to: ${payload.subarray(0, 200).toString("latin1")}`,
        ),
      );
    }, PER_REQUEST_TIMEOUT_MS);
    socket.on("data", (c) => chunks.push(c));
    socket.on("error", () => {});
    socket.on("close", () => {
      clearTimeout(timer);
      const raw = Buffer.concat(chunks).toString("latin1");
      const m = /^HTTP\/1\.1 (\d{3}) /.exec(raw);
      resolve({ status: m ? Number(m[1]) : -1, raw });
    });
    socket.write(payload, () => {
      if (endAfterWrite) socket.end();
    });
  });
}

/** Checks a raw HTTP/1.1 response is complete: a status line, headers, and a body of the announced length. */
function expectWellFormed(res: RawResult, method: string, context: string): void {
  expect(res.status, context).toBeGreaterThanOrEqual(100);
  expect(res.status, context).toBeLessThan(600);
  const split = res.raw.indexOf("\r\n\r\n");
  expect(split, context).toBeGreaterThan(0);
  const head = res.raw.slice(0, split).toLowerCase();
  const body = res.raw.slice(split + 4);
  const length = /\r\ncontent-length: (\d+)/.exec(head);
  if (length && method !== "HEAD") expect(Buffer.byteLength(body, "latin1"), context).toBe(Number(length[1]));
  if (/\r\ntransfer-encoding: chunked/.test(head)) expect(body.endsWith("0\r\n\r\n"), context).toBe(true);
  // Bedrock-style errors carry the exception name the SDKs read, and JSON bodies parse.
  if (res.status >= 400 && /\r\ncontent-type: application\/json/.test(head) && method !== "HEAD") {
    expect(head, context).toMatch(/\r\nx-amzn-errortype: [a-z]+/);
    const parsed = JSON.parse(body);
    expect(typeof (parsed.message ?? parsed.Message), context).toBe("string");
  }
}

async function fuzz(h: EmulatorHandle, seed: number): Promise<Record<number, number>> {
  const r = prng(seed);
  const statuses: Record<number, number> = {};
  for (let i = 0; i < ITERATIONS; i++) {
    const method = r.pick([
      "GET",
      "POST",
      "POST",
      "POST",
      "PUT",
      "DELETE",
      "HEAD",
      "OPTIONS",
      "PATCH",
      "BREW",
    ]);
    const path = randomPath(r);
    const rawBody = randomBody(r);
    const body = Buffer.isBuffer(rawBody) ? rawBody : Buffer.from(rawBody);
    const headers = randomHeaders(r, body);
    const head = `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n${headers.join("\r\n")}\r\n\r\n`;
    const res = await rawRequest(h.emulator.port, Buffer.concat([Buffer.from(head, "latin1"), body]));
    const context = `#${i} ${method} ${path.slice(0, 120)} → ${res.raw.slice(0, 300)}`;
    expectWellFormed(res, method, context);
    statuses[res.status] = (statuses[res.status] ?? 0) + 1;
  }
  return statuses;
}

const H2_PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

/** The error code of the first GOAWAY frame among the server's HTTP/2 frames, if one has arrived. */
function goawayCode(bytes: Buffer): number | undefined {
  let offset = 0;
  while (offset + 9 <= bytes.length) {
    const length = bytes.readUIntBE(offset, 3);
    const type = bytes[offset + 3];
    if (offset + 9 + length > bytes.length) return undefined;
    if (type === 7 && length >= 8) return bytes.readUInt32BE(offset + 9 + 4);
    offset += 9 + length;
  }
  return undefined;
}

/**
 * Sends bytes that open an HTTP/2 connection badly; resolves once the server has closed the connection or
 * refused it with a GOAWAY frame. (Node's http2 server answers some protocol errors with GOAWAY and leaves
 * the TCP connection to the peer to close, so GOAWAY counts as the answer.)
 */
function h2Answer(
  port: number,
  payload: Buffer,
  endAfterWrite: boolean,
): Promise<{ closed: boolean; goaway?: number }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    let received = Buffer.alloc(0);
    const finish = (closed: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ closed, goaway: goawayCode(received) });
    };
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no GOAWAY and no close within ${PER_REQUEST_TIMEOUT_MS} ms`));
    }, PER_REQUEST_TIMEOUT_MS);
    socket.on("data", (c: Buffer) => {
      received = Buffer.concat([received, c]);
      if (goawayCode(received) !== undefined) finish(false);
    });
    socket.on("error", () => {});
    socket.on("close", () => finish(true));
    socket.write(payload, () => {
      if (endAfterWrite) socket.end();
    });
  });
}

async function brokenConnections(h: EmulatorHandle): Promise<void> {
  const port = h.emulator.port;
  const h2Cases: [string, Buffer, boolean][] = [
    ["truncated preface, then EOF", Buffer.from(H2_PREFACE.slice(0, 10)), true],
    ["preface minus one byte, then EOF", Buffer.from(H2_PREFACE.slice(0, -1)), true],
    [
      "preface, then garbage frames",
      Buffer.concat([
        Buffer.from(H2_PREFACE),
        Buffer.from("\xff\xff\xff\x09\x00\x00\x00\x00\x01garbage", "latin1"),
      ]),
      false,
    ],
    // SETTINGS with a length that is not a multiple of 6: FRAME_SIZE_ERROR.
    [
      "preface, then a bad SETTINGS frame",
      Buffer.concat([Buffer.from(H2_PREFACE), Buffer.from([0, 0, 5, 4, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5])]),
      false,
    ],
  ];
  for (const [label, payload, endAfterWrite] of h2Cases) {
    const res = await h2Answer(port, payload, endAfterWrite).catch((err: Error) => {
      throw new Error(`${label}: ${err.message}`);
    });
    if (!res.closed) expect(res.goaway, label).toBeGreaterThan(0);
  }
  const h1Cases: [string, Buffer][] = [
    ["HTTP/1.0 request line only", Buffer.from("GET / HTTP/1.0\r\n\r\n")],
    ["invalid request line", Buffer.from("\x00\x01\x02 garbage\r\n\r\n")],
    ["header without colon", Buffer.from("GET / HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n")],
    [
      "bad chunked body",
      Buffer.from("POST /model/x/invoke HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n"),
    ],
  ];
  for (const [label, payload] of h1Cases) {
    const res = await rawRequest(port, payload).catch((err: Error) => {
      throw new Error(`${label}: ${err.message}`);
    });
    expect(res.status, label).toBeGreaterThanOrEqual(400);
  }
}

async function stillServes(h: EmulatorHandle): Promise<void> {
  const out = await h
    .runtime()
    .send(new InvokeModelCommand({ modelId: US_SONNET45, body: anthropicBody("still alive?") }));
  expect(out.$metadata.httpStatusCode).toBe(200);
  const h1 = await h
    .runtimeH1()
    .send(new InvokeModelCommand({ modelId: US_SONNET45, body: anthropicBody("still alive?") }));
  expect(h1.$metadata.httpStatusCode).toBe(200);
}

/** No request may have taken the emulator's "bug" path (a 500 built from an unexpected exception). */
function expectNoInternalErrors(h: EmulatorHandle): void {
  const internal = h.log.filter((e) => e.notes.internalError !== undefined);
  expect(internal.map((e) => `${e.method} ${e.path}: ${String(e.notes.internalError)}`)).toEqual([]);
}

describe("fuzzing a SigV4 world (requests die at the front door)", () => {
  const emu = sharedEmulator();

  it("answers every random request well-formed, quickly, and keeps serving", async () => {
    const started = Date.now();
    const statuses = await fuzz(emu, 0x5eed1);
    await brokenConnections(emu);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(Object.keys(statuses).length).toBeGreaterThan(1);
    expectNoInternalErrors(emu);
    await stillServes(emu);
  });
});

describe('fuzzing an auth: "none" world (bodies reach the validators)', () => {
  const emu = sharedEmulator(
    worldWith((w) => {
      w.auth = "none";
    }),
  );

  it("answers every random request well-formed, quickly, and keeps serving", async () => {
    const started = Date.now();
    const statuses = await fuzz(emu, 0xc0ffee);
    expect(Date.now() - started).toBeLessThan(5000);
    // Some random bodies are valid: the validators let good requests through and refuse the rest.
    expect(statuses[400]).toBeGreaterThan(0);
    expectNoInternalErrors(emu);
    await stillServes(emu);
  });
});
