import {
  type BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
} from "@aws-sdk/client-bedrock-runtime";
import { describe, expect, it } from "vitest";
import {
  anthropicBody,
  caught,
  collect,
  DEFAULT_ACCOUNT_ID,
  decodeChunk,
  type EmulatorHandle,
  sharedEmulator,
  statusOf,
  US_SONNET45,
  worldWith,
} from "./helpers.js";

/**
 * Faults scripted in the world (world.script[].fault) must surface in the AWS SDK exactly as real Bedrock
 * faults do: HTTP errors with the SDK's own retry behaviour, exception frames thrown from the `for await`, and
 * broken streams producing the SDK's own "Truncated event message received." (WIRE.md §6.5, §7).
 */

const TRUNCATED = "Truncated event message received.";

const emu = sharedEmulator(
  worldWith((w) => {
    w.script = [
      { promptIncludes: "throttle-once-h2", times: 1, fault: { kind: "http", status: 429 } },
      { promptIncludes: "throttle-once-h1", times: 1, fault: { kind: "http", status: 429 } },
      { promptIncludes: "throttle-always", fault: { kind: "http", status: 429 } },
      { promptIncludes: "ise-once", times: 1, fault: { kind: "http", status: 500 } },
      { promptIncludes: "unavailable-once", times: 1, fault: { kind: "http", status: 503 } },
      { promptIncludes: "timeout-always", fault: { kind: "http", status: 408 } },
      { promptIncludes: "http-424-failure", fault: { kind: "http", status: 424 } },
      {
        promptIncludes: "not-ready-once",
        times: 1,
        fault: {
          kind: "http",
          status: 429,
          exception: "ModelNotReadyException",
          message: "Model is not ready.",
        },
      },
      { promptIncludes: "throttle-stream-once", times: 1, fault: { kind: "http", status: 429 } },
      {
        promptIncludes: "in-stream-throttle",
        fault: { kind: "stream-exception", exception: "throttlingException", afterEvents: 2 },
      },
      {
        promptIncludes: "in-stream-model-error",
        fault: { kind: "stream-exception", exception: "modelStreamErrorException", afterEvents: 3 },
      },
      {
        promptIncludes: "first-frame-throttle",
        fault: { kind: "stream-exception", exception: "throttlingException", afterEvents: 0 },
      },
      { promptIncludes: "cut-early", fault: { kind: "cut", atByte: 40 } },
      // Cut 10 bytes into the third frame: by event count, so the reply's length (its metrics vary) cannot
      // move the cut past the end of the stream.
      { promptIncludes: "cut-later", fault: { kind: "cut", afterEvents: 2, intoFrameBytes: 10 } },
      { promptIncludes: "proxy-sse", fault: { kind: "proxy", as: "sse" } },
      { promptIncludes: "proxy-json", fault: { kind: "proxy", as: "json" } },
      { promptIncludes: "stall-now", fault: { kind: "stall", afterEvents: 1 } },
    ];
  }),
);

const invoke = (client: BedrockRuntimeClient, prompt: string) =>
  client.send(new InvokeModelCommand({ modelId: US_SONNET45, body: anthropicBody(prompt) }));

/** Sends a stream call and drains it, returning the decoded Anthropic events it got before any error. */
async function drainStream(
  client: BedrockRuntimeClient,
  prompt: string,
  seen: string[] = [],
): Promise<string[]> {
  const out = await client.send(
    new InvokeModelWithResponseStreamCommand({ modelId: US_SONNET45, body: anthropicBody(prompt) }),
  );
  for await (const event of out.body ?? []) seen.push(decodeChunk(event.chunk?.bytes).type);
  return seen;
}

const transports: {
  name: string;
  httpVersion: string;
  client: (h: EmulatorHandle) => BedrockRuntimeClient;
}[] = [
  { name: "HTTP/2", httpVersion: "2.0", client: (h) => h.runtime() },
  { name: "HTTP/1.1", httpVersion: "1.1", client: (h) => h.runtimeH1() },
];

describe("HTTP faults and the AWS SDK's own retries", () => {
  it.each(
    transports,
  )("a 429 ThrottlingException once is retried by the SDK and then succeeds ($name)", async (t) => {
    const mark = emu.mark();
    const prompt = t.httpVersion === "2.0" ? "throttle-once-h2" : "throttle-once-h1";
    const out = await invoke(t.client(emu), prompt);
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(out.$metadata.attempts).toBe(2);
    const entries = emu.since(mark);
    expect(entries.map((e) => [e.httpVersion, e.status, e.errorType])).toEqual([
      [t.httpVersion, 429, "ThrottlingException"],
      [t.httpVersion, 200, undefined],
    ]);
    // The retry is the SDK's: same invocation id, attempt counter advanced (amz-sdk-request).
    expect(entries[1]!.headers["amz-sdk-invocation-id"]).toBe(entries[0]!.headers["amz-sdk-invocation-id"]);
    expect(entries[0]!.headers["amz-sdk-request"]).toMatch(/^attempt=1; max=3$/);
    expect(entries[1]!.headers["amz-sdk-request"]).toMatch(/^attempt=2; max=3$/);
  });

  it("a persistent 429 exhausts the SDK's attempts and surfaces ThrottlingException with Bedrock's text", async () => {
    const mark = emu.mark();
    const err = await caught(() => invoke(emu.runtime({ maxAttempts: 2 }), "throttle-always"));
    expect(err.name).toBe("ThrottlingException");
    expect(err.message).toBe("Too many requests, please wait before trying again.");
    expect(statusOf(err)).toBe(429);
    expect((err.$metadata as { attempts: number }).attempts).toBe(2);
    expect(emu.since(mark).map((e) => e.status)).toEqual([429, 429]);
  });

  it("a 500 InternalServerException once is retried and then succeeds", async () => {
    const mark = emu.mark();
    const out = await invoke(emu.runtime(), "ise-once");
    expect(out.$metadata.attempts).toBe(2);
    expect(emu.since(mark).map((e) => [e.status, e.errorType])).toEqual([
      [500, "InternalServerException"],
      [200, undefined],
    ]);
  });

  it("a 503 ServiceUnavailableException once is retried and then succeeds (Converse)", async () => {
    const mark = emu.mark();
    const out = await emu.runtimeH1().send(
      new ConverseCommand({
        modelId: US_SONNET45,
        messages: [{ role: "user", content: [{ text: "unavailable-once" }] }],
      }),
    );
    expect(out.$metadata.attempts).toBe(2);
    expect(emu.since(mark).map((e) => [e.status, e.errorType])).toEqual([
      [503, "ServiceUnavailableException"],
      [200, undefined],
    ]);
  });

  it("a 408 ModelTimeoutException is not retried by the AWS SDK", async () => {
    const mark = emu.mark();
    const err = await caught(() => invoke(emu.runtime(), "timeout-always"));
    expect(err.name).toBe("ModelTimeoutException");
    expect(err.message).toBe("Model has timed out in processing the request. Try your request again.");
    expect(statusOf(err)).toBe(408);
    expect(emu.since(mark)).toHaveLength(1);
  });

  it("a 424 ModelErrorException is not retried and carries originalStatusCode and resourceName", async () => {
    const mark = emu.mark();
    const err = await caught(() => invoke(emu.runtime(), "http-424-failure"));
    expect(err.name).toBe("ModelErrorException");
    expect(statusOf(err)).toBe(424);
    expect(err.originalStatusCode).toBe(529);
    expect(err.resourceName).toBe(
      `arn:aws:bedrock:us-east-1:${DEFAULT_ACCOUNT_ID}:inference-profile/${US_SONNET45}`,
    );
    expect(emu.since(mark)).toHaveLength(1);
  });

  it("a ModelNotReadyException (429, modelled retryable) is retried by the SDK", async () => {
    const mark = emu.mark();
    const out = await invoke(emu.runtime(), "not-ready-once");
    expect(out.$metadata.attempts).toBe(2);
    expect(emu.since(mark).map((e) => [e.status, e.errorType])).toEqual([
      [429, "ModelNotReadyException"],
      [200, undefined],
    ]);
  });

  it("a 429 before a stream's body is retried for InvokeModelWithResponseStream too", async () => {
    const mark = emu.mark();
    const types = await drainStream(emu.runtime(), "throttle-stream-once");
    expect(types.at(-1)).toBe("message_stop");
    expect(emu.since(mark).map((e) => e.status)).toEqual([429, 200]);
  });
});

describe("exception frames inside a 200 event stream", () => {
  it.each(
    transports,
  )("throttlingException after two events is thrown as ThrottlingException from the for-await ($name)", async (t) => {
    const seen: string[] = [];
    const err = await caught(() => drainStream(t.client(emu), "in-stream-throttle", seen));
    expect(err.name).toBe("ThrottlingException");
    expect(err.message).toBe("Too many tokens, please wait before trying again.");
    // The error came from the body after the SDK had resolved send(): events arrived first.
    expect(seen).toEqual(["message_start", "content_block_start"]);
    expect(emu.last().status).toBe(200);
  });

  it("modelStreamErrorException carries originalStatusCode and originalMessage", async () => {
    const seen: string[] = [];
    const err = await caught(() => drainStream(emu.runtime(), "in-stream-model-error", seen));
    expect(err.name).toBe("ModelStreamErrorException");
    expect(err.message).toBe(
      "The model returned an error while streaming the response. Try your request again.",
    );
    expect(err.originalStatusCode).toBe(529);
    expect(err.originalMessage).toBe("Overloaded");
    expect(seen).toHaveLength(3);
  });

  it("an exception as the first frame makes send() itself reject (WIRE.md §6.3)", async () => {
    const client = emu.runtime();
    const err = await caught(() =>
      client.send(
        new InvokeModelWithResponseStreamCommand({
          modelId: US_SONNET45,
          body: anthropicBody("first-frame-throttle"),
        }),
      ),
    );
    expect(err.name).toBe("ThrottlingException");
  });

  it("ConverseStream surfaces the same exception frames", async () => {
    const out = await emu.runtime().send(
      new ConverseStreamCommand({
        modelId: US_SONNET45,
        messages: [{ role: "user", content: [{ text: "in-stream-throttle" }] }],
      }),
    );
    const err = await caught(() => collect(out.stream));
    expect(err.name).toBe("ThrottlingException");
    expect(err.message).toBe("Too many tokens, please wait before trying again.");
  });
});

describe("broken streams: the SDK's own decoder proves the framing is real", () => {
  it.each(
    transports,
  )("a cut inside the first frame gives 'Truncated event message received.' ($name)", async (t) => {
    const err = await caught(() => drainStream(t.client(emu), "cut-early"));
    expect(err.message).toContain(TRUNCATED);
    expect(emu.last()).toMatchObject({ httpVersion: t.httpVersion, status: 200 });
  });

  it.each(
    transports,
  )("a cut mid-stream throws from the for-await after whole frames were decoded ($name)", async (t) => {
    const seen: string[] = [];
    const err = await caught(() => drainStream(t.client(emu), "cut-later", seen));
    expect(err.message).toContain(TRUNCATED);
    expect(seen[0]).toBe("message_start");
    expect(seen).not.toContain("message_stop");
  });

  it.each(
    transports,
  )("a proxy re-encoding the stream as SSE gives 'Truncated event message received.' ($name)", async (t) => {
    const err = await caught(() => drainStream(t.client(emu), "proxy-sse"));
    expect(err.message).toContain(TRUNCATED);
  });

  it("a proxy answering a stream call with plain JSON gives the same decoder error", async () => {
    const err = await caught(() => drainStream(emu.runtime(), "proxy-json"));
    expect(err.message).toContain(TRUNCATED);
  });

  /** Drains a stalled stream; reports what was seen, what ended it and when. */
  async function stalled(client: BedrockRuntimeClient, abortAfterMs?: number) {
    const started = Date.now();
    const seen: string[] = [];
    let error: Error | undefined;
    try {
      const out = await client.send(
        new InvokeModelWithResponseStreamCommand({ modelId: US_SONNET45, body: anthropicBody("stall-now") }),
        abortAfterMs === undefined ? {} : { abortSignal: AbortSignal.timeout(abortAfterMs) },
      );
      for await (const event of out.body ?? []) seen.push(decodeChunk(event.chunk?.bytes).type);
    } catch (err) {
      error = err as Error;
    }
    return { seen, error, elapsed: Date.now() - started };
  }

  // Over h2 the SDK closes the stream and the body simply ends at the frame boundary (no error: a consumer
  // must notice the missing message_stop); over h1 the destroyed response surfaces as an error.
  it.each([
    ["HTTP/2, abortSignal", (h: EmulatorHandle) => h.runtime({ maxAttempts: 1 }), 300, undefined],
    [
      "HTTP/2, requestTimeout",
      (h: EmulatorHandle) => h.runtime({ maxAttempts: 1, requestTimeout: 300 }),
      undefined,
      undefined,
    ],
    ["HTTP/1.1, abortSignal", (h: EmulatorHandle) => h.runtimeH1({ maxAttempts: 1 }), 300, /^aborted$/],
    [
      "HTTP/1.1, socketTimeout",
      (h: EmulatorHandle) => h.runtimeH1({ maxAttempts: 1, socketTimeout: 300 }),
      undefined,
      /the request socket timed out after 300 ms of inactivity/,
    ],
  ])("a stalled stream is ended by the client (%s)", async (_label, make, abortAfterMs, expectedError) => {
    const { seen, error, elapsed } = await stalled(make(emu), abortAfterMs);
    expect(seen).toEqual(["message_start"]);
    if (expectedError === undefined) expect(error).toBeUndefined();
    else expect(error?.message).toMatch(expectedError);
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(3000);
  });
});

describe("latency from the world", () => {
  const slow = sharedEmulator(
    worldWith((w) => {
      w.latency = { requestMs: 0, firstTokenMs: 250, tokensPerSecond: 0 };
    }),
  );

  it("firstTokenMs delays the first model event and shows in firstByteLatency", async () => {
    const client = slow.runtime();
    const started = Date.now();
    const out = await client.send(
      new InvokeModelWithResponseStreamCommand({ modelId: US_SONNET45, body: anthropicBody("hi") }),
    );
    let firstAt = 0;
    const events: Record<string, unknown>[] = [];
    for await (const e of out.body ?? []) {
      if (firstAt === 0) firstAt = Date.now();
      events.push(decodeChunk(e.chunk?.bytes));
    }
    expect(firstAt - started).toBeGreaterThanOrEqual(240);
    const metrics = events.at(-1)!["amazon-bedrock-invocationMetrics"] as Record<string, number>;
    expect(metrics.firstByteLatency).toBeGreaterThanOrEqual(240);
  });

  it("firstTokenMs also delays a non-streaming InvokeModel", async () => {
    const started = Date.now();
    await slow.runtime().send(new InvokeModelCommand({ modelId: US_SONNET45, body: anthropicBody("hi") }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
  });
});
