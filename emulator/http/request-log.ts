import type { EmulatorRequest, RequestLogEntry } from "./types.js";

const SECRET_HEADERS = new Set(["x-amz-security-token", "x-api-key"]);

/** Header values with secrets removed: signatures, session tokens and bearer keys never reach the log. */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (SECRET_HEADERS.has(name)) out[name] = "<redacted>";
    else if (name === "authorization") out[name] = redactAuthorization(value);
    else out[name] = value;
  }
  return out;
}

function redactAuthorization(value: string): string {
  if (/^Bearer\s/i.test(value)) return "Bearer <redacted>";
  return value.replace(/Signature=[0-9a-f]+/i, "Signature=<redacted>");
}

/** The body as a test wants to read it: parsed JSON when it is JSON, else (truncated) text. */
export function loggableBody(req: EmulatorRequest): unknown {
  if (req.body.length === 0) return undefined;
  const text = req.body.toString("utf8");
  try {
    return JSON.parse(text);
  } catch {
    return text.length > 4096 ? `${text.slice(0, 4096)}…` : text;
  }
}

/** Starts a log entry for a request; handlers fill in service, operation, model and outcome. */
export function newLogEntry(id: string, req: EmulatorRequest): RequestLogEntry {
  return {
    id,
    time: new Date().toISOString(),
    method: req.method,
    path: req.rawPath,
    query: req.rawQuery,
    httpVersion: req.httpVersion,
    headers: redactHeaders(req.headers),
    body: loggableBody(req),
    notes: {},
  };
}
