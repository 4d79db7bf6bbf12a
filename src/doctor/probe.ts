import { setTimeout as sleep } from "node:timers/promises";
import type { BedrockRuntimeClient } from "@aws-sdk/client-bedrock-runtime";
import { BEDROCK_ANTHROPIC_VERSION } from "../providers/anthropic-body.js";

/** The content type an intact Bedrock stream has; proxies that re-encode it change this first. */
export const EVENT_STREAM_TYPE = "application/vnd.amazon.eventstream";

/** How long to wait before the one retry of a throttled probe. */
const THROTTLE_RETRY_MS = 150;

/** What a 1-token streaming call showed: HTTP status, content type, the decoded events and timings. */
export interface StreamProbe {
  /** HTTP status of the (last) attempt, when a response arrived at all. */
  status?: number;
  contentType?: string;
  /** Event types decoded from the stream, in order. */
  events: string[];
  /** Time from sending the request to the first content delta (or the first event), in ms. */
  firstTokenMs?: number;
  /** How many attempts were answered 429 before the final one (at most 1: probes retry once). */
  throttled: number;
  /** The call failed before the stream started (HTTP error, credentials, network). */
  requestError?: unknown;
  /** The response arrived but its body is not an intact event stream. */
  streamError?: unknown;
}

/** Thrown from the response middleware when a 200 answer is not an AWS event stream. */
export class NotEventStreamError extends Error {
  override readonly name = "NotEventStreamError";
  constructor(readonly contentType: string | undefined) {
    super(`content-type ${contentType ?? "(none)"}`);
  }
}

/** The smallest valid Messages body: one token out; `cached` adds a cache_control breakpoint. */
export function probeBody(cached: boolean): Uint8Array {
  const text = cached ? "Quarry doctor prompt-caching probe. Reply with one word." : "Reply with one word.";
  const body = {
    anthropic_version: BEDROCK_ANTHROPIC_VERSION,
    max_tokens: 1,
    messages: [
      {
        role: "user",
        content: [{ type: "text", text, ...(cached ? { cache_control: { type: "ephemeral" } } : {}) }],
      },
    ],
  };
  return new TextEncoder().encode(JSON.stringify(body));
}

/** True for a 429 / ThrottlingException from the AWS SDK (read without importing it). */
export function isThrottle(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  return e?.name === "ThrottlingException" || e?.$metadata?.httpStatusCode === 429;
}

/**
 * Sends one InvokeModelWithResponseStream with max_tokens 1 and reads the raw response: the status and
 * content type before the SDK decodes anything (a re-encoding proxy shows up here), then every event. A 429
 * is retried once, because throttling proves the model is reachable and a second try usually gets through.
 */
export async function probeStream(client: BedrockRuntimeClient, modelId: string): Promise<StreamProbe> {
  const probe: StreamProbe = { events: [], throttled: 0 };
  for (let attempt = 1; ; attempt++) {
    const done = await streamOnce(client, modelId, probe);
    if (done || !isThrottle(probe.requestError) || attempt > 1) return probe;
    probe.throttled++;
    probe.requestError = undefined;
    await sleep(THROTTLE_RETRY_MS);
  }
}

async function streamOnce(
  client: BedrockRuntimeClient,
  modelId: string,
  probe: StreamProbe,
): Promise<boolean> {
  const { InvokeModelWithResponseStreamCommand } = await import("@aws-sdk/client-bedrock-runtime");
  const command = new InvokeModelWithResponseStreamCommand({
    modelId,
    contentType: "application/json",
    accept: "application/json",
    body: probeBody(false),
  });
  // Low priority in the deserialize step runs inside the SDK's deserializer, so it sees the raw response.
  command.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const response = result.response as {
        statusCode?: number;
        headers?: Record<string, string>;
        body?: { destroy?: () => void };
      };
      probe.status = response.statusCode;
      probe.contentType = response.headers?.["content-type"];
      if (response.statusCode === 200 && !(probe.contentType ?? "").includes(EVENT_STREAM_TYPE)) {
        response.body?.destroy?.();
        throw new NotEventStreamError(probe.contentType);
      }
      return result;
    },
    { step: "deserialize", priority: "low", name: "quarryDoctorRawResponse" },
  );
  const started = performance.now();
  let output: { body?: AsyncIterable<unknown> };
  try {
    output = await client.send(command);
  } catch (err) {
    if (err instanceof NotEventStreamError) probe.streamError = err;
    else probe.requestError = err;
    return err instanceof NotEventStreamError;
  }
  const decoder = new TextDecoder();
  probe.events = [];
  try {
    for await (const item of (output.body ?? []) as AsyncIterable<{ chunk?: { bytes?: Uint8Array } }>) {
      if (!item.chunk?.bytes) continue;
      const event = JSON.parse(decoder.decode(item.chunk.bytes)) as { type?: string };
      const type = String(event.type ?? "unknown");
      probe.events.push(type);
      if (probe.firstTokenMs === undefined && type === "content_block_delta")
        probe.firstTokenMs = Math.round(performance.now() - started);
    }
  } catch (err) {
    probe.streamError = err;
  }
  if (probe.firstTokenMs === undefined && probe.events.length > 0)
    probe.firstTokenMs = Math.round(performance.now() - started);
  return true;
}

/** What the cache_control probe showed: accepted, or the error Bedrock answered with. */
export interface CachingProbe {
  accepted: boolean;
  throttled: number;
  error?: unknown;
}

/** Sends one InvokeModel with a cache_control breakpoint (max_tokens 1); a 429 is retried once. */
export async function probeCaching(client: BedrockRuntimeClient, modelId: string): Promise<CachingProbe> {
  const { InvokeModelCommand } = await import("@aws-sdk/client-bedrock-runtime");
  const result: CachingProbe = { accepted: false, throttled: 0 };
  for (let attempt = 1; ; attempt++) {
    try {
      await client.send(
        new InvokeModelCommand({
          modelId,
          contentType: "application/json",
          accept: "application/json",
          body: probeBody(true),
        }),
      );
      result.accepted = true;
      result.error = undefined;
      return result;
    } catch (err) {
      result.error = err;
      if (!isThrottle(err) || attempt > 1) return result;
      result.throttled++;
      await sleep(THROTTLE_RETRY_MS);
    }
  }
}
