// Transcripts are plain files that users share in bug reports, so credentials must never reach them. The
// patterns are deliberately narrow (shapes of real credentials, or values right next to credential names):
// a transcript is also what --resume feeds back to the model, and over-redacting code would corrupt it.

/** What a secret is replaced with. */
export const REDACTED = "<redacted>";

const KV_SEPARATOR = `(["']?\\s*[:=]\\s*["']?)`;

const TEXT_RULES: readonly [RegExp, string][] = [
  // `Authorization: <anything>` up to the end of the line or the closing quote (SigV4, Basic, Bearer…).
  [
    new RegExp(`\\b((?:proxy-)?authorization)${KV_SEPARATOR}(?!\\s*${REDACTED})[^\\r\\n"']+`, "gi"),
    `$1$2${REDACTED}`,
  ],
  // AWS secret access keys: 40 base64 characters next to a secret-key name.
  [
    new RegExp(
      `\\b((?:aws_?)?secret_?(?:access_?)?key)${KV_SEPARATOR}[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])`,
      "gi",
    ),
    `$1$2${REDACTED}`,
  ],
  // Session tokens (env lines, credentials files, x-amz-security-token headers and presigned URLs).
  [
    new RegExp(
      `\\b((?:aws_?)?session_?token|x-amz-security-token|security_?token)${KV_SEPARATOR}[A-Za-z0-9/+=%]{16,}`,
      "gi",
    ),
    `$1$2${REDACTED}`,
  ],
  // AWS access key IDs (long-term AKIA, temporary ASIA).
  [/\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, REDACTED],
  // Bearer tokens; the digit look-ahead keeps prose such as "Bearer authentication" intact.
  [/\b(Bearer\s+)(?=[A-Za-z0-9._~+/=-]*\d)[A-Za-z0-9._~+/=-]{8,}/g, `$1${REDACTED}`],
  // Bedrock API keys: short-term `bedrock-api-key-…` and long-term `ABSK…`.
  [/\bbedrock-api-key-[A-Za-z0-9._~+/=%-]+/gi, REDACTED],
  [/\bABSK[A-Za-z0-9+/=]{16,}/g, REDACTED],
  // Anthropic API keys.
  [/\bsk-ant-[A-Za-z0-9_-]{8,}/g, REDACTED],
];

// Object keys whose string values are credentials whatever they look like (headers, SDK credential objects).
const SECRET_KEY =
  /^(?:(?:proxy-)?authorization|x-amz-security-token|x-api-key|api[-_]?key|(?:aws[-_]?)?secret[-_]?access[-_]?key|(?:aws[-_]?)?session[-_]?token|bearer[-_]?token|password)$/i;

/** Replaces every credential-shaped substring of `text` with `<redacted>`. */
export function redactText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of TEXT_RULES) out = out.replace(pattern, replacement);
  return out;
}

/**
 * A JSON-safe copy of `value` with every string redacted and credential-named fields blanked. Never throws:
 * cycles become "[Circular]", bigints strings, binary data a byte count, errors their name and message.
 */
export function redactDeep(value: unknown): unknown {
  return walk(value, new WeakSet());
}

function walk(value: unknown, seen: WeakSet<object>): unknown {
  switch (typeof value) {
    case "string":
      return redactText(value);
    case "number":
    case "boolean":
      return value;
    case "bigint":
      return value.toString();
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
  }
  if (value === null) return null;
  const object = value as object;
  if (seen.has(object)) return "[Circular]";
  if (object instanceof Date) return Number.isNaN(object.getTime()) ? null : object.toISOString();
  if (ArrayBuffer.isView(object) || object instanceof ArrayBuffer) return `<${object.byteLength} bytes>`;
  seen.add(object);
  try {
    if (Array.isArray(object)) return object.map((item) => walk(item, seen) ?? null);
    if (object instanceof Error) {
      return {
        name: object.name,
        message: redactText(object.message),
        stack: object.stack && redactText(object.stack),
      };
    }
    if (object instanceof Map) return walk(Object.fromEntries(object), seen);
    if (object instanceof Set) return walk([...object], seen);
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(object)) {
      const clean =
        typeof field === "string" && field !== "" && SECRET_KEY.test(key) ? REDACTED : walk(field, seen);
      if (clean !== undefined) out[key] = clean;
    }
    return out;
  } finally {
    seen.delete(object);
  }
}
