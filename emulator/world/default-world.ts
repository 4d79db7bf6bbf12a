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
  /** Geographies that have a system profile, per WIRE.md §12 source B, limited to the built-in regions. */
  geos: Geography[];
}

// Figures follow Anthropic's published limits; Claude 3 Haiku on Bedrock has no prompt caching.
const MODELS: ModelRow[] = [
  {
    modelId: "anthropic.claude-sonnet-4-5-20250929-v1:0",
    modelName: "Claude Sonnet 4.5",
    anthropicModel: "claude-sonnet-4-5-20250929",
    contextWindow: 200_000,
    maxOutputTokens: 64_000,
    onDemand: false,
    promptCaching: true,
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
    geos: ["us", "eu"],
  },
];

/** The built-in world: three regions, six Claude models with their geo profiles, one all-powerful identity. */
export function defaultWorld(): WorldInput {
  const regions = [...DEFAULT_REGIONS];
  return {
    accountId: DEFAULT_ACCOUNT_ID,
    partition: "aws",
    auth: "sigv4",
    regions,
    models: MODELS.map((m) => ({
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
      access: { authorized: true, useCaseSubmitted: true, marketplaceAgreement: true },
    })),
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
