/** A sink for text, such as process.stdout. */
export interface TextSink {
  write(s: string): unknown;
}

/**
 * The one function through which headless mode writes to stdout: each message as one JSON line. Output
 * filters (secret scrubbing, docs/security/secrets.md) belong in `prepare`, applied to the message as a value
 * before it is serialised, so they apply to every line and never cut a JSON escape.
 */
export function jsonLineWriter(
  out: TextSink,
  prepare: (message: unknown) => unknown = (message) => message,
): (message: unknown) => void {
  return (message) => {
    out.write(`${JSON.stringify(prepare(message))}\n`);
  };
}
