import { defaultErrorForStatus } from "../http/errors.js";
import { BedrockError, type InvocationTarget } from "../http/types.js";
import type { Fault } from "../world/schema.js";

/** Scripted faults turned into what Bedrock sends: HTTP errors before the body or exception frames inside it. */

export type StreamExceptionName = Extract<Fault, { kind: "stream-exception" }>["exception"];

/** The upstream status and text of a mid-generation model failure (Anthropic's 529 overloaded). */
const ORIGINAL_STATUS = 529;
const ORIGINAL_MESSAGE = "Overloaded";

const STREAM_EXCEPTIONS: Record<StreamExceptionName, { status: number; type: string; message: string }> = {
  internalServerException: {
    status: 500,
    type: "InternalServerException",
    message: defaultErrorForStatus(500).message,
  },
  modelStreamErrorException: {
    status: 424,
    type: "ModelStreamErrorException",
    message: "The model returned an error while streaming the response. Try your request again.",
  },
  validationException: {
    status: 400,
    type: "ValidationException",
    message: defaultErrorForStatus(400).message,
  },
  throttlingException: {
    status: 429,
    type: "ThrottlingException",
    message: "Too many tokens, please wait before trying again.",
  },
  modelTimeoutException: {
    status: 408,
    type: "ModelTimeoutException",
    message: defaultErrorForStatus(408).message,
  },
  serviceUnavailableException: {
    status: 503,
    type: "ServiceUnavailableException",
    message: defaultErrorForStatus(503).message,
  },
};

/** The error an `http` fault produces before anything is written. */
export function httpFaultError(
  fault: Extract<Fault, { kind: "http" }>,
  target: InvocationTarget | undefined,
): BedrockError {
  const fallback = defaultErrorForStatus(fault.status);
  const type = fault.exception ?? fallback.type;
  const extra: Record<string, unknown> =
    type === "ModelErrorException"
      ? { originalStatusCode: ORIGINAL_STATUS, resourceName: target?.resourceArn }
      : {};
  return new BedrockError(fault.status, type, fault.message ?? fallback.message, extra);
}

/** A stream-exception fault on a non-streaming operation: the matching HTTP error. */
export function streamExceptionAsHttpError(
  fault: Extract<Fault, { kind: "stream-exception" }>,
  target: InvocationTarget,
): BedrockError {
  if (fault.exception === "modelStreamErrorException") {
    // Non-stream operations have no ModelStreamErrorException; a failing model is a 424 ModelErrorException.
    return new BedrockError(424, "ModelErrorException", fault.message ?? defaultErrorForStatus(424).message, {
      originalStatusCode: ORIGINAL_STATUS,
      resourceName: target.resourceArn,
    });
  }
  const spec = STREAM_EXCEPTIONS[fault.exception];
  return new BedrockError(spec.status, spec.type, fault.message ?? spec.message);
}

/** The `:exception-type` and payload of an in-stream exception frame. */
export function streamExceptionFrame(
  fault: Extract<Fault, { kind: "stream-exception" }>,
  op: "invoke-with-response-stream" | "converse-stream",
): { exceptionType: string; payload: Record<string, unknown> } {
  let exception: StreamExceptionName = fault.exception;
  let message = fault.message ?? STREAM_EXCEPTIONS[exception].message;
  let originalStatusCode = ORIGINAL_STATUS;
  let originalMessage = ORIGINAL_MESSAGE;
  if (exception === "modelTimeoutException" && op === "converse-stream") {
    // ConverseStream has no modelTimeoutException member; the timeout surfaces as a model stream error.
    exception = "modelStreamErrorException";
    originalStatusCode = 408;
    originalMessage = message;
    message = STREAM_EXCEPTIONS.modelStreamErrorException.message;
  }
  if (exception === "modelStreamErrorException") {
    return { exceptionType: exception, payload: { message, originalStatusCode, originalMessage } };
  }
  return { exceptionType: exception, payload: { message } };
}
