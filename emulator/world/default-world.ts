import type { Geography, WorldInput } from "./schema.js";

/** The account every built-in ARN lives in. */
export const DEFAULT_ACCOUNT_ID = "123456789012";
/** AWS's documentation example key pair, so nobody mistakes it for a real credential. */
export const DEFAULT_ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE";
export const DEFAULT_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
/**
 * A long-term Bedrock API key in the real format, "ABSK" + base64("BedrockAPIKey-<id>-at-<account>:<secret>")
 * (WIRE.md §8.3). Decoded: "BedrockAPIKey-quarrydev-at-123456789012:QuarryEmulatorExampleSecret0000".
 * Use it as AWS_BEARER_TOKEN_BEDROCK.
 */
export const DEFAULT_BEARER_TOKEN =
  "ABSKQmVkcm9ja0FQSUtleS1xdWFycnlkZXYtYXQtMTIzNDU2Nzg5MDEyOlF1YXJyeUVtdWxhdG9yRXhhbXBsZVNlY3JldDAwMDA=";
export const DEFAULT_REGIONS = ["us-east-1", "us-west-2", "eu-west-1"] as const;

interface ModelRow {
  modelId: string;
  modelName: string;
  anthropicModel: string;
  contextWindow: number;
  maxOutputTokens: number;
  onDemand: boolean;
  promptCaching: boolean;
  /** Anthropic's minimum cacheable prefix for the model (docs/emulator-rules.md, "Prompt caching"). */
  minCacheTokens: number;
  betas?: string[];
  thinkingModes?: ("enabled" | "adaptive")[];
  sampling?: "free" | "exclusive" | "no-temperature";
  countTokens?: boolean;
  /** Geographies that have a system profile, per WIRE.md §12 source B, limited to the built-in regions. */
  geos: Geography[];
}

/**
 * The betas Bedrock's InvokeModel accepts for Claude (AWS's list as quoted in LiteLLM PR #19875), plus the ones
 * current Claude Code sends on models that take them (WIRE.md §5.1, CLAUDE-CODE-OBSERVED.md §2).
 */
export const BEDROCK_BETAS = [
  "computer-use-2024-10-22",
  "computer-use-2025-01-24",
  "token-efficient-tools-2025-02-19",
  "interleaved-thinking-2025-05-14",
  "output-128k-2025-02-19",
  "dev-full-thinking-2025-05-14",
  "context-1m-2025-08-07",
  "context-management-2025-06-27",
  "effort-2025-11-24",
  "tool-search-tool-2025-10-19",
  "tool-examples-2025-10-29",
  "claude-code-20250219",
  "thinking-token-count-2026-05-13",
];

/**
 * Models without a 1M window refuse its beta like any other ("invalid beta flag"): the 1M beta is for Sonnet 4,
 * 4.5, 4.6 and Opus 4.6 (WIRE.md §12, "200K (1M beta)"); Haiku 4.5 and Claude 3 Haiku have 200K only.
 */
const WITHOUT_1M_BETA = BEDROCK_BETAS.filter((b) => b !== "context-1m-2025-08-07");

/** Opus 4.7 on Bedrock took only interleaved thinking (anthropics/claude-code#49370, #49648). */
const OPUS_47_BETAS = ["interleaved-thinking-2025-05-14"];

/** A current (1M-context) model row: profile-only, cached, in us/eu/global. */
function current(
  id: string,
  name: string,
  maxOutputTokens: number,
  minCacheTokens: number,
  extra: Partial<ModelRow> = {},
): ModelRow {
  return {
    modelId: `anthropic.${id}`,
    modelName: name,
    anthropicModel: id,
    contextWindow: 1_000_000,
    maxOutputTokens,
    onDemand: false,
    promptCaching: true,
    minCacheTokens,
    geos: ["us", "eu", "global"],
    ...extra,
  };
}

// Figures follow Anthropic's published limits (WIRE.md §12); Claude 3 Haiku on Bedrock has no prompt caching.
// Minimum cacheable prefixes: Anthropic's list as of 2026 (docs/emulator-rules.md); 5.5 figures are inferred.
const MODELS: ModelRow[] = [
  {
    modelId: "anthropic.claude-sonnet-4-5-20250929-v1:0",
    modelName: "Claude Sonnet 4.5",
    anthropicModel: "claude-sonnet-4-5-20250929",
    contextWindow: 200_000,
    maxOutputTokens: 64_000,
    onDemand: false,
    promptCaching: true,
    minCacheTokens: 1_024,
    sampling: "exclusive",
    geos: ["us", "eu", "global"],
  },
  {
    modelId: "anthropic.claude-haiku-4-5-20251001-v1:0",
    modelName: "Claude Haiku 4.5",
    anthropicModel: "claude-haiku-4-5-20251001",
    contextWindow: 200_000,
    maxOutputTokens: 64_000,
    onDemand: false,
    promptCaching: true,
    minCacheTokens: 4_096,
    sampling: "exclusive",
    betas: WITHOUT_1M_BETA,
    geos: ["us", "eu", "global"],
  },
  {
    modelId: "anthropic.claude-opus-4-6-v1",
    modelName: "Claude Opus 4.6",
    anthropicModel: "claude-opus-4-6",
    contextWindow: 200_000,
    maxOutputTokens: 128_000,
    onDemand: false,
    promptCaching: true,
    minCacheTokens: 4_096,
    geos: ["us", "eu", "global"],
  },
  {
    modelId: "anthropic.claude-sonnet-4-6",
    modelName: "Claude Sonnet 4.6",
    anthropicModel: "claude-sonnet-4-6",
    contextWindow: 200_000,
    maxOutputTokens: 64_000,
    onDemand: false,
    promptCaching: true,
    minCacheTokens: 1_024,
    geos: ["us", "eu", "global"],
  },
  {
    modelId: "anthropic.claude-sonnet-4-20250514-v1:0",
    modelName: "Claude Sonnet 4",
    anthropicModel: "claude-sonnet-4-20250514",
    contextWindow: 200_000,
    maxOutputTokens: 64_000,
    onDemand: false,
    promptCaching: true,
    minCacheTokens: 1_024,
    geos: ["us", "eu", "global"],
  },
  {
    modelId: "anthropic.claude-3-haiku-20240307-v1:0",
    modelName: "Claude 3 Haiku",
    anthropicModel: "claude-3-haiku-20240307",
    contextWindow: 200_000,
    maxOutputTokens: 4_096,
    onDemand: true,
    promptCaching: false,
    minCacheTokens: 2_048,
    // Not in AWS's CountTokens model list (docs.aws.amazon.com/bedrock/latest/userguide/count-tokens.html).
    countTokens: false,
    thinkingModes: [],
    betas: WITHOUT_1M_BETA,
    geos: ["us", "eu"],
  },
  // Today's models (WIRE.md §12 source A), so current Claude Code finds every tier it probes.
  current("claude-opus-4-7", "Claude Opus 4.7", 128_000, 2_048, {
    betas: OPUS_47_BETAS,
    thinkingModes: ["adaptive"],
    sampling: "no-temperature",
  }),
  current("claude-opus-4-8", "Claude Opus 4.8", 128_000, 1_024, {
    thinkingModes: ["adaptive"],
    sampling: "no-temperature",
  }),
  current("claude-opus-5", "Claude Opus 5", 128_000, 512),
  current("claude-opus-5-5", "Claude Opus 5.5", 128_000, 512),
  current("claude-sonnet-5", "Claude Sonnet 5", 128_000, 1_024),
  current("claude-sonnet-5-5", "Claude Sonnet 5.5", 128_000, 1_024),
  current("claude-haiku-5-5", "Claude Haiku 5.5", 128_000, 2_048),
  current("claude-fable-5", "Claude Fable 5", 128_000, 512),
  current("claude-fable-5-1", "Claude Fable 5.1", 128_000, 512),
  current("claude-fable-5-2", "Claude Fable 5.2", 128_000, 512),
];

/** A non-Anthropic model served over Converse (docs/emulator-rules.md, "Converse families"). */
interface ConverseModelRow {
  modelId: string;
  modelName: string;
  providerName: string;
  contextWindow: number;
  maxOutputTokens: number;
  onDemand: boolean;
  promptCaching: boolean;
  geos: Geography[];
  /** ListFoundationModels' inputModalities; TEXT when omitted. */
  inputModalities?: string[];
  converse: {
    toolUse?: boolean;
    streamingToolUse?: boolean;
    cacheTools?: boolean;
    signedReasoning?: boolean;
    schemaRefuses?: string[];
  };
}

/**
 * JSON-Schema keywords a family refuses in tool schemas (docs/emulator-rules.md, "Converse families"): inferred
 * rules, enforced so that Quarry's per-family stripping (src/providers/converse-tools.ts) is tested.
 */
const META_KEYWORDS = ["$schema", "$id", "$comment"];
const REF_KEYWORDS = ["$ref", "$defs", "definitions"];

const NO_STREAM_TOOLS = {
  streamingToolUse: false,
  cacheTools: false,
  schemaRefuses: [...META_KEYWORDS, ...REF_KEYWORDS],
};
const UNSIGNED_REASONING = {
  streamingToolUse: false,
  cacheTools: false,
  signedReasoning: false,
  schemaRefuses: META_KEYWORDS,
};

// One or two models per family Quarry supports over Converse; the families' quirks as cited in the docs.
const CONVERSE_MODELS: ConverseModelRow[] = [
  ...(["micro", "lite", "pro"] as const).map((size) => ({
    modelId: `amazon.nova-${size}-v1:0`,
    modelName: `Nova ${size[0]!.toUpperCase()}${size.slice(1)}`,
    providerName: "Amazon",
    contextWindow: size === "micro" ? 128_000 : 300_000,
    maxOutputTokens: 10_000,
    onDemand: true,
    promptCaching: true,
    geos: ["us", "eu"] as Geography[],
    // Nova Micro is text-only; Lite and Pro take images and video (AWS Nova user guide, D).
    inputModalities: size === "micro" ? ["TEXT"] : ["TEXT", "IMAGE", "VIDEO"],
    converse: { cacheTools: false, schemaRefuses: [...META_KEYWORDS, ...REF_KEYWORDS] },
  })),
  {
    modelId: "meta.llama3-3-70b-instruct-v1:0",
    modelName: "Llama 3.3 70B Instruct",
    providerName: "Meta",
    contextWindow: 128_000,
    maxOutputTokens: 8_192,
    onDemand: false,
    promptCaching: false,
    geos: ["us"],
    converse: NO_STREAM_TOOLS,
  },
  {
    modelId: "meta.llama4-maverick-17b-instruct-v1:0",
    modelName: "Llama 4 Maverick 17B",
    providerName: "Meta",
    contextWindow: 1_000_000,
    maxOutputTokens: 8_192,
    onDemand: false,
    promptCaching: false,
    geos: ["us"],
    // Llama 4 is natively multimodal (Meta's model card, D); Llama 3.3 70B is text-only.
    inputModalities: ["TEXT", "IMAGE"],
    converse: NO_STREAM_TOOLS,
  },
  {
    modelId: "deepseek.r1-v1:0",
    modelName: "DeepSeek-R1",
    providerName: "DeepSeek",
    contextWindow: 128_000,
    maxOutputTokens: 32_768,
    onDemand: false,
    promptCaching: false,
    geos: ["us"],
    converse: { ...UNSIGNED_REASONING, toolUse: false },
  },
  {
    modelId: "deepseek.v3-v1:0",
    modelName: "DeepSeek-V3.1",
    providerName: "DeepSeek",
    contextWindow: 128_000,
    maxOutputTokens: 16_384,
    onDemand: true,
    promptCaching: false,
    geos: [],
    converse: UNSIGNED_REASONING,
  },
  ...(["120b", "20b"] as const).map((size) => ({
    modelId: `openai.gpt-oss-${size}-1:0`,
    modelName: `gpt-oss-${size}`,
    providerName: "OpenAI",
    contextWindow: 128_000,
    maxOutputTokens: 32_768,
    onDemand: true,
    promptCaching: false,
    geos: [] as Geography[],
    converse: UNSIGNED_REASONING,
  })),
  {
    modelId: "mistral.mistral-large-2407-v1:0",
    modelName: "Mistral Large (24.07)",
    providerName: "Mistral AI",
    contextWindow: 128_000,
    maxOutputTokens: 8_192,
    onDemand: true,
    promptCaching: false,
    geos: [],
    converse: NO_STREAM_TOOLS,
  },
  {
    modelId: "qwen.qwen3-coder-30b-a3b-v1:0",
    modelName: "Qwen3 Coder 30B A3B",
    providerName: "Qwen",
    contextWindow: 128_000,
    maxOutputTokens: 16_384,
    onDemand: true,
    promptCaching: false,
    geos: [],
    converse: { cacheTools: false, schemaRefuses: META_KEYWORDS },
  },
];

type ModelInput = NonNullable<WorldInput["models"]>[number];

function converseModel(m: ConverseModelRow, regions: string[]): ModelInput {
  return {
    modelId: m.modelId,
    modelName: m.modelName,
    providerName: m.providerName,
    regions: [...regions],
    inferenceTypes: m.onDemand ? ["ON_DEMAND"] : ["INFERENCE_PROFILE"],
    inputModalities: m.inputModalities ?? ["TEXT"],
    outputModalities: ["TEXT"],
    lifecycle: "ACTIVE",
    responseStreaming: true,
    contextWindow: m.contextWindow,
    maxOutputTokens: m.maxOutputTokens,
    promptCaching: m.promptCaching,
    minCacheTokens: 1_024,
    betas: [],
    thinkingModes: [],
    countTokens: false,
    access: { authorized: true, useCaseSubmitted: true, marketplaceAgreement: true },
    converse: m.converse,
    // The emulator's Mantle speaks Anthropic Messages only; these families are runtime (Converse) models here.
    serving: "runtime",
  };
}

/** The built-in world: three regions, today's and recent Claude models with their geo profiles, one all-powerful identity. */
export function defaultWorld(): WorldInput {
  const regions = [...DEFAULT_REGIONS];
  return {
    accountId: DEFAULT_ACCOUNT_ID,
    partition: "aws",
    auth: "sigv4",
    regions,
    models: [
      ...MODELS.map(
        (m): ModelInput => ({
          modelId: m.modelId,
          modelName: m.modelName,
          providerName: "Anthropic",
          anthropicModel: m.anthropicModel,
          regions: [...regions],
          // Profile-only models report INFERENCE_PROFILE, as the live ListFoundationModels does (WIRE.md §10.1).
          inferenceTypes: m.onDemand ? ["ON_DEMAND"] : ["INFERENCE_PROFILE"],
          inputModalities: ["TEXT", "IMAGE"],
          outputModalities: ["TEXT"],
          lifecycle: "ACTIVE",
          contextWindow: m.contextWindow,
          maxOutputTokens: m.maxOutputTokens,
          promptCaching: m.promptCaching,
          minCacheTokens: m.minCacheTokens,
          betas: m.betas ?? [...BEDROCK_BETAS],
          thinkingModes: m.thinkingModes ?? ["enabled", "adaptive"],
          sampling: m.sampling ?? "free",
          countTokens: m.countTokens ?? true,
          access: { authorized: true, useCaseSubmitted: true, marketplaceAgreement: true },
        }),
      ),
    ],
    inferenceProfiles: MODELS.flatMap((m) => m.geos.map((geo) => ({ geo, modelId: m.modelId }))),
    applicationProfiles: [],
    identities: [
      {
        name: "default",
        arn: `arn:aws:iam::${DEFAULT_ACCOUNT_ID}:user/quarry-dev`,
        userId: "AIDAQUARRYDEVEXAMPLE",
        accessKeys: [{ accessKeyId: DEFAULT_ACCESS_KEY_ID, secretAccessKey: DEFAULT_SECRET_ACCESS_KEY }],
        bearerKeys: [{ token: DEFAULT_BEARER_TOKEN }],
        policy: [{ effect: "Allow", actions: ["*"], resources: ["*"] }],
      },
    ],
    script: [],
  };
}

/**
 * The built-in world plus one or two models of every family Quarry calls over Converse (Nova, Llama,
 * DeepSeek, gpt-oss, Mistral, Qwen), with their profiles and quirks (docs/emulator-rules.md).
 */
export function multiFamilyWorld(): WorldInput {
  const world = defaultWorld();
  world.models = [...(world.models ?? []), ...CONVERSE_MODELS.map((m) => converseModel(m, world.regions))];
  world.inferenceProfiles = [
    ...(world.inferenceProfiles ?? []),
    ...CONVERSE_MODELS.flatMap((m) => m.geos.map((geo) => ({ geo, modelId: m.modelId }))),
  ];
  return world;
}
