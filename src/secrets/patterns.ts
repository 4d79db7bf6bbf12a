// The second layer: credentials Quarry does not hold but can recognise by shape (an access key ID, a SigV4
// signature, a Bearer header in a log). Deliberately narrow (real credential shapes, or values right next to
// credential names): transcripts are fed back to the model on --resume, and over-redacting code corrupts them.

/** What a credential found by shape is replaced with. */
export const REDACTED = "<redacted>";

const KV_SEPARATOR = `["']?\\s*[:=]\\s*["']?`;

/** Each rule's `secret` group is the part replaced; the rest (a header name, `key =`) stays readable. */
const RULES: readonly RegExp[] = [
  // `Authorization: <anything>` up to the end of the line or the closing quote (SigV4, Basic, Bearer…).
  new RegExp(
    `\\b(?:proxy-)?authorization${KV_SEPARATOR}(?!\\s*<redacted)(?<secret>[^\\s"'][^\\r\\n"']*)`,
    "gid",
  ),
  // AWS secret access keys: 40 base64 characters next to a secret-key name.
  new RegExp(
    `\\b(?:aws_?)?secret_?(?:access_?)?key${KV_SEPARATOR}(?<secret>[A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])`,
    "gid",
  ),
  // Session tokens (env lines, credentials files, x-amz-security-token headers and presigned URLs).
  new RegExp(
    `\\b(?:(?:aws_?)?session_?token|x-amz-security-token|security_?token)${KV_SEPARATOR}(?<secret>[A-Za-z0-9/+=%]{16,})`,
    "gid",
  ),
  // SigV4 signatures (in an Authorization header or a presigned URL's X-Amz-Signature).
  /\b(?:X-Amz-)?Signature=(?<secret>[0-9a-f]{16,})/dgi,
  // AWS access key IDs (long-term AKIA, temporary ASIA).
  /\b(?<secret>(?:AKIA|ASIA)[A-Z0-9]{16})\b/dg,
  // Bearer tokens; the digit look-ahead keeps prose such as "Bearer authentication" intact.
  /\bBearer\s+(?<secret>(?=[A-Za-z0-9._~+/=-]*\d)[A-Za-z0-9._~+/=-]{8,})/dg,
  // Bedrock API keys: short-term `bedrock-api-key-…` and long-term `ABSK…`.
  /\b(?<secret>bedrock-api-key-[A-Za-z0-9._~+/=%-]+)/dgi,
  /\b(?<secret>ABSK[A-Za-z0-9+/=]{16,})/dg,
  // Anthropic API keys.
  /\b(?<secret>sk-ant-[A-Za-z0-9_-]{8,})/dg,
];

/** A half-open range [start, end) of text to replace. */
export interface Span {
  start: number;
  end: number;
  /** Where the whole match begins (before `start` when a name such as `Authorization: ` leads the value). */
  matchStart: number;
  /** What replaces it. */
  replacement: string;
}

/** Where credential-shaped substrings of `text` are. */
export function patternSpans(text: string): Span[] {
  const spans: Span[] = [];
  for (const rule of RULES) {
    for (const match of text.matchAll(rule)) {
      const range = match.indices?.groups?.secret;
      if (range)
        spans.push({ start: range[0], end: range[1], matchStart: match.index, replacement: REDACTED });
    }
  }
  return spans;
}

/** Object keys whose string values are credentials whatever they look like (headers, SDK credential objects). */
export const SECRET_FIELD =
  /^(?:(?:proxy-)?authorization|x-amz-security-token|x-api-key|api[-_]?key|(?:aws[-_]?)?secret[-_]?access[-_]?key|(?:aws[-_]?)?session[-_]?token|bearer[-_]?token|password)$/i;
