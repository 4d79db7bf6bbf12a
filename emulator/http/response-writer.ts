import type { ServerResponse } from "node:http";
import type { Http2ServerResponse } from "node:http2";
import type { ResponseWriter } from "./types.js";

type NodeResponse = ServerResponse | Http2ServerResponse;

/** Wraps a node:http or node:http2 compat response behind the emulator's ResponseWriter. */
export function createResponseWriter(res: NodeResponse, onStatus: (status: number) => void): ResponseWriter {
  let closed = false;
  res.on("close", () => {
    closed = true;
  });
  const headOf = (headers: Record<string, string>) => {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = v;
    return out;
  };
  return {
    get closed() {
      return closed || res.destroyed;
    },
    send(status, headers, body) {
      if (closed) return;
      onStatus(status);
      const buf = typeof body === "string" ? Buffer.from(body) : body;
      res.writeHead(status, { ...headOf(headers), "content-length": String(buf.length) });
      res.end(buf);
    },
    startStream(status, headers) {
      if (closed) return;
      onStatus(status);
      res.writeHead(status, headOf(headers));
      // Send the head now: clients wait for it before reading frames, and latency tests time from here.
      if ("flushHeaders" in res) res.flushHeaders();
    },
    write(chunk) {
      if (closed) return Promise.resolve();
      return new Promise<void>((resolve) => {
        // Both response kinds accept (chunk, callback); the callback fires once the data is handed to the socket.
        (res as ServerResponse).write(chunk, () => resolve());
      });
    },
    end() {
      if (!closed) res.end();
    },
    /**
     * Ends the body where it stands, cleanly (final chunk / END_STREAM), the way a proxy that gives up does.
     * A clean end mid-frame is what makes the SDK's decoder say "Truncated event message received." (WIRE §6.5).
     */
    cut() {
      if (!closed) res.end();
    },
  };
}
