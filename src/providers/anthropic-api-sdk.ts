import type { Settings } from "../config/index.js";
import { QuarryError } from "../model/errors.js";
import type { MessagesSdk } from "./anthropic-api-client.js";
import type { CallLimits } from "./timeouts.js";

/** The Anthropic API client and the name of the credential it sends (for error messages). */
export interface AnthropicApiConnection {
  sdk: MessagesSdk;
  /** ANTHROPIC_AUTH_TOKEN (a gateway's bearer token) or ANTHROPIC_API_KEY. */
  credentialName: "ANTHROPIC_AUTH_TOKEN" | "ANTHROPIC_API_KEY";
  /** The host requests go to, shown where a region would be. */
  host: string;
}

/**
 * The unmodified `@anthropic-ai/sdk` client from Quarry's settings, never from the SDK's own reading of the
 * environment: ANTHROPIC_AUTH_TOKEN (Authorization: Bearer, for gateways such as LiteLLM) wins over
 * ANTHROPIC_API_KEY (x-api-key), as in Claude Code; maxRetries 0 so the router's retry policy is the only one.
 */
export async function createAnthropicApiSdk(
  settings: Settings,
  limits: CallLimits,
): Promise<AnthropicApiConnection> {
  const token = settings.anthropicAuthToken?.value.reveal();
  const key = settings.anthropicApiKey?.value.reveal();
  if (!token && !key) {
    throw new QuarryError({
      kind: "no-credentials",
      rawMessage: "",
      explanation: "The Anthropic API needs a credential and none is set.",
      fix: "export ANTHROPIC_API_KEY=sk-ant-… (a key from the Anthropic Console), or ANTHROPIC_AUTH_TOKEN with ANTHROPIC_BASE_URL for a gateway.",
      retryable: false,
    });
  }
  const baseURL = settings.anthropicBaseUrl?.value ?? "https://api.anthropic.com";
  const { default: Anthropic } = await import("@anthropic-ai/sdk");
  const sdk = new Anthropic({
    baseURL,
    ...(token ? { authToken: token, apiKey: null } : { apiKey: key, authToken: null }),
    maxRetries: 0,
    timeout: limits.requestMs,
  });
  return {
    sdk,
    credentialName: token ? "ANTHROPIC_AUTH_TOKEN" : "ANTHROPIC_API_KEY",
    host: new URL(baseURL).host,
  };
}
