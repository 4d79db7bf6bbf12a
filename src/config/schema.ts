import { z } from "zod";
import { isTruthyEnv } from "./env-names.js";
import { Secret } from "./secret.js";

/** Which API Quarry talks to. */
export type Provider = "bedrock" | "mantle" | "anthropic";
/** Every provider name, as `--provider`, `"provider"` and a `provider:` model prefix spell it (docs/providers.md). */
export const PROVIDERS = ["bedrock", "mantle", "anthropic"] as const satisfies readonly Provider[];

/** Model families whose alias can be pinned to a concrete ID (Claude Code's ANTHROPIC_DEFAULT_*_MODEL). */
export const MODEL_TIERS = ["opus", "sonnet", "haiku"] as const;
/** One of opus / sonnet / haiku. */
export type ModelTier = (typeof MODEL_TIERS)[number];

/** Plain value types of every scalar setting; `Settings` wraps each one with its source. */
export interface SettingValues {
  provider: Provider;
  region: string;
  awsProfile: string;
  model: string;
  smallFastModel: string;
  smallFastModelRegion: string;
  disablePromptCaching: boolean;
  bedrockBaseUrl: string;
  bearerToken: Secret;
  skipBedrockAuth: boolean;
  maxOutputTokens: number;
  maxThinkingTokens: number;
  anthropicApiKey: Secret;
  anthropicAuthToken: Secret;
  anthropicBaseUrl: string;
  mantleBaseUrl: string;
  regionPrefix: string;
  preferGlobalProfile: boolean;
  awsAuthRefresh: string;
  httpsProxy: string;
  noProxy: string;
  extraCaCerts: string;
  caBundle: string;
  endpointUrl: string;
  endpointUrlBedrockRuntime: string;
  endpointUrlBedrock: string;
  endpointUrlSts: string;
  ignoreConfiguredEndpointUrls: boolean;
  awsConfigFile: string;
  awsSharedCredentialsFile: string;
  sandbox: string;
  notifications: string;
  claudeWire: string;

  failoverRegions: string[];
  failoverAllowGlobal: boolean;
  fallbackModel: string;
  failoverCooldownSeconds: number;
  guardrailId: string;
  guardrailVersion: string;
  guardrailTrace: string;
  serviceTier: string;
  performanceLatency: string;
  disable1mContext: boolean;
}

/** Every single-valued setting, model pins included under their dotted file key. */
export type ScalarKey = keyof SettingValues | `modelPins.${ModelTier}`;

/** How a setting's text (env, flag) or JSON (file) value is checked and converted. */
export type ValueKind = "string" | "url" | "region" | "regions" | "boolean" | "int" | "secret" | "provider";

/** Where one setting can come from and what values it takes. */
export interface SettingSpec {
  readonly kind: ValueKind;
  /** Env vars carrying it, highest priority first (AWS_REGION before AWS_DEFAULT_REGION). */
  readonly env: readonly string[];
  /** The CLI flag, when there is one. */
  readonly flag?: string;
  /** The top-level key with the same meaning in Claude Code's settings.json. */
  readonly claudeKey?: string;
  /** Smallest allowed value, for integers. */
  readonly min?: number;
  /** The only values a string setting takes (compared in lower case). */
  readonly choices?: readonly string[];
  /** Where it sits in a settings file when not at the top level: `failover.regions`. */
  readonly fileKey?: string;
}

/** The table every layer reads through: key → env names, flag, kind. File keys are the keys themselves. */
export const SETTING_SPECS: Readonly<Record<ScalarKey, SettingSpec>> = {
  // Provider env vars are not one-to-one (CLAUDE_CODE_USE_BEDROCK, ANTHROPIC_API_KEY); load.ts decides it.
  provider: { kind: "provider", env: [], flag: "--provider" },
  region: { kind: "region", env: ["AWS_REGION", "AWS_DEFAULT_REGION"], flag: "--region" },
  awsProfile: { kind: "string", env: ["AWS_PROFILE"], flag: "--profile" },
  model: { kind: "string", env: ["ANTHROPIC_MODEL"], flag: "--model", claudeKey: "model" },
  smallFastModel: { kind: "string", env: ["ANTHROPIC_SMALL_FAST_MODEL"], flag: "--small-fast-model" },
  smallFastModelRegion: { kind: "region", env: ["ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION"] },
  "modelPins.opus": { kind: "string", env: ["ANTHROPIC_DEFAULT_OPUS_MODEL"] },
  "modelPins.sonnet": { kind: "string", env: ["ANTHROPIC_DEFAULT_SONNET_MODEL"] },
  "modelPins.haiku": { kind: "string", env: ["ANTHROPIC_DEFAULT_HAIKU_MODEL"] },
  disablePromptCaching: { kind: "boolean", env: ["DISABLE_PROMPT_CACHING"] },
  bedrockBaseUrl: { kind: "url", env: ["ANTHROPIC_BEDROCK_BASE_URL"] },
  bearerToken: { kind: "secret", env: ["AWS_BEARER_TOKEN_BEDROCK"] },
  skipBedrockAuth: { kind: "boolean", env: ["CLAUDE_CODE_SKIP_BEDROCK_AUTH"] },
  maxOutputTokens: {
    kind: "int",
    env: ["CLAUDE_CODE_MAX_OUTPUT_TOKENS"],
    flag: "--max-output-tokens",
    min: 1,
  },
  // 0 is meaningful: Claude Code omits the thinking parameter on third-party providers.
  maxThinkingTokens: { kind: "int", env: ["MAX_THINKING_TOKENS"], flag: "--max-thinking-tokens", min: 0 },
  anthropicApiKey: { kind: "secret", env: ["ANTHROPIC_API_KEY"] },
  // The Anthropic API and gateways in front of it (LiteLLM): Claude Code's names (docs/providers.md).
  anthropicAuthToken: { kind: "secret", env: ["ANTHROPIC_AUTH_TOKEN"] },
  anthropicBaseUrl: { kind: "url", env: ["ANTHROPIC_BASE_URL"] },
  mantleBaseUrl: { kind: "url", env: ["ANTHROPIC_BEDROCK_MANTLE_BASE_URL"] },
  regionPrefix: { kind: "string", env: ["ANTHROPIC_BEDROCK_REGION_PREFIX"] },
  preferGlobalProfile: { kind: "boolean", env: ["QUARRY_PREFER_GLOBAL_PROFILE"] },
  awsAuthRefresh: { kind: "string", env: [], claudeKey: "awsAuthRefresh" },
  httpsProxy: { kind: "string", env: ["HTTPS_PROXY", "https_proxy"] },
  noProxy: { kind: "string", env: ["NO_PROXY", "no_proxy"] },
  extraCaCerts: { kind: "string", env: ["NODE_EXTRA_CA_CERTS"] },
  caBundle: { kind: "string", env: ["AWS_CA_BUNDLE"] },
  endpointUrl: { kind: "url", env: ["AWS_ENDPOINT_URL"] },
  endpointUrlBedrockRuntime: { kind: "url", env: ["AWS_ENDPOINT_URL_BEDROCK_RUNTIME"] },
  endpointUrlBedrock: { kind: "url", env: ["AWS_ENDPOINT_URL_BEDROCK"] },
  endpointUrlSts: { kind: "url", env: ["AWS_ENDPOINT_URL_STS"] },
  ignoreConfiguredEndpointUrls: { kind: "boolean", env: ["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] },
  awsConfigFile: { kind: "string", env: ["AWS_CONFIG_FILE"] },
  awsSharedCredentialsFile: { kind: "string", env: ["AWS_SHARED_CREDENTIALS_FILE"] },
  // off | on | ask, checked by src/sandbox/mode.ts (docs/security/sandbox.md).
  sandbox: { kind: "string", env: ["QUARRY_SANDBOX"] },
  // bell | osc9 | off, checked by src/ui/tui/notify.ts.
  notifications: { kind: "string", env: ["QUARRY_NOTIFICATIONS"] },
  // invoke | converse: the Bedrock API for Claude models, checked by src/providers/select-wire.ts.
  claudeWire: { kind: "string", env: ["QUARRY_CLAUDE_WIRE"] },

  // Failover along a declared path (docs/failover.md): other regions, then global, then a fallback model.
  failoverRegions: { kind: "regions", env: ["QUARRY_FAILOVER_REGIONS"], fileKey: "failover.regions" },
  failoverAllowGlobal: {
    kind: "boolean",
    env: ["QUARRY_FAILOVER_ALLOW_GLOBAL"],
    fileKey: "failover.allowGlobal",
  },
  fallbackModel: {
    kind: "string",
    env: ["QUARRY_FALLBACK_MODEL"],
    flag: "--fallback-model",
    claudeKey: "fallbackModel",
    fileKey: "failover.fallbackModel",
  },
  failoverCooldownSeconds: {
    kind: "int",
    env: ["QUARRY_FAILOVER_COOLDOWN_SECONDS"],
    // 0 = try the primary again on every call.
    min: 0,
    fileKey: "failover.cooldownSeconds",
  },
  // Bedrock Guardrails (docs/failover.md#guardrails).
  guardrailId: { kind: "string", env: ["QUARRY_GUARDRAIL_ID"], fileKey: "guardrail.id" },
  guardrailVersion: { kind: "string", env: ["QUARRY_GUARDRAIL_VERSION"], fileKey: "guardrail.version" },
  guardrailTrace: {
    kind: "string",
    env: ["QUARRY_GUARDRAIL_TRACE"],
    choices: ["enabled", "disabled", "enabled_full"],
    fileKey: "guardrail.trace",
  },
  serviceTier: {
    kind: "string",
    env: ["ANTHROPIC_BEDROCK_SERVICE_TIER"],
    choices: ["default", "flex", "priority", "reserved"],
  },
  performanceLatency: {
    kind: "string",
    env: ["QUARRY_BEDROCK_LATENCY"],
    choices: ["standard", "optimized"],
  },
  disable1mContext: { kind: "boolean", env: ["CLAUDE_CODE_DISABLE_1M_CONTEXT"] },
};

/** All scalar keys, in table order (the order `quarry config` lists them). */
export const SCALAR_KEYS = Object.keys(SETTING_SPECS) as ScalarKey[];

/** Result of checking one raw value; `value` is typed by the spec's kind (see SettingValues). */
export type ParsedValue = { readonly ok: true; readonly value: unknown } | { readonly ok: false };

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

const nonEmpty = z.string().trim().min(1);

const regionList = z.array(nonEmpty).min(1);

function fileSchema(spec: SettingSpec): z.ZodType {
  switch (spec.kind) {
    case "string":
      return spec.choices
        ? nonEmpty.transform((t) => t.toLowerCase()).pipe(z.enum(spec.choices as [string, ...string[]]))
        : nonEmpty;
    case "region":
      return nonEmpty;
    case "regions":
      // A JSON list, or the comma-separated text an env var carries.
      return z
        .union([regionList, nonEmpty.transform((t) => t.split(",").map((r) => r.trim()))])
        .pipe(regionList.refine((list) => list.every((r) => REGION_SHAPE.test(r))));
    case "url":
      return nonEmpty.refine(isHttpUrl);
    case "secret":
      return nonEmpty.transform((text) => new Secret(text));
    case "boolean":
      return z.boolean();
    case "int":
      return z
        .number()
        .int()
        .min(spec.min ?? 0)
        .max(Number.MAX_SAFE_INTEGER);
    case "provider":
      return z.enum(PROVIDERS);
  }
}

/** Checks a value from a settings file (already JSON-parsed). */
export function parseFileValue(spec: SettingSpec, value: unknown): ParsedValue {
  const result = fileSchema(spec).safeParse(value);
  return result.success ? { ok: true, value: result.data } : { ok: false };
}

/** Checks a value given as text: an env var or a flag (trimmed, non-empty). */
export function parseTextValue(spec: SettingSpec, text: string): ParsedValue {
  switch (spec.kind) {
    case "boolean":
      return { ok: true, value: isTruthyEnv(text) };
    case "int": {
      if (!/^\d+$/.test(text)) return { ok: false };
      return parseFileValue(spec, Number(text));
    }
    case "provider":
      return parseFileValue(spec, text.toLowerCase());
    default:
      return parseFileValue(spec, text);
  }
}

/** What a valid value looks like, for error messages ("a positive integer"). */
export function expectedText(spec: SettingSpec, from: "text" | "json"): string {
  switch (spec.kind) {
    case "string":
      return spec.choices ? spec.choices.map((c) => `"${c}"`).join(", ") : "a non-empty string";
    case "secret":
      return "a non-empty string";
    case "region":
      return "an AWS region name such as us-east-1";
    case "regions":
      return from === "json"
        ? 'a list of AWS region names such as ["eu-central-1"]'
        : "a comma-separated list of AWS region names such as eu-central-1,eu-west-3";
    case "url":
      return "an http:// or https:// URL";
    case "boolean":
      return from === "json" ? "true or false" : "1/true or 0/false";
    case "int":
      return spec.min === 1 ? "a positive integer" : "a non-negative integer";
    case "provider":
      return PROVIDERS.map((p) => `"${p}"`).join(" or ");
  }
}

// AWS region names: partition-ish prefix, optional qualifiers, a direction word, a number (us-gov-west-1).
const REGION_SHAPE = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** A warning for a value that is valid but probably a mistake (a region that is not region-shaped). */
export function lintValue(spec: SettingSpec, value: unknown): string | undefined {
  if (spec.kind === "region" && typeof value === "string" && !REGION_SHAPE.test(value)) {
    return `"${value}" does not look like an AWS region name (expected something like us-east-1)`;
  }
  return undefined;
}
