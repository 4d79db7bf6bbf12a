import http, { type IncomingMessage, type ServerResponse } from "node:http";
import http2, { type Http2ServerRequest, type Http2ServerResponse } from "node:http2";
import net, { type AddressInfo, type Socket } from "node:net";
import type { Duplex } from "node:stream";
import { defaultWorld } from "../world/default-world.js";
import { parseWorld } from "../world/load.js";
import type { World, WorldInput } from "../world/schema.js";
import { renderRestJsonError } from "./errors.js";
import { createResponseWriter } from "./response-writer.js";
import { EmulatorApp, newLogEntry, newRequestId } from "./router.js";
import { generateEmulatorCertificate } from "./tls.js";
import { BedrockError, type EmulatorRequest, type RequestLogEntry } from "./types.js";

const H2_PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
/** Bedrock accepts 25 MB bodies (WIRE.md §4.2); a little slack, then refuse rather than buffer forever. */
const MAX_BODY_BYTES = 26 * 1024 * 1024;

export interface StartEmulatorOptions {
  /** A parsed or raw world; the built-in default world when omitted. */
  world?: World | WorldInput;
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Serve HTTPS (ALPN h2 and http/1.1) with a self-signed certificate generated at start, instead of cleartext. */
  tls?: boolean;
}

export interface RunningEmulator {
  /** Base URL, e.g. http://127.0.0.1:4599 — usable as endpoint / AWS_ENDPOINT_URL / ANTHROPIC_BEDROCK_BASE_URL. */
  url: string;
  port: number;
  world: World;
  /** Every request received, in order, secrets removed. */
  log: RequestLogEntry[];
  /** TLS mode only: the certificate PEM clients must trust (it is its own CA). */
  caPem?: string;
  /** TLS mode only: a temp file holding caPem (for NODE_EXTRA_CA_CERTS / AWS_CA_BUNDLE), removed on close. */
  caPath?: string;
  close(): Promise<void>;
}

/**
 * Starts the Bedrock emulator on one loopback port that speaks HTTP/1.1 and cleartext HTTP/2 (h2c with prior
 * knowledge, as the AWS SDK's NodeHttp2Handler sends): the first bytes of each connection decide (WIRE.md §1.2).
 */
export async function startEmulator(options: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  const world = parseWorld(options.world ?? defaultWorld(), "world");
  const app = new EmulatorApp(world);
  const handler = (req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse) => {
    void serve(app, req, res);
  };
  if (options.tls) return startTlsEmulator(world, app, handler, options);
  const h1 = http.createServer({ keepAliveTimeout: 5000 }, handler);
  const h2 = http2.createServer({}, handler);
  h2.on("sessionError", () => {});
  h1.on("clientError", (_err, socket) => {
    if (socket.writable)
      socket.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n");
  });

  const sockets = new Set<Socket>();
  const front = net.createServer((socket) => {
    sockets.add(socket);
    // Stream frames are small writes; without this, Nagle plus the client's delayed ACK adds ~40 ms stalls.
    socket.setNoDelay(true);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    sniffProtocol(socket, (isH2) => (isH2 ? h2 : h1).emit("connection", socket));
  });
  await new Promise<void>((resolve, reject) => {
    front.once("error", reject);
    front.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const { port } = front.address() as AddressInfo;
  const host = options.host ?? "127.0.0.1";

  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    world,
    log: app.log,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        h1.close();
        h2.close();
        front.close(() => resolve());
      }),
  };
}

type Handler = (req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse) => void;

/** TLS mode: ALPN picks h2 or http/1.1, so no sniffing is needed; the certificate is made fresh per start. */
async function startTlsEmulator(
  world: World,
  app: EmulatorApp,
  handler: Handler,
  options: StartEmulatorOptions,
): Promise<RunningEmulator> {
  const cert = await generateEmulatorCertificate();
  const server = http2.createSecureServer(
    { key: cert.keyPem, cert: cert.certPem, allowHTTP1: true, ALPNProtocols: ["h2", "http/1.1"] },
    handler,
  );
  server.on("sessionError", () => {});
  const sockets = new Set<Duplex>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on("close", () => sockets.delete(socket));
  });
  // A client that rejects the certificate aborts the handshake; that is the client's business, not a crash.
  server.on("tlsClientError", () => {});
  const host = options.host ?? "127.0.0.1";
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 0, host, () => resolve());
    });
  } catch (err) {
    cert.remove();
    throw err;
  }
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    world,
    log: app.log,
    caPem: cert.certPem,
    caPath: cert.caPath,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => {
          cert.remove();
          resolve();
        });
      }),
  };
}

/** Reads just enough of a new connection to tell the HTTP/2 preface from an HTTP/1.1 request line. */
function sniffProtocol(socket: Socket, decide: (isH2: boolean) => void): void {
  let seen = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    seen = Buffer.concat([seen, chunk]);
    const n = Math.min(seen.length, H2_PREFACE.length);
    const prefixMatches = seen.subarray(0, n).equals(H2_PREFACE.subarray(0, n));
    if (prefixMatches && seen.length < H2_PREFACE.length) return; // undecided: wait for more bytes
    socket.off("data", onData);
    socket.pause();
    socket.unshift(seen);
    decide(prefixMatches);
    // HTTP/2 takes over the socket's handle and drains the unshifted bytes itself; resuming the JS stream
    // as well would let those bytes flow to no listener (the session then sees a broken preface: GOAWAY 2).
    if (!prefixMatches) socket.resume();
  };
  socket.on("data", onData);
}

async function serve(
  app: EmulatorApp,
  req: IncomingMessage | Http2ServerRequest,
  res: ServerResponse | Http2ServerResponse,
): Promise<void> {
  const requestId = newRequestId();
  let entry: RequestLogEntry | undefined;
  const writer = createResponseWriter(res, (status) => {
    if (entry) entry.status = status;
  });
  try {
    const body = await readBody(req);
    const emulatorRequest = toEmulatorRequest(req, body);
    entry = newLogEntry(requestId, emulatorRequest);
    app.log.push(entry);
    await app.handle(emulatorRequest, writer, entry);
  } catch (err) {
    const e =
      err instanceof BedrockError
        ? err
        : new BedrockError(500, "InternalServerException", `Emulator internal error: ${String(err)}`);
    const rendered = renderRestJsonError(e, requestId);
    writer.send(rendered.status, rendered.headers, rendered.body);
  }
}

function readBody(req: IncomingMessage | Http2ServerRequest): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BedrockError(413, "ValidationException", "Request body is too large."));
        req.removeAllListeners("data");
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function toEmulatorRequest(req: IncomingMessage | Http2ServerRequest, body: Buffer): EmulatorRequest {
  // Under both APIs req.url is the raw request-target: exactly what the client signed (WIRE.md §13.3).
  const target = req.url ?? "/";
  const q = target.indexOf("?");
  const rawPath = q === -1 ? target : target.slice(0, q);
  const rawQuery = q === -1 ? "" : target.slice(q + 1);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(",") : String(value);
  }
  let query: URLSearchParams;
  try {
    query = new URLSearchParams(rawQuery);
  } catch {
    query = new URLSearchParams();
  }
  return {
    method: req.method ?? "GET",
    rawPath,
    rawQuery,
    query,
    headers,
    body,
    httpVersion: req.httpVersion === "2.0" ? "2.0" : "1.1",
  };
}
