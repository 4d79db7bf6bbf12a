import { accessSync, constants } from "node:fs";
import { endpointUrls } from "../../config/endpoints.js";
import { describeSetting, formatValue } from "../../config/index.js";
import type { DoctorContext } from "../context.js";
import type { CheckOutcome } from "../types.js";

/** The URLs the three AWS clients talk to in `region`, overrides applied. */
export function effectiveEndpoints(ctx: DoctorContext): { runtime: string; control: string; sts: string } {
  const e = endpointOverrides(ctx);
  const region = ctx.connection.region.region;
  return {
    runtime: e.runtime ?? `https://bedrock-runtime.${region}.amazonaws.com`,
    control: e.control ?? `https://bedrock.${region}.amazonaws.com`,
    sts: e.sts ?? `https://sts.${region}.amazonaws.com`,
  };
}

function endpointOverrides(ctx: DoctorContext) {
  // The same ranking the clients use (src/config/endpoints.ts): no file outranks an env endpoint.
  return endpointUrls(ctx.settings);
}

/** Proxy: HTTPS_PROXY / NO_PROXY as the AWS clients apply them, and which endpoints go through the proxy. */
export async function checkProxy(ctx: DoctorContext): Promise<CheckOutcome> {
  const s = ctx.settings;
  const httpProxy = ctx.env.HTTP_PROXY ?? ctx.env.http_proxy;
  if (!s.httpsProxy && !httpProxy)
    return { status: "pass", detail: "no proxy configured (direct connections)" };
  const { getProxyForUrl } = await import("proxy-from-env");
  const lines = [describeSetting("HTTPS_PROXY", s.httpsProxy), describeSetting("NO_PROXY", s.noProxy)];
  if (httpProxy) lines.push(`HTTP_PROXY = ${formatValue(httpProxy)}`);
  for (const [name, url] of Object.entries(effectiveEndpoints(ctx))) {
    const proxy = getProxyForUrl(url);
    lines.push(
      `${name} ${url} → ${proxy ? `via ${formatValue(proxy)}` : "direct (NO_PROXY or no proxy for this scheme)"}`,
    );
  }
  return { status: "pass", detail: lines.join("\n") };
}

/** Custom CA bundle: NODE_EXTRA_CA_CERTS set and readable (Node ignores a missing file with only a warning). */
export function checkCustomCa(ctx: DoctorContext): CheckOutcome {
  const ca = ctx.settings.extraCaCerts;
  if (!ca)
    return { status: "pass", detail: "no custom CA (NODE_EXTRA_CA_CERTS not set); Node's bundled CAs" };
  try {
    accessSync(ca.value, constants.R_OK);
    return { status: "pass", detail: describeSetting("NODE_EXTRA_CA_CERTS", ca) };
  } catch {
    return {
      status: "warn",
      detail: `${describeSetting("NODE_EXTRA_CA_CERTS", ca)}, but the file cannot be read; Node ignores it, so TLS through an inspecting proxy will fail`,
      fix: "export NODE_EXTRA_CA_CERTS=/path/to/your/corporate-ca.pem (a readable PEM file), or unset it",
    };
  }
}

/** Endpoint overrides: AWS_ENDPOINT_URL*, ANTHROPIC_BEDROCK_BASE_URL, and what each client uses. */
export function checkEndpoints(ctx: DoctorContext): CheckOutcome {
  const s = ctx.settings;
  const set = [
    ["ANTHROPIC_BEDROCK_BASE_URL", s.bedrockBaseUrl],
    ["AWS_ENDPOINT_URL", s.endpointUrl],
    ["AWS_ENDPOINT_URL_BEDROCK_RUNTIME", s.endpointUrlBedrockRuntime],
    ["AWS_ENDPOINT_URL_BEDROCK", s.endpointUrlBedrock],
    ["AWS_ENDPOINT_URL_STS", s.endpointUrlSts],
  ] as const;
  const lines = set.filter(([, v]) => v !== undefined).map(([name, v]) => describeSetting(name, v));
  if (s.ignoreConfiguredEndpointUrls.value)
    lines.push("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true: overrides are ignored");
  if (lines.length === 0) return { status: "pass", detail: "no endpoint overrides (AWS's public endpoints)" };
  const e = effectiveEndpoints(ctx);
  lines.push(`runtime ${e.runtime}, control plane ${e.control}, STS ${e.sts}`);
  return { status: "pass", detail: lines.join("\n") };
}
