import AnthropicBedrock from "@anthropic-ai/bedrock-sdk";
import { BedrockClient } from "@aws-sdk/client-bedrock";
import { BedrockRuntimeClient } from "@aws-sdk/client-bedrock-runtime";
import { STSClient } from "@aws-sdk/client-sts";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { afterAll, beforeAll } from "vitest";
import {
  DEFAULT_ACCESS_KEY_ID,
  DEFAULT_ACCOUNT_ID,
  DEFAULT_BEARER_TOKEN,
  DEFAULT_SECRET_ACCESS_KEY,
  defaultWorld,
  type RequestLogEntry,
  type RunningEmulator,
  startEmulator,
  type WorldInput,
} from "../../emulator/index.js";

/**
 * Shared plumbing for the conformance suite. Every test drives the emulator only through unmodified
 * third-party clients pointed at it by `endpoint` / `baseURL`; nothing here reaches into emulator internals
 * except the request log, which is how a test proves what actually crossed the wire.
 */

export { DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCOUNT_ID, DEFAULT_BEARER_TOKEN, DEFAULT_SECRET_ACCESS_KEY };

/** Model IDs of the default world (emulator/world/default-world.ts), named by what a test needs from them. */
export const MODELS = {
  sonnet45: "anthropic.claude-sonnet-4-5-20250929-v1:0",
  sonnet46: "anthropic.claude-sonnet-4-6",
  haiku45: "anthropic.claude-haiku-4-5-20251001-v1:0",
  opus46: "anthropic.claude-opus-4-6-v1",
  sonnet4: "anthropic.claude-sonnet-4-20250514-v1:0",
  /** The only on-demand model (bare ID invocable) and the only one without prompt caching. */
  haiku3: "anthropic.claude-3-haiku-20240307-v1:0",
  // Today's models (WIRE.md §12): 1M context, profile-only.
  opus47: "anthropic.claude-opus-4-7",
  opus48: "anthropic.claude-opus-4-8",
  opus5: "anthropic.claude-opus-5",
  opus55: "anthropic.claude-opus-5-5",
  sonnet5: "anthropic.claude-sonnet-5",
  sonnet55: "anthropic.claude-sonnet-5-5",
  haiku55: "anthropic.claude-haiku-5-5",
  fable5: "anthropic.claude-fable-5",
  fable51: "anthropic.claude-fable-5-1",
  fable52: "anthropic.claude-fable-5-2",
} as const;

export const US_SONNET45 = `us.${MODELS.sonnet45}`;
export const EU_SONNET45 = `eu.${MODELS.sonnet45}`;
export const GLOBAL_SONNET45 = `global.${MODELS.sonnet45}`;

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export const DEFAULT_CREDENTIALS: Credentials = {
  accessKeyId: DEFAULT_ACCESS_KEY_ID,
  secretAccessKey: DEFAULT_SECRET_ACCESS_KEY,
};

/** A fresh copy of the default world with a tweak applied (the callback mutates its argument). */
export function worldWith(tweak: (w: WorldInput) => unknown): WorldInput {
  const w = structuredClone(defaultWorld());
  tweak(w);
  return w;
}

/** A minimal Anthropic Messages body for InvokeModel (no model, no stream: WIRE.md §5.1). */
export function anthropicBody(text = "Hello", extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    anthropic_version: "bedrock-2023-05-31",
    max_tokens: 256,
    messages: [{ role: "user", content: text }],
    ...extra,
  });
}

/** A handle on the emulator of one test file (or one describe block): valid between beforeAll and afterAll. */
export interface EmulatorHandle {
  readonly url: string;
  readonly log: RequestLogEntry[];
  readonly emulator: RunningEmulator;
  /** The current log length; pass it to `since` to get only the requests a test made. */
  mark(): number;
  since(mark: number): RequestLogEntry[];
  /** The most recent log entry (fails the test when the log is empty). */
  last(): RequestLogEntry;
  runtime(options?: ClientOptions): BedrockRuntimeClient;
  /** The runtime client over HTTP/1.1 (NodeHttpHandler), the way users force h1 (WIRE.md §1.2). */
  runtimeH1(options?: ClientOptions): BedrockRuntimeClient;
  bedrock(options?: ClientOptions): BedrockClient;
  sts(options?: ClientOptions): STSClient;
  anthropic(options?: AnthropicOptions): AnthropicBedrock;
}

export interface ClientOptions {
  region?: string;
  /** Static credentials; the default identity's keys when omitted. */
  credentials?: Credentials;
  maxAttempts?: number;
  /** Handler requestTimeout in ms (HTTP/2: stream inactivity; HTTP/1.1: whole request, warn-only by default). */
  requestTimeout?: number;
  /** HTTP/1.1 handler socketTimeout in ms: inactivity on the socket, also while a body streams. */
  socketTimeout?: number;
}

export interface AnthropicOptions {
  region?: string;
  credentials?: Credentials;
  apiKey?: string;
  skipAuth?: boolean;
  maxRetries?: number;
}

/**
 * Starts an emulator for the enclosing test file or describe block and stops it (and every client built
 * through the handle) afterwards. `world` may be a function so it is only built when the hook runs.
 */
export function sharedEmulator(world?: WorldInput | (() => WorldInput)): EmulatorHandle {
  let running: RunningEmulator | undefined;
  const clients: { destroy(): void }[] = [];
  beforeAll(async () => {
    running = await startEmulator({ world: typeof world === "function" ? world() : world });
  });
  afterAll(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await running?.close();
  });
  const get = (): RunningEmulator => {
    if (!running) throw new Error("emulator not started: use the handle inside a test");
    return running;
  };
  const track = <T extends { destroy(): void }>(c: T): T => {
    clients.push(c);
    return c;
  };
  const awsConfig = (o: ClientOptions = {}) => ({
    region: o.region ?? "us-east-1",
    endpoint: get().url,
    credentials: o.credentials ?? DEFAULT_CREDENTIALS,
    ...(o.maxAttempts !== undefined ? { maxAttempts: o.maxAttempts } : {}),
  });
  return {
    get url() {
      return get().url;
    },
    get log() {
      return get().log;
    },
    get emulator() {
      return get();
    },
    mark: () => get().log.length,
    since: (mark) => get().log.slice(mark),
    last: () => {
      const log = get().log;
      const entry = log[log.length - 1];
      if (!entry) throw new Error("the emulator log is empty");
      return entry;
    },
    runtime: (o) =>
      track(
        new BedrockRuntimeClient({
          ...awsConfig(o),
          ...(o?.requestTimeout !== undefined
            ? { requestHandler: { requestTimeout: o.requestTimeout } }
            : {}),
        }),
      ),
    runtimeH1: (o) =>
      track(
        new BedrockRuntimeClient({
          ...awsConfig(o),
          requestHandler: new NodeHttpHandler({
            requestTimeout: o?.requestTimeout,
            socketTimeout: o?.socketTimeout,
          }),
        }),
      ),
    bedrock: (o) => track(new BedrockClient(awsConfig(o))),
    sts: (o) => track(new STSClient(awsConfig(o))),
    anthropic: (o = {}) => {
      const common = {
        awsRegion: o.region ?? "us-east-1",
        baseURL: get().url,
        maxRetries: o.maxRetries ?? 0,
      };
      // apiKey: null stops the SDK from picking up AWS_BEARER_TOKEN_BEDROCK from the test process.
      if (o.apiKey !== undefined) return new AnthropicBedrock({ ...common, apiKey: o.apiKey });
      if (o.skipAuth) return new AnthropicBedrock({ ...common, apiKey: null, skipAuth: true });
      const creds = o.credentials ?? DEFAULT_CREDENTIALS;
      return new AnthropicBedrock({
        ...common,
        apiKey: null,
        awsAccessKey: creds.accessKeyId,
        awsSecretKey: creds.secretAccessKey,
        awsSessionToken: creds.sessionToken ?? null,
      });
    },
  };
}

/** Runs `fn` and returns what it threw (fails when it does not throw). */
export async function caught(fn: () => Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await fn();
  } catch (err) {
    return err as Error & Record<string, unknown>;
  }
  throw new Error("expected the call to throw, but it succeeded");
}

/** The HTTP status an AWS SDK exception carries. */
export function statusOf(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

/** Sets environment variables for the duration of `fn`, restoring (or deleting) them afterwards. */
export async function withEnv<T>(vars: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(vars)) {
    saved[k] = process.env[k];
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** Decodes the Anthropic event carried by an InvokeModelWithResponseStream `chunk`. */
export function decodeChunk(bytes: Uint8Array | undefined): Record<string, unknown> & { type: string } {
  if (!bytes) throw new Error("chunk without bytes");
  return JSON.parse(Buffer.from(bytes).toString("utf8"));
}

/** Collects an async iterable into an array (rethrowing what the iteration throws). */
export async function collect<T>(iterable: AsyncIterable<T> | undefined): Promise<T[]> {
  const out: T[] = [];
  if (!iterable) return out;
  for await (const item of iterable) out.push(item);
  return out;
}
