import type { FoundationModel, Identity } from "../world/schema.js";

/**
 * Contracts shared by the emulator's server spine and its route handlers. The spine parses the request,
 * authenticates it and resolves the model; handlers only produce the answer through a ResponseWriter.
 */

/** A request as received, before any decoding that would change what SigV4 signed. */
export interface EmulatorRequest {
  method: string;
  /** The request-target path exactly as sent (percent-encoding preserved), without the query. */
  rawPath: string;
  /** The raw query string without the leading "?" ("" when absent). */
  rawQuery: string;
  query: URLSearchParams;
  /** Lower-cased header names; repeated headers joined with ",". HTTP/2 pseudo-headers included. */
  headers: Record<string, string>;
  body: Buffer;
  httpVersion: "1.1" | "2.0";
}

/** Where the answer goes. Implemented over both node:http and node:http2 compat responses. */
export interface ResponseWriter {
  /** Sends a complete response. */
  send(status: number, headers: Record<string, string>, body: Buffer | string): void;
  /** Starts a streamed 200-ish response; write() resolves when the chunk is flushed to the socket. */
  startStream(status: number, headers: Record<string, string>): void;
  write(chunk: Buffer | string): Promise<void>;
  end(): void;
  /**
   * Ends the body where it stands, cleanly (final chunk / END_STREAM). A clean end mid-frame is what makes the
   * SDK's decoder report "Truncated event message received."; a socket reset would surface as "aborted".
   */
  cut(): void;
  /** True once the client has gone away. */
  readonly closed: boolean;
}

/** A Bedrock refusal: the exception name, HTTP status and exact message Bedrock uses. */
export class BedrockError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    /** Extra JSON members for the body (e.g. originalStatusCode for ModelErrorException). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = type;
  }
}

/** What a runtime model identifier resolved to, for the request's region. */
export interface InvocationTarget {
  /** The model ID exactly as decoded from the path. */
  requestedId: string;
  kind:
    | "foundation-model"
    | "foundation-model-arn"
    | "system-profile"
    | "system-profile-arn"
    | "application-profile"
    | "provisioned-model"
    | "custom-model"
    | "imported-model";
  /** The foundation model that will answer. */
  model: FoundationModel;
  /** The ARN IAM checks first: the profile ARN for profiles, else the foundation-model ARN. */
  resourceArn: string;
  /** Foundation-model ARNs (one per destination region) IAM also checks when invoking through a profile. */
  routedModelArns: string[];
}

export type RuntimeOperation =
  | "invoke"
  | "invoke-with-response-stream"
  | "converse"
  | "converse-stream"
  | "count-tokens";

/** Everything a handler may need about the call. */
export interface CallContext {
  requestId: string;
  /** Region from the SigV4 credential scope (or the world's first region when auth is off / bearer). */
  region: string;
  /** Undefined only when the world has auth "none". */
  identity: Identity | undefined;
  /** Notes the handler wants recorded in the request log (decoded model ID, operation, fault used…). */
  note(key: string, value: unknown): void;
}

/** One request as recorded by the emulator, secrets removed. */
export interface RequestLogEntry {
  id: string;
  time: string;
  method: string;
  path: string;
  query: string;
  httpVersion: "1.1" | "2.0";
  service?: "bedrock-runtime" | "bedrock" | "sts" | "anthropic-api" | "bedrock-mantle" | "servicequotas";
  operation?: string;
  modelId?: string;
  region?: string;
  identity?: string;
  authScheme?: "sigv4" | "bearer" | "api-key" | "none";
  headers: Record<string, string>;
  /** Parsed JSON body when it is JSON; otherwise the UTF-8 text (truncated). */
  body: unknown;
  status?: number;
  errorType?: string;
  notes: Record<string, unknown>;
}
