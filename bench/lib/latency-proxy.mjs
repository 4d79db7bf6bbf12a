// A loopback HTTP proxy that adds a fixed delay before each request reaches the emulator, standing in for a
// laptop far from its AWS region (every AWS call pays the round trip). It records each request's arrival
// time, path and body size, so benchmarks can read "spawn → first streaming request" and bytes per request.
import http from "node:http";

/** Starts the proxy in front of `upstream` (http://127.0.0.1:port); resolves to { url, log, close }. */
export async function startLatencyProxy(upstream, { delayMs = 80 } = {}) {
  const target = new URL(upstream);
  const log = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      log.push({ at: Date.now(), method: req.method, path: req.url ?? "", bytes: body.length });
      setTimeout(() => {
        const out = http.request(
          {
            host: target.hostname,
            port: target.port,
            method: req.method,
            path: req.url,
            // The Host header stays as sent: it is part of the SigV4 signature the emulator checks.
            headers: req.headers,
          },
          (up) => {
            res.writeHead(up.statusCode ?? 502, up.headers);
            up.pipe(res);
          },
        );
        out.on("error", () => {
          res.writeHead(502);
          res.end();
        });
        out.end(body);
      }, delayMs);
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    /** Streaming model calls (what "first request" means: the conversation reaching the model). */
    streams: (since = 0) =>
      log.filter((e) => e.at >= since && /invoke-with-response-stream|converse-stream/.test(e.path)),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
