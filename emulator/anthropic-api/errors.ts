import type { RenderedResponse } from "../http/errors.js";
import { BedrockError, type RequestLogEntry, type ResponseWriter } from "../http/types.js";

/**
 * Anthropic's error types by HTTP status (docs.claude.com/en/api/errors: 400 invalid_request_error,
 * 401 authentication_error, 403 permission_error, 404 not_found_error, 413 request_too_large,
 * 429 rate_limit_error, 500 api_error, 529 overloaded_error).
 */
const TYPE_FOR_STATUS: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  529: "overloaded_error",
};

/** A refusal in Anthropic's shape; `type` defaults from the status. */
export class AnthropicApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: string = TYPE_FOR_STATUS[status] ??
      (status >= 500 ? "api_error" : "invalid_request_error"),
  ) {
    super(message);
  }
}

/** The Anthropic texts for the refusals the stand-in makes (docs/providers.md#errors). */
export const API_TEXTS = {
  missingKey: "x-api-key header is required",
  invalidKey: "invalid x-api-key",
  invalidToken: "Invalid bearer token",
  overloaded: "Overloaded",
  rateLimited: "Number of request tokens has exceeded your per-minute rate limit",
  unknownModel: (model: string) => `model: ${model}`,
} as const;

/** Any failure (ours or the shared runtime's BedrockError) as `{type:"error",error:{type,message}}`. */
export function renderAnthropicError(err: unknown, requestId: string): RenderedResponse {
  const e =
    err instanceof AnthropicApiError
      ? err
      : err instanceof BedrockError
        ? fromBedrock(err)
        : new AnthropicApiError(500, `Emulator internal error: ${String(err)}`);
  return {
    status: e.status,
    headers: {
      "content-type": "application/json",
      "request-id": requestId,
      "x-should-retry": String(e.status >= 429),
    },
    body: JSON.stringify({
      type: "error",
      error: { type: e.type, message: e.message },
      request_id: requestId,
    }),
  };
}

/** Answers a failed request with Anthropic's error JSON and logs its type; nothing when the client has gone. */
export function sendAnthropicError(res: ResponseWriter, entry: RequestLogEntry, err: unknown): void {
  if (res.closed) return;
  const rendered = renderAnthropicError(err, entry.id);
  entry.errorType = JSON.parse(rendered.body).error.type;
  res.send(rendered.status, rendered.headers, rendered.body);
}

// The turn engine's refusals (scripted faults, validation) keep their text; the status picks the type, with
// Bedrock's 503 "unable to process" read as Anthropic's 529 overload.
function fromBedrock(err: BedrockError): AnthropicApiError {
  if (err.status === 503 || err.status === 529) return new AnthropicApiError(529, API_TEXTS.overloaded);
  return new AnthropicApiError(err.status, err.message);
}
