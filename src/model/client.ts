import type { FailureContext, QuarryError } from "./errors.js";
import type { AssistantMessage, ProviderEvent, TurnRequest } from "./types.js";

/** What the router knows about one resolved model, whatever the wire it is called over. */
export interface RouteBase {
  /** The exact model id sent on the wire. */
  sendId: string;
  /** Where the model runs (a region, or the API's host), for messages. */
  region: string;
  /** Whether this model takes cache_control breakpoints at all. */
  promptCaching: boolean;
  /** Facts for error messages (model, region, identity). */
  context: FailureContext;
}

/** Per-call choices the router makes and the wire client honours. */
export interface WireOptions {
  /** Send cache_control breakpoints (false once the service refused them). */
  caching: boolean;
}

/**
 * One wire format (Bedrock Invoke today; Converse or the Anthropic API next): turns a request into bytes and
 * the reply into events. Knows nothing about roles, fallbacks or retries — that is the router's job
 * (src/model/router.ts), so a new client is added without touching the loop.
 */
export interface ModelClient<R extends RouteBase = RouteBase> {
  /** Streams one attempt; throws (raw or QuarryError) when it fails or ends before message_stop. */
  stream(route: R, request: TurnRequest, options: WireOptions): AsyncIterable<ProviderEvent>;
  /** One non-streaming attempt. */
  invoke(route: R, request: TurnRequest, options: WireOptions): Promise<AssistantMessage>;
  /** Counts input tokens, or estimates them when the service cannot. */
  countTokens(route: R, request: TurnRequest): Promise<number>;
  /** Maps whatever the attempt threw into the error taxonomy, with the route's facts. */
  classify(err: unknown, route: R): QuarryError;
  /** Re-reads credentials after an expired-credentials failure; true when a retry is worth it. */
  refreshCredentials?(): Promise<boolean>;
}
