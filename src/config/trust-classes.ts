import type { z } from "zod";
import type { capabilityOverrideSchema } from "../bedrock/catalog.js";
import type { ScalarKey } from "./schema.js";

/**
 * What a project settings key may do in a folder the user has not trusted (docs/security/trust.md):
 * - `narrows`: only takes away (deny rules); applies everywhere.
 * - `preference`: harmless taste (a model alias, output limits); applies everywhere, unless `refuse` objects
 *   to the value.
 * - `needs-trust`: widens permissions, moves traffic (endpoint, region, proxy, CA), swaps credentials or
 *   names a command to run; ignored until the folder is trusted. `effect` says what it would do, for the
 *   ignored-key line and the trust dialog.
 */
export type TrustClass =
  | { readonly kind: "narrows" }
  | { readonly kind: "preference"; readonly refuse?: (value: unknown) => string | undefined }
  | { readonly kind: "needs-trust"; readonly effect: string };

/** Every key a project settings file can hold, as the gate names it (nested lists by their path). */
export type GatedKey =
  | ScalarKey
  | "permissions.allow"
  | "permissions.deny"
  | "hooks"
  | `catalogOverrides.${keyof z.infer<typeof capabilityOverrideSchema>}`;

const narrows: TrustClass = { kind: "narrows" };
const needs = (effect: string): TrustClass => ({ kind: "needs-trust", effect });

// An ARN names an account and a region of its own (an application inference profile anywhere); a plain
// alias or ID is billed to the user's own account in the user's region, so only those are preferences.
const modelChoice: TrustClass = {
  kind: "preference",
  refuse: (value) =>
    typeof value === "string" && value.startsWith("arn:")
      ? "an ARN names an account and region of its own"
      : undefined,
};
const preference: TrustClass = { kind: "preference" };

const ENDPOINT = needs("sends Bedrock traffic (prompts, code, credentials) to another endpoint");
const CREDENTIALS = needs("changes which credentials or account Quarry uses");
const WHERE = needs("changes where requests are processed");

/**
 * The classification of every project settings key. Typed as a full Record so a new setting does not
 * compile until it is classified here; src/config/trust-classes.test.ts also checks the file reader's keys.
 */
export const TRUST_CLASSES: Readonly<Record<GatedKey, TrustClass>> = {
  provider: needs("changes which API (and account) Quarry talks to"),
  region: WHERE,
  awsProfile: CREDENTIALS,
  model: modelChoice,
  smallFastModel: modelChoice,
  smallFastModelRegion: WHERE,
  "modelPins.opus": modelChoice,
  "modelPins.sonnet": modelChoice,
  "modelPins.haiku": modelChoice,
  disablePromptCaching: preference,
  bedrockBaseUrl: ENDPOINT,
  bearerToken: CREDENTIALS,
  skipBedrockAuth: needs("sends requests without AWS authentication"),
  maxOutputTokens: preference,
  maxThinkingTokens: preference,
  anthropicApiKey: CREDENTIALS,
  anthropicAuthToken: CREDENTIALS,
  anthropicBaseUrl: ENDPOINT,
  mantleBaseUrl: ENDPOINT,
  regionPrefix: needs("changes the inference-profile geography (where data is processed)"),
  preferGlobalProfile: needs("routes requests to global inference profiles (processed in any region)"),
  awsAuthRefresh: needs("names a command Quarry runs when credentials expire"),
  httpsProxy: needs("sends traffic through another proxy"),
  noProxy: needs("sends traffic around your proxy"),
  extraCaCerts: needs("trusts other TLS certificate authorities"),
  caBundle: needs("trusts other TLS certificate authorities"),
  endpointUrl: ENDPOINT,
  endpointUrlBedrockRuntime: ENDPOINT,
  endpointUrlBedrock: ENDPOINT,
  endpointUrlSts: needs("sends credential checks to another STS endpoint"),
  ignoreConfiguredEndpointUrls: needs("turns your configured endpoints off"),
  awsConfigFile: needs("reads AWS profiles (which can run credential_process commands) from another file"),
  awsSharedCredentialsFile: CREDENTIALS,
  // Same model, account and region either way; only the request format changes (docs/providers.md).
  claudeWire: preference,
  "permissions.allow": needs("allows tools without asking"),
  "permissions.deny": narrows,
  // Read by src/hooks/settings.ts, which applies this class to project files of every format (.claude too).
  hooks: needs("runs shell commands around tool calls and prompts"),
  // Capability corrections (a context window, a price) are taste; the geographies decide where data goes.
  "catalogOverrides.displayName": preference,
  "catalogOverrides.family": preference,
  "catalogOverrides.contextWindow": preference,
  "catalogOverrides.context1m": preference,
  "catalogOverrides.maxOutputDefault": preference,
  "catalogOverrides.maxOutputUpper": preference,
  "catalogOverrides.thinking": preference,
  "catalogOverrides.promptCaching": preference,
  "catalogOverrides.toolUse": preference,
  "catalogOverrides.vision": preference,
  "catalogOverrides.converse": preference,
  "catalogOverrides.invoke": preference,
  "catalogOverrides.profileGeos": needs("changes the inference-profile geography (where data is processed)"),
  "catalogOverrides.onDemand": needs("changes whether requests go to a cross-region inference profile"),
  "catalogOverrides.price": preference,
  // "ask" (sandboxed and still prompting) is stricter than every other value; "on" runs commands without
  // prompts and "off" drops the sandbox the user may have chosen, so only the user decides those.
  // How the terminal is told a long turn ended: taste, and it only writes to the user's own terminal.
  notifications: preference,

  // Failover may only narrow in an untrusted folder: another region or a wider geography moves your data
  // (docs/failover.md#trust). allowGlobal=false and a cooldown are taste; a fallback is a model choice.
  failoverRegions: needs("sends requests to other regions when the primary is throttled"),
  failoverAllowGlobal: {
    kind: "preference",
    refuse: (value) =>
      value === false ? undefined : "lets failover leave your geography (global profiles, other regions)",
  },
  fallbackModel: modelChoice,
  failoverCooldownSeconds: preference,
  // A project's guardrail would replace yours (perhaps with a weaker one); the trace level is taste.
  guardrailId: needs("replaces the Bedrock guardrail that filters prompts and answers"),
  guardrailVersion: needs("replaces the Bedrock guardrail that filters prompts and answers"),
  guardrailTrace: preference,
  serviceTier: needs("changes the service tier (price and speed) of every request"),
  performanceLatency: needs("changes the latency tier (price) of every request"),
  disable1mContext: preference,
  sandbox: {
    kind: "preference",
    refuse: (value) =>
      value === "ask" ? undefined : `"${String(value)}" loosens the Bash sandbox (only "ask" is accepted)`,
  },
};

/** The class of a gated key. */
export function trustClass(key: GatedKey): TrustClass {
  return TRUST_CLASSES[key];
}
