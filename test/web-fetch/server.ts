import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A local HTTP server on 127.0.0.1 for WebFetch tests; records every path it was asked for. */
export async function startSite(
  routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void>,
): Promise<{ port: number; base: string; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? "");
    const route = routes[req.url ?? ""];
    if (route) route(req, res);
    else {
      res.writeHead(404, { "content-type": "text/html" });
      res.end("<h1>Not here</h1>");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    base: `http://127.0.0.1:${port}`,
    hits,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An HTML page with a script and a style that must not reach the model. */
export const PAGE_HTML =
  "<html><head><title>Docs</title><style>body{color:red}</style></head><body>" +
  "<h1>Install guide</h1><p>Run <code>npm install quarry</code> with <b>Node 20</b>.</p>" +
  "<ul><li>fast</li><li>safe</li></ul><script>alert('tracking')</script></body></html>";

/** Serves the HTML page. */
export const html =
  (body: string) =>
  (_req: IncomingMessage, res: ServerResponse): void => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(body);
  };
