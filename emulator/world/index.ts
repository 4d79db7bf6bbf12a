import { BedrockError, type InvocationTarget } from "../http/types.js";
import { defaultDestinationRegions, defaultSourceRegions, splitGeoPrefix } from "./geography.js";
import type { ApplicationProfile, FoundationModel, Geography, Identity, World } from "./schema.js";

type AccessKey = Identity["accessKeys"][number];
type BearerKey = Identity["bearerKeys"][number];

export const INVALID_MODEL_IDENTIFIER = "The provided model identifier is invalid.";
export const NO_MODEL_ACCESS = "You don't have access to the model with the specified model ID.";
export const USE_CASE_NOT_SUBMITTED =
  "Model use case details have not been submitted for this account. Fill out the Anthropic use case details " +
  "form before using the model. If you have already filled out the form, try again in 15 minutes.";
// V: anthropics/claude-code#66594 ("API Error: 400 data retention mode 'default' is not available for this model").
export const DATA_RETENTION_REFUSED = "data retention mode 'default' is not available for this model";
export const MARKETPLACE_DENIED =
  "Model access is denied due to IAM user or service role is not authorized to perform the required AWS " +
  "Marketplace actions (aws-marketplace:ViewSubscriptions, aws-marketplace:Subscribe) to enable access to this " +
  "model. Refer to the Amazon Bedrock documentation for further details. Your AWS Marketplace subscription for " +
  "this model cannot be completed at this time. If you recently fixed this issue, try again after 15 minutes.";

/** Bedrock's refusal of a bare ID for a profile-only model; note the U+2019 apostrophe. */
export function onDemandNotSupportedMessage(modelId: string): string {
  return (
    `Invocation of model ID ${modelId} with on-demand throughput isn\u2019t supported. ` +
    "Retry your request with the ID or ARN of an inference profile that contains this model."
  );
}

/**
 * The runtime `modelId` pattern from the bedrock-runtime service model (InvokeModelIdentifier), quoted verbatim in
 * Bedrock's validation message. It is permissive (`[a-zA-Z0-9-:.]+` is one branch), so only IDs with spaces,
 * stray slashes or other punctuation fail it.
 */
export const MODEL_ID_PATTERN =
  "(arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:(([0-9]{12}:custom-model/[a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}/[a-z0-9]{12})" +
  "|(:foundation-model/[a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}([.:]?[a-z0-9-]{1,63}))|([0-9]{12}:imported-model/[a-z0-9]{12})" +
  "|([0-9]{12}:provisioned-model/[a-z0-9]{12})|([0-9]{12}:custom-model-deployment/[a-z0-9]{12})" +
  "|([0-9]{12}:(inference-profile|application-inference-profile)/[a-zA-Z0-9-:.]+)))" +
  "|([a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}([.:]?[a-z0-9-]{1,63}))|(([0-9a-zA-Z][_-]?)+)|([a-zA-Z0-9-:.]+)" +
  "|(^(arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:prompt/[0-9a-zA-Z]{10}(?::[0-9]{1,5})?))$" +
  "|(^arn:aws:sagemaker:[a-z0-9-]+:[0-9]{12}:endpoint/[a-zA-Z0-9-]+$)" +
  "|(^arn:aws(-[^:]+)?:bedrock:([0-9a-z-]{1,20}):([0-9]{12}):(default-)?prompt-router/[a-zA-Z0-9-:.]+$)";
// Coral matches the whole value, so the alternation is anchored as a group.
const MODEL_ID_RE = new RegExp(`^(?:${MODEL_ID_PATTERN})$`);
const MODEL_ID_MAX = 2048;

/** CountTokens' `modelId` is a FoundationModelVersionIdentifier (WIRE.md §4.6). */
export const COUNT_TOKENS_MODEL_ID_PATTERN = "[a-zA-Z_\\.\\-/0-9:]+";
const COUNT_TOKENS_MODEL_ID_RE = new RegExp(`^(?:${COUNT_TOKENS_MODEL_ID_PATTERN})$`);
const COUNT_TOKENS_MODEL_ID_MAX = 256;

/** How a runtime operation constrains the model identifier. */
export interface ResolveOptions {
  /** CountTokens: foundation models only (ID or ARN), and no on-demand requirement. */
  forCountTokens?: boolean;
}

/** A runtime ValidationException for a value breaking a service-model constraint, in Coral's wording. */
export function constraintError(value: string, member: string, constraint: string): BedrockError {
  return new BedrockError(
    400,
    "ValidationException",
    `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: ${constraint}`,
  );
}

function invalidIdentifier(): BedrockError {
  return new BedrockError(400, "ValidationException", INVALID_MODEL_IDENTIFIER);
}

/** The parts of an ARN; `resource` is everything after the account field. */
export interface ParsedArn {
  partition: string;
  service: string;
  region: string;
  account: string;
  resourceType: string;
  resourceId: string;
}

/** Splits `arn:<partition>:<service>:<region>:<account>:<type>/<id>`; undefined when it is not one. */
export function parseArn(arn: string): ParsedArn | undefined {
  const m = /^arn:([^:]+):([^:]+):([^:]*):([^:]*):([^/]+)\/(.+)$/.exec(arn);
  if (!m) return undefined;
  const [, partition, service, region, account, resourceType, resourceId] = m as unknown as string[];
  return {
    partition: partition!,
    service: service!,
    region: region!,
    account: account!,
    resourceType: resourceType!,
    resourceId: resourceId!,
  };
}

/** A system-defined profile with its regions worked out. */
export interface SystemProfileView {
  id: string;
  geo: Geography;
  model: FoundationModel;
  sourceRegions: string[];
  destinationRegions: string[];
}

/** An application profile with the model and regions it routes to. */
export interface ApplicationProfileView {
  profile: ApplicationProfile;
  arn: string;
  model: FoundationModel;
  /** The system profile it copies, when it copies one rather than a foundation model. */
  systemProfile?: SystemProfileView;
  destinationRegions: string[];
}

/** Fast lookups over a parsed world, and the model policy for runtime calls. */
export class WorldIndex {
  readonly world: World;
  private readonly models = new Map<string, FoundationModel>();
  private readonly systemProfiles = new Map<string, SystemProfileView>();
  private readonly appProfiles = new Map<string, ApplicationProfileView>();
  private readonly byAccessKey = new Map<string, { identity: Identity; accessKey: AccessKey }>();
  private readonly byBearer = new Map<string, { identity: Identity; bearerKey: BearerKey }>();

  constructor(world: World) {
    this.world = world;
    for (const m of world.models) this.models.set(m.modelId, m);
    for (const p of world.inferenceProfiles) {
      const model = this.models.get(p.modelId);
      if (!model) continue; // parseWorld rejects this; a hand-built World just loses the profile.
      const id = `${p.geo}.${p.modelId}`;
      this.systemProfiles.set(id, {
        id,
        geo: p.geo,
        model,
        sourceRegions: p.sourceRegions ?? defaultSourceRegions(p.geo, world.regions),
        destinationRegions: p.destinationRegions ?? defaultDestinationRegions(p.geo, model.regions),
      });
    }
    for (const a of world.applicationProfiles) this.addApplicationProfile(a);
    for (const identity of world.identities) {
      for (const accessKey of identity.accessKeys)
        this.byAccessKey.set(accessKey.accessKeyId, { identity, accessKey });
      for (const bearerKey of identity.bearerKeys)
        this.byBearer.set(bearerKey.token, { identity, bearerKey });
    }
  }

  get accountId(): string {
    return this.world.accountId;
  }

  get partition(): string {
    return this.world.partition;
  }

  /** A foundation model by its bare ID. */
  model(modelId: string): FoundationModel | undefined {
    return this.models.get(modelId);
  }

  /** Foundation models hosted in a region, in world order. */
  modelsInRegion(region: string): FoundationModel[] {
    return this.world.models.filter((m) => m.regions.includes(region));
  }

  /** `arn:aws:bedrock:<region>::foundation-model/<id>`: foundation-model ARNs have an empty account. */
  foundationModelArn(modelId: string, region: string): string {
    return `arn:${this.partition}:bedrock:${region}::foundation-model/${modelId}`;
  }

  /** A system profile's ARN as the caller sees it: the caller's region and account. */
  systemProfileArn(profileId: string, region: string): string {
    return `arn:${this.partition}:bedrock:${region}:${this.accountId}:inference-profile/${profileId}`;
  }

  /** A system profile by ID (`us.anthropic…`), whatever region asks. */
  systemProfile(profileId: string): SystemProfileView | undefined {
    return this.systemProfiles.get(profileId);
  }

  /** System profiles that may be called from a region, in world order. */
  systemProfilesCallableFrom(region: string): SystemProfileView[] {
    return [...this.systemProfiles.values()].filter((p) => p.sourceRegions.includes(region));
  }

  /**
   * Registers an application profile (world load and CreateInferenceProfile); undefined when what it copies
   * from is unknown.
   */
  addApplicationProfile(a: ApplicationProfile): ApplicationProfileView | undefined {
    const arn = `arn:${this.world.partition}:bedrock:${a.region}:${this.world.accountId}:application-inference-profile/${a.id}`;
    const direct = this.models.get(a.copyFrom);
    const sys = direct ? undefined : this.systemProfiles.get(a.copyFrom);
    const model = direct ?? sys?.model;
    if (!model) return undefined;
    const view: ApplicationProfileView = {
      profile: a,
      arn,
      model,
      ...(sys ? { systemProfile: sys } : {}),
      destinationRegions: sys ? sys.destinationRegions : [a.region],
    };
    this.appProfiles.set(a.id, view);
    return view;
  }

  /** An application profile by its 12-character ID. */
  applicationProfile(id: string): ApplicationProfileView | undefined {
    return this.appProfiles.get(id);
  }

  /** Application profiles that live in a region. */
  applicationProfilesIn(region: string): ApplicationProfileView[] {
    return [...this.appProfiles.values()].filter((a) => a.profile.region === region);
  }

  /** The identity owning an access key ID, with that key (for its secret, session token and expiry). */
  identityByAccessKeyId(accessKeyId: string): { identity: Identity; accessKey: AccessKey } | undefined {
    return this.byAccessKey.get(accessKeyId);
  }

  /** The identity owning a Bedrock API key (bearer token). */
  identityByBearerToken(token: string): { identity: Identity; bearerKey: BearerKey } | undefined {
    return this.byBearer.get(token);
  }

  /** An identity by its world name. */
  identityByName(name: string): Identity | undefined {
    return this.world.identities.find((i) => i.name === name);
  }

  /**
   * Resolves a runtime model identifier (any WIRE.md §9.1 form) for a request made in `region`, refusing the way
   * Bedrock does. Throws BedrockError.
   */
  resolveInvocationTarget(
    rawModelId: string,
    region: string,
    options: ResolveOptions = {},
  ): InvocationTarget {
    const forCountTokens = options.forCountTokens === true;
    const pattern = forCountTokens ? COUNT_TOKENS_MODEL_ID_PATTERN : MODEL_ID_PATTERN;
    const max = forCountTokens ? COUNT_TOKENS_MODEL_ID_MAX : MODEL_ID_MAX;
    if (rawModelId.length > max)
      throw constraintError(rawModelId, "modelId", `Member must have length less than or equal to ${max}`);
    if (rawModelId.length === 0)
      throw constraintError(rawModelId, "modelId", "Member must have length greater than or equal to 1");
    if (!(forCountTokens ? COUNT_TOKENS_MODEL_ID_RE : MODEL_ID_RE).test(rawModelId))
      throw constraintError(
        rawModelId,
        "modelId",
        `Member must satisfy regular expression pattern: ${pattern}`,
      );
    const target = rawModelId.startsWith("arn:")
      ? this.resolveArn(rawModelId, region, forCountTokens)
      : splitGeoPrefix(rawModelId)
        ? this.resolveSystemProfile(rawModelId, rawModelId, region, "system-profile")
        : this.resolveFoundationModel(rawModelId, rawModelId, region, "foundation-model", forCountTokens);
    // CountTokens takes foundation models only; callers resolve a profile to its model first (WIRE.md §4.6).
    // A profile gets the "doesn't support counting tokens" refusal (agentgateway PR #3254, bifrost PR #2169).
    if (forCountTokens && target.kind !== "foundation-model" && target.kind !== "foundation-model-arn")
      throw new BedrockError(
        400,
        "ValidationException",
        "The provided model doesn't support counting tokens.",
      );
    return target;
  }

  /** Refuses a resolved target the account may not use (model access page, use-case form, Marketplace). */
  checkModelAccess(target: InvocationTarget, region: string): void {
    const access = target.model.access;
    if (!access.authorized || (access.regions && !access.regions.includes(region)))
      throw new BedrockError(403, "AccessDeniedException", NO_MODEL_ACCESS);
    if (!access.useCaseSubmitted)
      throw new BedrockError(404, "ResourceNotFoundException", USE_CASE_NOT_SUBMITTED);
    if (!access.marketplaceAgreement)
      throw new BedrockError(403, "AccessDeniedException", MARKETPLACE_DENIED);
    if (target.model.refusesDefaultDataRetention)
      throw new BedrockError(400, "ValidationException", DATA_RETENTION_REFUSED);
  }

  private resolveArn(arn: string, region: string, forCountTokens: boolean): InvocationTarget {
    const parsed = parseArn(arn);
    // Bedrock answers every ARN it cannot place (wrong partition, other region, unknown resource) the same way.
    if (parsed?.service !== "bedrock" || parsed.partition !== this.partition || parsed.region !== region)
      throw invalidIdentifier();
    switch (parsed.resourceType) {
      case "foundation-model":
        if (parsed.account !== "") throw invalidIdentifier();
        return this.resolveFoundationModel(
          parsed.resourceId,
          arn,
          region,
          "foundation-model-arn",
          forCountTokens,
        );
      case "inference-profile":
        if (parsed.account !== this.accountId) throw invalidIdentifier();
        return this.resolveSystemProfile(parsed.resourceId, arn, region, "system-profile-arn");
      case "application-inference-profile": {
        const app = this.appProfiles.get(parsed.resourceId);
        if (!app || parsed.account !== this.accountId || app.profile.region !== region)
          throw invalidIdentifier();
        return {
          requestedId: arn,
          kind: "application-profile",
          model: app.model,
          resourceArn: app.arn,
          routedModelArns: app.destinationRegions.map((r) => this.foundationModelArn(app.model.modelId, r)),
        };
      }
      default:
        // provisioned-model, custom-model, imported-model…: worlds hold none, so they are unknown identifiers.
        throw invalidIdentifier();
    }
  }

  private resolveSystemProfile(
    profileId: string,
    requestedId: string,
    region: string,
    kind: "system-profile" | "system-profile-arn",
  ): InvocationTarget {
    const profile = this.systemProfiles.get(profileId);
    // Calling a geo profile from outside its source regions is "invalid", not "denied" (WIRE.md §7.3).
    if (!profile?.sourceRegions.includes(region)) throw invalidIdentifier();
    return {
      requestedId,
      kind,
      model: profile.model,
      resourceArn: this.systemProfileArn(profile.id, region),
      routedModelArns: profile.destinationRegions.map((r) =>
        this.foundationModelArn(profile.model.modelId, r),
      ),
    };
  }

  private resolveFoundationModel(
    modelId: string,
    requestedId: string,
    region: string,
    kind: "foundation-model" | "foundation-model-arn",
    forCountTokens = false,
  ): InvocationTarget {
    const model = this.models.get(modelId);
    if (!model?.regions.includes(region)) throw invalidIdentifier();
    // Counting tokens runs no inference, so profile-only models are countable by their bare ID.
    if (!forCountTokens && !model.inferenceTypes.includes("ON_DEMAND"))
      throw new BedrockError(400, "ValidationException", onDemandNotSupportedMessage(model.modelId));
    const arn = this.foundationModelArn(model.modelId, region);
    // routedModelArns is never empty so callers can always name the serving region; IAM skips the duplicate.
    return { requestedId, kind, model, resourceArn: arn, routedModelArns: [arn] };
  }
}
