/**
 * The network half of WebFetch (docs/security.md#webfetch): one GET with Node's fetch, http upgraded to https
 * (but for the loopback host), redirects within the same host followed up to a limit, a redirect to another
 * host handed back to the model instead of followed, the body capped while it streams in, and a timeout.
 */

/** Limits for one fetch. */
export interface FetchLimits {
  /** Most bytes read from the body; a larger page is refused. */
  maxBytes: number;
  /** Most same-host redirects followed. */
  maxRedirects: number;
  /** Whole fetch, headers and body. */
  timeoutMs: number;
}

export const DEFAULT_FETCH_LIMITS: FetchLimits = {
  maxBytes: 10 * 1024 * 1024,
  maxRedirects: 10,
  timeoutMs: 60_000,
};

/** What came back: a page, or a redirect to another host the model must ask for itself. */
export type FetchOutcome =
  | { kind: "page"; url: string; status: number; statusText: string; contentType: string; body: Buffer }
  | { kind: "redirect"; from: string; to: string; status: number };

/** A fetch that failed in a way the model should be told about (bad URL, DNS, refused, too large, timeout). */
export class WebFetchError extends Error {}

const MAX_URL_LENGTH = 2000;
const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** Parses and normalises the URL the model gave: http(s) only, no credentials, http → https off loopback. */
export function normaliseUrl(raw: string): URL {
  if (raw.length > MAX_URL_LENGTH) {
    throw new WebFetchError(
      `The URL is ${raw.length} characters long; WebFetch takes at most ${MAX_URL_LENGTH}.`,
    );
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new WebFetchError(
      `"${raw}" is not a valid URL; give a full address such as https://example.com/page.`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new WebFetchError(`WebFetch fetches http and https URLs only, not ${url.protocol} (${raw}).`);
  }
  if (url.username || url.password) {
    throw new WebFetchError("WebFetch does not send credentials in URLs; remove the user:password@ part.");
  }
  if (url.protocol === "http:" && !LOOPBACK.has(url.hostname)) url.protocol = "https:";
  return url;
}

/** Whether a redirect stays on the same site: the same host, or the host with or without `www.`. */
function sameHost(a: URL, b: URL): boolean {
  const strip = (h: string) => h.replace(/^www\./, "");
  return strip(a.hostname) === strip(b.hostname) && a.port === b.port;
}

/** Fetches a URL within the limits; throws WebFetchError with a message for the model. */
export async function fetchPage(
  start: URL,
  signal: AbortSignal,
  limits: FetchLimits = DEFAULT_FETCH_LIMITS,
): Promise<FetchOutcome> {
  const timeout = AbortSignal.timeout(limits.timeoutMs);
  const both = AbortSignal.any([signal, timeout]);
  let url = start;
  try {
    for (let hops = 0; ; hops++) {
      const response = await fetch(url, {
        redirect: "manual",
        signal: both,
        headers: { accept: "text/html,text/markdown,text/plain,application/json;q=0.9,*/*;q=0.5" },
      });
      const location = response.headers.get("location");
      if (response.status >= 300 && response.status < 400 && location) {
        await response.body?.cancel();
        const next = new URL(location, url);
        if (next.protocol !== "http:" && next.protocol !== "https:") {
          throw new WebFetchError(`${url.href} redirects to ${next.href}, which is not an http(s) URL.`);
        }
        if (!sameHost(url, next))
          return { kind: "redirect", from: url.href, to: next.href, status: response.status };
        if (hops >= limits.maxRedirects) {
          throw new WebFetchError(
            `${start.href} redirected more than ${limits.maxRedirects} times; giving up.`,
          );
        }
        url = next;
        continue;
      }
      const body = await readCapped(response, limits.maxBytes, url.href);
      return {
        kind: "page",
        url: url.href,
        status: response.status,
        statusText: response.statusText,
        contentType: response.headers.get("content-type") ?? "",
        body,
      };
    }
  } catch (err) {
    if (err instanceof WebFetchError) throw err;
    if (timeout.aborted && !signal.aborted) {
      throw new WebFetchError(`Fetching ${url.href} timed out after ${limits.timeoutMs / 1000} s.`);
    }
    if (signal.aborted) throw err;
    throw new WebFetchError(describeNetworkError(err, url));
  }
}

/** Reads the body, stopping as soon as it passes the cap (a huge page is never held whole). */
async function readCapped(response: Response, maxBytes: number, where: string): Promise<Buffer> {
  const declared = Number(response.headers.get("content-length") ?? "");
  const tooLarge = () =>
    new WebFetchError(
      `${where} is larger than ${(maxBytes / 1048576).toFixed(0)} MB, the most WebFetch reads; look for a smaller page (an API, a raw file, a section).`,
    );
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let total = 0;
  if (!response.body) return Buffer.alloc(0);
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks);
}

/** fetch's "fetch failed" with the cause's code turned into what happened and what to do. */
function describeNetworkError(err: unknown, url: URL): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code ?? "";
  const host = url.host;
  switch (code) {
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `Could not resolve the host ${url.hostname} (DNS lookup failed); check the address, or whether this machine is online.`;
    case "ECONNREFUSED":
      return `${host} refused the connection; nothing is listening there.`;
    case "ECONNRESET":
      return `${host} closed the connection before answering.`;
    case "ETIMEDOUT":
    case "UND_ERR_CONNECT_TIMEOUT":
      return `Connecting to ${host} timed out.`;
    default:
      if (code.startsWith("ERR_TLS") || code.includes("CERT") || code.startsWith("SELF_SIGNED")) {
        return `The TLS certificate of ${host} was not accepted (${code}).`;
      }
      return `Fetching ${url.href} failed: ${cause?.message ?? (err as Error).message}${code ? ` (${code})` : ""}.`;
  }
}
