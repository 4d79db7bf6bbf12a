import { ListInferenceProfilesCommand } from "@aws-sdk/client-bedrock";
import { InvokeModelCommand, InvokeModelWithResponseStreamCommand } from "@aws-sdk/client-bedrock-runtime";
import { describe, expect, it } from "vitest";
import {
  anthropicBody,
  caught,
  decodeChunk,
  sharedEmulator,
  statusOf,
  US_SONNET45,
  worldWith,
} from "./helpers.js";

/**
 * Faults aimed precisely (world script `operations`, frame-exact cuts, stall phases), observed through the
 * unmodified AWS SDK: its own decoder and its own timeouts decide what the client sees.
 */

const TOOL = { type: "tool_use" as const, name: "Read", input: { path: "a-rather-long-file-name.txt" } };
const emu = sharedEmulator(
  worldWith((w) => {
    w.script = [
      // Only the stream fails: the same prompt through InvokeModel is answered.
      {
        promptIncludes: "stream-only",
        operations: ["invoke-with-response-stream"],
        fault: { kind: "http", status: 503 },
      },
      { promptIncludes: "cut-after-2", fault: { kind: "cut", afterEvents: 2 } },
      { promptIncludes: "cut-into-3", fault: { kind: "cut", afterEvents: 3, intoFrameBytes: 10 } },
      {
        promptIncludes: "stall-tool",
        reply: { content: [{ type: "text", text: "Reading." }, TOOL] },
        fault: { kind: "stall", phase: "mid-tool-call" },
      },
      { promptIncludes: "stall-headers", fault: { kind: "stall", phase: "before-headers" } },
      { operations: ["control-plane"], times: 1, fault: { kind: "http", status: 500 } },
    ];
  }),
);

async function drain(prompt: string, timeoutMs?: number) {
  const seen: string[] = [];
  const client = emu.runtime({ maxAttempts: 1, ...(timeoutMs ? { requestTimeout: timeoutMs } : {}) });
  let error: Error | undefined;
  try {
    const out = await client.send(
      new InvokeModelWithResponseStreamCommand({ modelId: US_SONNET45, body: anthropicBody(prompt) }),
    );
    for await (const e of out.body ?? []) {
      const ev = decodeChunk(e.chunk?.bytes);
      const delta = ev.delta as Record<string, unknown> | undefined;
      seen.push(delta ? `${ev.type}:${String(delta.type)}` : ev.type);
    }
  } catch (err) {
    error = err as Error;
  }
  return { seen, error };
}

describe("faults aimed at one operation", () => {
  it("a stream-only rule fails the stream and leaves InvokeModel alone", async () => {
    const err = await caught(() =>
      emu.runtime({ maxAttempts: 1 }).send(
        new InvokeModelWithResponseStreamCommand({
          modelId: US_SONNET45,
          body: anthropicBody("stream-only"),
        }),
      ),
    );
    expect(err.name).toBe("ServiceUnavailableException");
    expect(statusOf(err)).toBe(503);
    const ok = await emu
      .runtime()
      .send(new InvokeModelCommand({ modelId: US_SONNET45, body: anthropicBody("stream-only") }));
    expect(JSON.parse(ok.body.transformToString()).type).toBe("message");
  });

  it("a control-plane rule fails the next control-plane call, once", async () => {
    const client = emu.bedrock({ maxAttempts: 1 });
    const err = await caught(() => client.send(new ListInferenceProfilesCommand({})));
    expect(statusOf(err)).toBe(500);
    const ok = await client.send(new ListInferenceProfilesCommand({}));
    expect(ok.inferenceProfileSummaries?.length).toBeGreaterThan(0);
  });
});

describe("frame-exact cuts", () => {
  it("after N whole events the stream just ends: N events decoded, no decoder error", async () => {
    const { seen, error } = await drain("cut-after-2");
    expect(seen).toEqual(["message_start", "content_block_start"]);
    expect(error).toBeUndefined();
  });

  it("a few bytes into the next frame is the decoder's Truncated event message", async () => {
    const { seen, error } = await drain("cut-into-3");
    expect(seen).toHaveLength(3);
    expect(error?.message).toContain("Truncated event message received.");
  });
});

describe("stall phases", () => {
  it("mid-tool-call: the tool call's first input piece arrives, then nothing until the client gives up", async () => {
    const { seen } = await drain("stall-tool", 300);
    expect(seen.at(-1)).toBe("content_block_delta:input_json_delta");
    expect(seen).not.toContain("message_stop");
  });

  it("before headers: the client's timeout fires with nothing received", async () => {
    const { seen, error } = await drain("stall-headers", 300);
    expect(seen).toEqual([]);
    expect(error).toBeDefined();
  });
});
