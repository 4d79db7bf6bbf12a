import { readFileSync } from "node:fs";
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { rootCertificates } from "node:tls";
import type { BedrockClient } from "@aws-sdk/client-bedrock";
import type { BedrockRuntimeClient } from "@aws-sdk/client-bedrock-runtime";
import type { STSClient } from "@aws-sdk/client-sts";
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import { QuarryError } from "../model/errors.js";
import type { AuthMode } from "./credentials.js";

/** Everything needed to build AWS clients for one region. */
export interface ClientConfig {
  region: string;
  auth: AuthMode;
  /** SigV4 credentials (the cached default chain). */
  credentials?: AwsCredentialIdentityProvider;
  bearerToken?: string;
  endpoints: { runtime?: string; control?: string; sts?: string };
  /** Proxy URL for a target URL (HTTPS_PROXY / NO_PROXY semantics), or undefined for a direct connection. */
  proxyFor?: (url: string) => string | undefined;
  /**
   * Time to the response headers for control-plane and STS calls (an error when exceeded). Runtime calls do
   * not use it: the provider's idle watchdog (src/providers/timeouts.ts) governs them end to end.
   */
  idleTimeoutMs?: number;
  /** AWS_CA_BUNDLE: a PEM file of extra certificate authorities to trust (as the AWS CLI and SDKs read it). */
  caBundlePath?: string;
}

const NO_AUTH_SCHEME = "smithy.api#noAuth";
/** Time to headers on runtime calls when nothing else ends them first (Claude Code's API_TIMEOUT_MS default). */
const RUNTIME_BACKSTOP_MS = 600_000;
const QUIET_LOGGER = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * Client options shared by every AWS client Quarry builds. One HTTP/1.1 handler for all of them, so proxies,
 * custom CAs (NODE_EXTRA_CA_CERTS) and gateways behave the same for runtime, control plane and STS
 * (see docs/decisions/0004-http1-for-aws-clients.md). SDK retries are off: Quarry retries visibly itself.
 */
async function commonOptions(
  config: ClientConfig,
  endpoint: string | undefined,
  bearerCapable: boolean,
  watchedByCaller = false,
) {
  silenceNodeVersionWarning();
  const { NodeHttpHandler } = await import("@smithy/node-http-handler");
  const target = endpoint ?? "https://amazonaws.com";
  const proxy = config.proxyFor?.(target);
  const ca = config.caBundlePath ? readCaBundle(config.caBundlePath) : undefined;
  let agent: HttpAgent | HttpsAgent;
  if (proxy) {
    const { HttpsProxyAgent } = await import("https-proxy-agent");
    agent = new HttpsProxyAgent(proxy, { keepAlive: true, ...(ca ? { ca } : {}) });
  } else {
    agent = target.startsWith("http://")
      ? new HttpAgent({ keepAlive: true })
      : new HttpsAgent({ keepAlive: true, ...(ca ? { ca } : {}) });
  }
  const requestHandler = new NodeHttpHandler({
    httpAgent: agent as HttpAgent,
    httpsAgent: agent as HttpsAgent,
    connectionTimeout: 10_000,
    // Without throwOnRequestTimeout smithy only prints a "[WARN] … requestTimeout" line and keeps waiting.
    // Runtime calls get a far backstop only (for callers without a watchdog, e.g. doctor probes).
    requestTimeout: watchedByCaller ? RUNTIME_BACKSTOP_MS : (config.idleTimeoutMs ?? 120_000),
    throwOnRequestTimeout: true,
    // The handler's own warnings (socket capacity) are advice for SDK users, not for Quarry's users.
    logger: QUIET_LOGGER,
  });
  const options: Record<string, unknown> = {
    region: config.region,
    maxAttempts: 1,
    requestHandler,
    ...(endpoint ? { endpoint } : {}),
  };
  if (config.auth.kind === "bearer" && bearerCapable) {
    options.token = { token: config.bearerToken ?? "" };
    options.authSchemePreference = ["httpBearerAuth"];
  } else if (config.auth.kind === "none") {
    const { NoAuthSigner } = await import("@smithy/core");
    options.httpAuthSchemeProvider = async () => [{ schemeId: NO_AUTH_SCHEME }];
    options.httpAuthSchemes = [
      { schemeId: NO_AUTH_SCHEME, identityProvider: () => async () => ({}), signer: new NoAuthSigner() },
    ];
  } else {
    options.credentials = config.credentials;
  }
  return options;
}

/**
 * The bundle is added to Node's own roots rather than replacing them, so hosts outside the private CA (a
 * proxy's CONNECT target, STS) still verify; AWS_CA_BUNDLE is read once per client, like the AWS SDK does.
 */
function readCaBundle(path: string): string[] {
  try {
    return [...rootCertificates, readFileSync(path, "utf8")];
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new QuarryError({
      kind: "network",
      rawMessage: reason,
      retryable: false,
      explanation: `AWS_CA_BUNDLE names a file Quarry cannot read: ${path} (${reason})`,
      fix: "Point AWS_CA_BUNDLE at a readable PEM file holding your certificate authority, or unset it.",
    });
  }
}

/**
 * The AWS SDK prints a multi-line NodeVersionSupportWarning on every run under Node < 22 (it is about SDK
 * releases after January 2027). Quarry supports Node 20 on purpose, so the warning tells the user nothing they
 * can act on and would pollute print mode's stderr. The SDK's own documented switch turns off that one
 * warning; a user who set the variable either way keeps their choice.
 */
function silenceNodeVersionWarning(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
}

/** The Bedrock runtime client (InvokeModel*, Converse*, CountTokens). */
export async function createRuntimeClient(config: ClientConfig): Promise<BedrockRuntimeClient> {
  const { BedrockRuntimeClient } = await import("@aws-sdk/client-bedrock-runtime");
  return new BedrockRuntimeClient(await commonOptions(config, config.endpoints.runtime, true, true));
}

/** The Bedrock control-plane client (model and inference-profile listings, availability). */
export async function createControlClient(config: ClientConfig): Promise<BedrockClient> {
  const { BedrockClient } = await import("@aws-sdk/client-bedrock");
  return new BedrockClient(await commonOptions(config, config.endpoints.control, true));
}

/** Service Quotas, for the account's applied Bedrock quotas (docs/quotas.md). SigV4 only, like STS. */
export async function createServiceQuotasClient(config: ClientConfig, endpoint: string | undefined) {
  const { ServiceQuotasClient } = await import("@aws-sdk/client-service-quotas");
  return new ServiceQuotasClient(await commonOptions(config, endpoint, false));
}

/** STS, for GetCallerIdentity. Bearer keys do not apply to STS; it needs AWS credentials. */
export async function createStsClient(config: ClientConfig): Promise<STSClient> {
  const { STSClient } = await import("@aws-sdk/client-sts");
  return new STSClient(await commonOptions(config, config.endpoints.sts, false));
}

/**
 * Endpoint overrides as the AWS CLI applies them: service-specific AWS_ENDPOINT_URL_* first, then
 * AWS_ENDPOINT_URL, all off when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true. ANTHROPIC_BEDROCK_BASE_URL
 * (Claude Code's variable) serves runtime and control plane alike, as it does in Claude Code.
 */
export function endpointsFromEnv(env: NodeJS.ProcessEnv): ClientConfig["endpoints"] {
  const configured = (name: string) =>
    (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? "").toLowerCase() === "true"
      ? undefined
      : env[name] || undefined;
  const base = env.ANTHROPIC_BEDROCK_BASE_URL || undefined;
  const global = configured("AWS_ENDPOINT_URL");
  return {
    runtime: base ?? configured("AWS_ENDPOINT_URL_BEDROCK_RUNTIME") ?? global,
    control: base ?? configured("AWS_ENDPOINT_URL_BEDROCK") ?? global,
    sts: configured("AWS_ENDPOINT_URL_STS") ?? global,
  };
}
