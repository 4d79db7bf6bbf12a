import { randomUUID } from "node:crypto";
import { BedrockError } from "./types.js";

/** A rendered HTTP response. */
export interface RenderedResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Renders a Bedrock refusal the way the REST-JSON (Coral) front end does: a JSON `{"message"}` body and the
 * `x-amzn-ErrorType` header the AWS SDK reads first to choose the exception class (WIRE.md §7.1).
 */
export function renderRestJsonError(err: BedrockError, requestId: string = randomUUID()): RenderedResponse {
  return {
    status: err.status,
    headers: {
      "content-type": "application/json",
      "x-amzn-requestid": requestId,
      "x-amzn-errortype": `${err.type}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
    },
    body: JSON.stringify({ message: err.message, ...err.extra }),
  };
}

/** STS speaks the query protocol: errors are XML `ErrorResponse` documents (WIRE.md §10.6). */
export function renderStsError(err: BedrockError, requestId: string = randomUUID()): RenderedResponse {
  const code = stsCodeFor(err.type);
  const type = err.status >= 500 ? "Receiver" : "Sender";
  return {
    status: err.status,
    headers: { "content-type": "text/xml", "x-amzn-requestid": requestId },
    body:
      `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>${type}</Type>` +
      `<Code>${escapeXml(code)}</Code><Message>${escapeXml(err.message)}</Message></Error>` +
      `<RequestId>${requestId}</RequestId></ErrorResponse>`,
  };
}

/** The runtime and control plane name auth failures differently from STS. */
function stsCodeFor(type: string): string {
  switch (type) {
    case "UnrecognizedClientException":
      return "InvalidClientTokenId";
    case "InvalidSignatureException":
      return "SignatureDoesNotMatch";
    case "ExpiredTokenException":
      return "ExpiredToken";
    case "MissingAuthenticationTokenException":
      return "MissingAuthenticationToken";
    default:
      return type;
  }
}

export function escapeXml(s: string): string {
  return s.replace(
    /[<>&'"]/g,
    (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;" })[c]!,
  );
}

/** Default exception name and message for an HTTP status, with Bedrock's texts (WIRE.md §7.2, §7.3). */
export function defaultErrorForStatus(status: number): { type: string; message: string } {
  switch (status) {
    case 400:
      return {
        type: "ValidationException",
        message: "Malformed input request, please reformat your input and try again.",
      };
    case 403:
      return {
        type: "AccessDeniedException",
        message: "You don't have access to the model with the specified model ID.",
      };
    case 404:
      return { type: "ResourceNotFoundException", message: "The requested resource could not be found." };
    case 408:
      return {
        type: "ModelTimeoutException",
        message: "Model has timed out in processing the request. Try your request again.",
      };
    case 424:
      return { type: "ModelErrorException", message: "The model returned an error. Try your request again." };
    case 429:
      return { type: "ThrottlingException", message: "Too many requests, please wait before trying again." };
    case 503:
      return { type: "ServiceUnavailableException", message: "Bedrock is unable to process your request." };
    default:
      return status >= 500
        ? {
            type: "InternalServerException",
            message: "The server encountered an internal error while processing the request.",
          }
        : { type: "ValidationException", message: "The request was invalid." };
  }
}

export { BedrockError };
