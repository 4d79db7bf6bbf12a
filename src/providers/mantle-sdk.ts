import type { BedrockConnection } from "../bedrock/connection.js";
import type { MessagesSdk } from "./anthropic-api-client.js";
import type { CallLimits } from "./timeouts.js";

/** Mantle's public endpoint for a region (the SDK's default; ANTHROPIC_BEDROCK_MANTLE_BASE_URL replaces it). */
export function mantleBaseUrl(connection: BedrockConnection, region: string): string {
  return connection.settings.mantleBaseUrl?.value ?? `https://bedrock-mantle.${region}.api.aws/anthropic`;
}

/**
 * The unmodified `AnthropicBedrockMantle` client for one region: SigV4 with service `bedrock-mantle` from the
 * session's cached AWS credentials (or the Bedrock API key, or no auth), and no SDK retries (the router's
 * policy is the only one).
 */
export async function createMantleSdk(
  connection: BedrockConnection,
  region: string,
  limits: CallLimits,
  /** The endpoint's root instead of its `/anthropic` Messages surface (Mantle's model list lives there). */
  baseURL: string = mantleBaseUrl(connection, region),
): Promise<MessagesSdk> {
  const { AnthropicBedrockMantle } = await import("@anthropic-ai/bedrock-sdk");
  const auth = connection.auth;
  const credentials = connection.credentials;
  return new AnthropicBedrockMantle({
    awsRegion: region,
    baseURL,
    maxRetries: 0,
    timeout: limits.requestMs,
    skipAuth: auth.kind === "none",
    // null: never fall back to AWS_BEARER_TOKEN_BEDROCK behind the settings' back (a file may have dropped it).
    apiKey: auth.kind === "bearer" ? (connection.settings.bearerToken?.value.reveal() ?? null) : null,
    providerChainResolver: credentials ? async () => credentials.provider : null,
  });
}
