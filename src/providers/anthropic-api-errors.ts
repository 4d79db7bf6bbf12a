import { classifyBedrockError, redactSecrets, streamCutError } from "../bedrock/errors.js";
import { type ErrorKind, type FailureContext, QuarryError } from "../model/errors.js";

/** Which Messages-API service a route talks to: the Anthropic API (or a gateway) or Bedrock's Mantle. */
export type MessagesApiWire = "anthropic" | "mantle";

/** The Anthropic error JSON, `{type:"error",error:{type,message}}` (docs/providers.md#errors). */
interface ApiErrorLike {
  status?: number;
  name?: string;
  message?: string;
  error?: { error?: { type?: string; message?: string }; type?: string; message?: string };
}

// How a Mantle error (Anthropic-shaped) reads as the AWS exception the Bedrock classifier knows; the
// classifier then matches AWS's texts (expired token, bad signature, access denied) as it does for Invoke.
const AWS_NAME_FOR: Record<string, string> = {
  authentication_error: "UnrecognizedClientException",
  permission_error: "AccessDeniedException",
  rate_limit_error: "ThrottlingException",
  overloaded_error: "ServiceUnavailableException",
  api_error: "InternalServerException",
  invalid_request_error: "ValidationException",
};

/** Maps what the Anthropic SDK threw (for the Anthropic API or Mantle) into a QuarryError with a fix. */
export function classifyMessagesApiError(
  err: unknown,
  wire: MessagesApiWire,
  ctx: FailureContext,
): QuarryError {
  if (err instanceof QuarryError) return err.withContext(ctx);
  const e = (err ?? {}) as ApiErrorLike;
  const body = e.error?.error ?? e.error;
  const type = body?.type ?? e.name ?? "Error";
  const raw = redactSecrets(String(body?.message ?? e.message ?? err));
  const status = typeof e.status === "number" ? e.status : undefined;
  const build = (kind: ErrorKind, explanation: string, fix: string, retryable = false): QuarryError =>
    new QuarryError(
      { ...ctx, kind, rawMessage: raw, awsType: type, status, explanation, fix, retryable },
      { cause: err },
    );
  const model = ctx.model ?? "the model";
  const modelVar = ctx.modelSource ?? "ANTHROPIC_MODEL";
  if (status === undefined) {
    const where = wire === "mantle" ? "ANTHROPIC_BEDROCK_MANTLE_BASE_URL" : "ANTHROPIC_BASE_URL";
    return build(
      "network",
      `Could not reach the ${serviceName(wire)}: ${raw}.`,
      `Check the network, the proxy (HTTPS_PROXY / NO_PROXY) and ${where} if it is set.`,
      true,
    );
  }
  if (wire === "mantle") {
    if (status === 404 || type === "not_found_error") {
      return build(
        "invalid-model-id",
        `Bedrock's Mantle endpoint does not serve ${model} in ${ctx.region ?? "this region"}: ${raw}.`,
        `Mantle takes bare model IDs such as anthropic.claude-sonnet-4-5 (no us./eu./global. prefix, no -v1:0 suffix). Set ${modelVar} to one it serves, or use Bedrock's Invoke endpoint (--provider bedrock).`,
      );
    }
    const aws = { name: AWS_NAME_FOR[type] ?? type, message: raw, $metadata: { httpStatusCode: status } };
    return classifyBedrockError(aws, ctx);
  }
  const key = ctx.identity ?? "ANTHROPIC_API_KEY";
  switch (status) {
    case 401:
      return build(
        "invalid-credentials",
        `The Anthropic API rejected the credential in ${key}: ${raw}.`,
        key === "ANTHROPIC_AUTH_TOKEN"
          ? "Check ANTHROPIC_AUTH_TOKEN (the gateway's token, sent as Authorization: Bearer) and ANTHROPIC_BASE_URL."
          : "Set ANTHROPIC_API_KEY to a valid key from the Anthropic Console (Settings → API keys): export ANTHROPIC_API_KEY=sk-ant-…",
      );
    case 403:
      return build(
        "iam-denied",
        `The Anthropic API refused ${model} for this key: ${raw}.`,
        `Use a key whose workspace may use ${model}, or set ${modelVar} to a model it may use.`,
      );
    case 404:
      return build(
        "invalid-model-id",
        `The Anthropic API does not know the model ${model}: ${raw}.`,
        `Set ${modelVar} to an Anthropic model name such as claude-sonnet-4-5 (Bedrock IDs like us.anthropic.… work only with --provider bedrock).`,
      );
    case 429:
      return build(
        "throttled",
        `The Anthropic API rate-limited this key: ${raw}.`,
        "Quarry retries with backoff; if it keeps happening, wait or ask Anthropic for higher rate limits.",
        true,
      );
    case 413:
      return build(
        "context-too-long",
        `The request is too large for the Anthropic API: ${raw}.`,
        "Run /compact.",
      );
  }
  if (status === 529 || status >= 500) {
    return build(
      status === 529 ? "service-unavailable" : "model-error",
      `The Anthropic API is ${status === 529 ? "overloaded" : "failing"} (${status}): ${raw}.`,
      "Quarry retries with backoff; if it persists, try again later.",
      true,
    );
  }
  if (/prompt is too long/i.test(raw)) {
    return build(
      "context-too-long",
      `The conversation is longer than ${model} accepts: ${raw}.`,
      "Run /compact.",
    );
  }
  return build(
    "bad-request",
    `The Anthropic API refused the request: ${raw}.`,
    "Report this as a Quarry bug.",
  );
}

/** A stream that ended without message_stop, named for the service that cut it. */
export function messagesStreamCut(wire: MessagesApiWire, ctx: FailureContext): QuarryError {
  return streamCutError(`(the ${serviceName(wire)} stream ended before message_stop)`, ctx);
}

function serviceName(wire: MessagesApiWire): string {
  return wire === "mantle" ? "Bedrock Mantle endpoint" : "Anthropic API";
}
