/** A sink for text, such as process.stdout. */
export interface TextSink {
  write(s: string): unknown;
}

/**
 * The one function through which headless mode writes to stdout: each message as one JSON line. Output
 * filters (secret scrubbing, docs/security.md) belong in `transform`, so they apply to every line.
 */
export function jsonLineWriter(
  out: TextSink,
  transform: (line: string) => string = (line) => line,
): (message: unknown) => void {
  return (message) => {
    out.write(`${transform(JSON.stringify(message))}\n`);
  };
}
