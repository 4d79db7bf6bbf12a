import { z } from "zod";

/**
 * The world: everything the emulator knows about the emulated AWS account. A world is plain JSON so
 * tests, benchmarks and users can write one; it is validated here and every error names the bad field.
 */

export const GEOGRAPHIES = ["us", "eu", "apac", "jp", "au", "us-gov", "global"] as const;
export type Geography = (typeof GEOGRAPHIES)[number];

const regionName = z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "an AWS region name such as us-east-1");
const accountId = z.string().regex(/^\d{12}$/, "12 digits");
const isoTime = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)), "an ISO-8601 time such as 2026-01-01T00:00:00Z");

export const InferenceType = z.enum(["ON_DEMAND", "INFERENCE_PROFILE", "PROVISIONED"]);

/** Model access as the account sees it (the console's "Model access" page and the Marketplace). */
export const ModelAccess = z
  .object({
    /** false → 403 "You don't have access to the model with the specified model ID." */
    authorized: z.boolean().default(true),
    /** false → 404 "Model use case details have not been submitted for this account…" */
    useCaseSubmitted: z.boolean().default(true),
    /** false → 403 Marketplace "Model access is denied due to IAM user or service role is not authorized…" */
    marketplaceAgreement: z.boolean().default(true),
    /** Regions where access is granted; omitted = every region the model exists in. */
    regions: z.array(regionName).optional(),
  })
  .strict();

/** Per-family Converse behaviour; Claude's is all true. */
export const ConverseTraits = z
  .object({
    /** false → a toolConfig is refused: "This model doesn't support tool use." */
    toolUse: z.boolean().default(true),
    /** false → ConverseStream with a toolConfig is refused: "…tool use in streaming mode." */
    streamingToolUse: z.boolean().default(true),
    /** false → a cachePoint inside toolConfig.tools is refused (Nova caches system and messages only). */
    cacheTools: z.boolean().default(true),
    /** false → reasoningContent is returned without a signature (DeepSeek, gpt-oss). */
    signedReasoning: z.boolean().default(true),
    /**
     * JSON-Schema keywords refused anywhere in a toolSpec's inputSchema (docs/emulator-rules.md, "Converse
     * families"; the per-family lists are inferred).
     */
    schemaRefuses: z.array(z.string().min(1)).default([]),
  })
  .strict();

export const FoundationModel = z
  .object({
    modelId: z
      .string()
      .regex(/^[a-z0-9-]+\.[a-zA-Z0-9.:_-]+$/, "a foundation-model ID such as anthropic.claude-sonnet-4-6"),
    modelName: z.string().min(1).max(40),
    providerName: z.string().default("Anthropic"),
    /** The `model` field Anthropic puts in responses, e.g. claude-sonnet-4-5-20250929. */
    anthropicModel: z.string().optional(),
    /** Regions this foundation model is hosted in (destination regions). */
    regions: z.array(regionName).min(1),
    inferenceTypes: z.array(InferenceType).min(1),
    inputModalities: z.array(z.string()).default(["TEXT", "IMAGE"]),
    outputModalities: z.array(z.string()).default(["TEXT"]),
    lifecycle: z.enum(["ACTIVE", "LEGACY"]).default("ACTIVE"),
    /** ListFoundationModels' responseStreamingSupported; false → streaming calls are refused. */
    responseStreaming: z.boolean().default(true),
    contextWindow: z.number().int().positive().default(200_000),
    maxOutputTokens: z.number().int().positive().default(64_000),
    /** false → any cache_control / cachePoint is refused with Bedrock's caching ValidationException. */
    promptCaching: z.boolean().default(true),
    /** Shortest prompt prefix a breakpoint caches; shorter prefixes are neither read nor written (docs/emulator-rules.md). */
    minCacheTokens: z.number().int().min(0).default(1024),
    /** Betas accepted in the body's anthropic_beta; anything else → 400 "invalid beta flag". Omitted = Bedrock's list. */
    betas: z.array(z.string().min(1)).optional(),
    /** Thinking modes the model takes; "enabled" on an adaptive-only model is refused (FIELD-REPORT row 11). */
    thinkingModes: z.array(z.enum(["enabled", "adaptive"])).default(["enabled", "adaptive"]),
    /**
     * Sampling rules: "free" takes temperature and top_p together; "exclusive" refuses both at once (Sonnet/Haiku
     * 4.5, Opus 4.1); "no-temperature" refuses temperature ("temperature is deprecated for this model").
     */
    sampling: z.enum(["free", "exclusive", "no-temperature"]).default("free"),
    /** false → CountTokens answers "The provided model doesn't support counting tokens." */
    countTokens: z.boolean().default(true),
    /** Service tiers the model takes (X-Amzn-Bedrock-Service-Tier); others are refused (docs/emulator-rules.md). */
    serviceTiers: z
      .array(z.enum(["default", "priority", "flex", "reserved"]))
      .default(["default", "priority", "flex"]),
    /** true → X-Amzn-Bedrock-PerformanceConfig-Latency: optimized is served; false → refused. */
    latencyOptimized: z.boolean().default(false),
    access: ModelAccess.default({ authorized: true, useCaseSubmitted: true, marketplaceAgreement: true }),
    /** What the model takes over Converse (docs/emulator-rules.md, "Converse families"); omitted = Claude's. */
    converse: ConverseTraits.optional(),
    /** Which endpoints serve it: bedrock-runtime (Invoke/Converse), Mantle (bare IDs), or both (docs/providers.md). */
    serving: z.enum(["runtime", "mantle", "both"]).default("both"),

    /**
     * true → every runtime call is refused with 400 "data retention mode 'default' is not available for this
     * model": the model only runs under an opted-in retention mode (claude-code#66594, pydantic-ai PR #8341).
     */
    refusesDefaultDataRetention: z.boolean().default(false),
  })
  .strict();

/** A system-defined (cross-region) inference profile: `<geo>.<modelId>`. */
export const SystemProfile = z
  .object({
    geo: z.enum(GEOGRAPHIES),
    modelId: z.string(),
    /** Regions the profile may be called from; omitted = the world's regions in that geography. */
    sourceRegions: z.array(regionName).optional(),
    /** Regions it routes to; omitted = the model's regions in that geography (all of them for global). */
    destinationRegions: z.array(regionName).optional(),
  })
  .strict();

export const ApplicationProfile = z
  .object({
    id: z.string().regex(/^[a-z0-9]{12}$/, "12 lowercase letters or digits"),
    name: z.string().min(1),
    region: regionName,
    /** What it copies from: a foundation-model ID or a system profile ID. */
    copyFrom: z.string(),
    /** Cost-allocation tags (ListTagsForResource). */
    tags: z.record(z.string(), z.string()).default({}),
  })
  .strict();

/** One applied Service Quotas value for service code `bedrock` (docs/quotas.md). */
export const ServiceQuota = z
  .object({
    code: z.string().regex(/^L-[0-9A-F]{8}$/, "a quota code such as L-A50569E5"),
    name: z.string().min(1),
    value: z.number().min(0),
    adjustable: z.boolean().default(true),
    /** Regions the value applies in; omitted = every world region. */
    regions: z.array(regionName).optional(),
  })
  .strict();

export const PolicyStatement = z
  .object({
    effect: z.enum(["Allow", "Deny"]),
    /** IAM actions, wildcards allowed: "bedrock:*", "bedrock:InvokeModel*", "sts:GetCallerIdentity". */
    actions: z.array(z.string().min(1)).min(1),
    /** Resource ARNs, wildcards allowed ("*", "arn:aws:bedrock:*::foundation-model/anthropic.*"). */
    resources: z.array(z.string().min(1)).min(1),
    /**
     * IAM condition block. Supported keys: aws:RequestedRegion under StringEquals / StringNotEquals /
     * StringLike / StringNotLike, values a string or a list (any match satisfies the operator).
     */
    condition: z
      .partialRecord(
        z.enum(["StringEquals", "StringNotEquals", "StringLike", "StringNotLike"]),
        z.record(z.literal("aws:RequestedRegion"), z.union([z.string(), z.array(z.string()).min(1)])),
      )
      .optional(),
  })
  .strict();

export const AccessKey = z
  .object({
    accessKeyId: z.string().regex(/^(AKIA|ASIA)[A-Z0-9]{12,124}$/, "an access key ID starting AKIA or ASIA"),
    secretAccessKey: z.string().min(1),
    sessionToken: z.string().optional(),
    /** When temporary credentials stop working (→ ExpiredTokenException). */
    expiresAt: isoTime.optional(),
  })
  .strict();

export const BearerKey = z
  .object({
    token: z.string().min(8),
    expiresAt: isoTime.optional(),
  })
  .strict();

export const Identity = z
  .object({
    name: z.string().min(1),
    /** e.g. arn:aws:iam::123456789012:user/dev or arn:aws:sts::123456789012:assumed-role/Dev/session */
    arn: z.string().regex(/^arn:aws[a-z-]*:(iam|sts)::\d{12}:.+$/, "an IAM or STS principal ARN"),
    userId: z.string().default("AIDAEXAMPLEUSERID"),
    accessKeys: z.array(AccessKey).default([]),
    bearerKeys: z.array(BearerKey).default([]),
    /** Identity-based policy. Nothing listed → implicit deny of everything. */
    policy: z.array(PolicyStatement).default([]),
  })
  .strict();

// ---- Scripts: what the model answers ----

export const TextBlock = z.object({ type: z.literal("text"), text: z.string() }).strict();
export const ToolUseBlock = z
  .object({
    type: z.literal("tool_use"),
    /** Optional stable id; generated (toolu_bdrk_…) when omitted. */
    id: z.string().optional(),
    name: z.string().min(1),
    input: z.record(z.string(), z.unknown()),
  })
  .strict();
export const ThinkingBlock = z
  .object({ type: z.literal("thinking"), thinking: z.string(), signature: z.string().optional() })
  .strict();
export const ReplyBlock = z.discriminatedUnion("type", [TextBlock, ToolUseBlock, ThinkingBlock]);

export const StreamException = z.enum([
  "internalServerException",
  "modelStreamErrorException",
  "validationException",
  "throttlingException",
  "modelTimeoutException",
  "serviceUnavailableException",
]);

export const Fault = z.discriminatedUnion("kind", [
  /** An HTTP error before any body: 429 ThrottlingException, 500, 503, 408, 424 … */
  z
    .object({
      kind: z.literal("http"),
      status: z.number().int().min(400).max(599),
      /** Exception name, e.g. ThrottlingException; defaults by status. */
      exception: z.string().optional(),
      message: z.string().optional(),
    })
    .strict(),
  /** An exception frame inside a 200 event stream, after `afterEvents` model events. */
  z
    .object({
      kind: z.literal("stream-exception"),
      exception: StreamException,
      message: z.string().optional(),
      afterEvents: z.number().int().min(0).default(1),
    })
    .strict(),
  /**
   * The connection is ended mid-body: at byte `atByte` of the body, or (frame-exact) after `afterEvents` whole
   * events plus `intoFrameBytes` bytes of the next one (0 = on a frame boundary).
   */
  z
    .object({
      kind: z.literal("cut"),
      atByte: z.number().int().min(0).optional(),
      afterEvents: z.number().int().min(0).optional(),
      intoFrameBytes: z.number().int().min(0).optional(),
    })
    .strict()
    .refine((f) => (f.atByte === undefined) !== (f.afterEvents === undefined), {
      message: "give exactly one of atByte or afterEvents",
    }),
  /**
   * The response stops and the connection is held open. `phase`: "before-headers" (nothing at all is
   * written), "after-headers" (status and headers, no event), "events" (after `afterEvents` events, the
   * default), "mid-tool-call" (right after the first piece of a tool call's input).
   */
  z
    .object({
      kind: z.literal("stall"),
      phase: z.enum(["before-headers", "after-headers", "events", "mid-tool-call"]).default("events"),
      afterEvents: z.number().int().min(0).default(1),
    })
    .strict(),
  /** A "proxy" re-encodes the stream: SSE text or a JSON body instead of application/vnd.amazon.eventstream. */
  z.object({ kind: z.literal("proxy"), as: z.enum(["sse", "json"]).default("sse") }).strict(),
]);

/**
 * A Bedrock guardrail in the account (emulator/runtime/guardrails.ts): where it exists, whether it has a
 * guardrail profile (cross-region), and what it blocks. GetGuardrail serves it to doctor.
 */
export const Guardrail = z
  .object({
    id: z.string().regex(/^[a-z0-9]{12}$/, "12 lowercase letters or digits"),
    name: z.string().min(1).default("quarry-guardrail"),
    /** Published versions ("1", "2", …); DRAFT always exists. */
    versions: z.array(z.string().regex(/^[1-9][0-9]{0,7}$/)).default(["1"]),
    regions: z.array(regionName).min(1),
    /** Has a guardrail profile, so it may be used with cross-region inference profiles. */
    crossRegion: z.boolean().default(false),
    /** Words (case-insensitive) that block a prompt or an answer (wordPolicy.words). */
    blockedWords: z.array(z.string().min(1)).default([]),
    blockedInputMessaging: z.string().default("Sorry, the model cannot answer this question."),
    blockedOutputsMessaging: z.string().default("Sorry, the model cannot answer this question."),
  })
  .strict();

export const Usage = z
  .object({
    inputTokens: z.number().int().min(0).optional(),
    outputTokens: z.number().int().min(0).optional(),
  })
  .strict();

export const ScriptRule = z
  .object({
    /** Matches the requested model: the exact ID sent, or a substring of the underlying foundation-model ID. */
    model: z.string().optional(),
    /** Conversation turn: 1 + the number of assistant messages in the request. */
    turn: z.number().int().min(1).optional(),
    /** Matches when the last user message contains this text. */
    promptIncludes: z.string().optional(),
    /** Apply to at most this many matching requests, then fall through to later rules. */
    times: z.number().int().min(1).optional(),
    /**
     * Runtime operations this rule applies to (e.g. only "invoke-with-response-stream"); omitted = all.
     * "control-plane" makes a rule's `http` fault answer control-plane calls (ListInferenceProfiles…) instead.
     */
    operations: z
      .array(
        z.enum([
          "invoke",
          "invoke-with-response-stream",
          "converse",
          "converse-stream",
          "count-tokens",
          "control-plane",
        ]),
      )
      .min(1)
      .optional(),
    reply: z
      .object({
        content: z.array(ReplyBlock).default([]),
        stopReason: z.enum(["end_turn", "tool_use", "max_tokens", "stop_sequence"]).optional(),
        usage: Usage.optional(),
      })
      .strict()
      .optional(),
    fault: Fault.optional(),
    /** Matches only requests sent to this region (the SigV4 scope): a throttled region, a healthy one. */
    region: regionName.optional(),
    /** The request's guardrail intervenes on this turn: on the prompt ("input") or on the answer ("output"). */
    guardrail: z.enum(["input", "output"]).optional(),
  })
  .strict();

export const Latency = z
  .object({
    /** Added before any response is sent, for every request (control plane and STS too). */
    requestMs: z.number().min(0).default(0),
    /** Added before the first model event of a runtime call. */
    firstTokenMs: z.number().min(0).default(0),
    /** Streaming speed; 0 = as fast as possible. */
    tokensPerSecond: z.number().min(0).default(0),
  })
  .strict();

export const World = z
  .object({
    accountId,
    partition: z.enum(["aws", "aws-us-gov", "aws-cn"]).default("aws"),
    /** "sigv4" verifies every request (bearer API keys too); "none" accepts anything (gateway setups). */
    auth: z.enum(["sigv4", "none"]).default("sigv4"),
    regions: z.array(regionName).min(1),
    models: z.array(FoundationModel).default([]),
    inferenceProfiles: z.array(SystemProfile).default([]),
    applicationProfiles: z.array(ApplicationProfile).default([]),
    /** Applied Bedrock quotas, served by the Service Quotas API (emulator/control/quotas.ts). */
    quotas: z.array(ServiceQuota).default([]),
    identities: z.array(Identity).default([]),
    script: z.array(ScriptRule).default([]),
    guardrails: z.array(Guardrail).default([]),
    latency: Latency.default({ requestMs: 0, firstTokenMs: 0, tokensPerSecond: 0 }),
    /** The Anthropic API stand-in's credentials: x-api-key values and gateway bearer tokens (emulator/anthropic-api). */
    anthropicApi: z
      .object({
        apiKeys: z.array(z.string().min(8)).default([]),
        authTokens: z.array(z.string().min(8)).default([]),
      })
      .strict()
      .default({ apiKeys: [], authTokens: [] }),
    /** Page size of ListInferenceProfiles when the caller gives no maxResults (small values test pagination). */
    pageSize: z.number().int().min(1).max(1000).default(1000),
  })
  .strict();

export type World = z.infer<typeof World>;
export type WorldInput = z.input<typeof World>;
export type FoundationModel = z.infer<typeof FoundationModel>;
export type SystemProfile = z.infer<typeof SystemProfile>;
export type ApplicationProfile = z.infer<typeof ApplicationProfile>;
export type ServiceQuota = z.infer<typeof ServiceQuota>;
export type Identity = z.infer<typeof Identity>;
export type PolicyStatement = z.infer<typeof PolicyStatement>;
export type ScriptRule = z.infer<typeof ScriptRule>;
export type ReplyBlock = z.infer<typeof ReplyBlock>;
export type Fault = z.infer<typeof Fault>;
export type Guardrail = z.infer<typeof Guardrail>;
export type FaultInput = z.input<typeof Fault>;
