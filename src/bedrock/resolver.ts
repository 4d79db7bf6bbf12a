// The one model resolver (DESIGN.md "One model resolver"). Every model call in Quarry (main, small,
// compaction, title, subagent) turns what the user configured into: the exact ID to send, the region to
// send it to, and the model's capabilities. Mistakes we can prove before a request (a `us.` profile in
// eu-west-1, an ARN from another region) are thrown as ModelResolutionError with a concrete fix; anything we
// can't prove is sent as given, with notes, and the error translator explains Bedrock's answer.

import type { ModelRole } from "../model/types.js";
import {
  aliasTarget,
  applyOverrides,
  type CatalogOverrides,
  findCatalogEntry,
  lookupModel,
  type ModelAlias,
  type ModelCapabilities,
  unknownModelCapabilities,
} from "./catalog.js";
import {
  defaultGeoForRegion,
  describeGeoRegions,
  type Geo,
  geoCoversRegion,
  isCommercialRegion,
  isGeo,
  isValidRegionName,
  regionalGeosForRegion,
} from "./geography.js";
import {
  type BedrockArn,
  foundationModelIdFromArn,
  parseModelId,
  profileIdFor,
  type ValidModelId,
} from "./model-id.js";
import type { ProfileSummary } from "./profile-cache.js";

export type { ModelRole } from "../model/types.js";

/** Per-alias pins (ANTHROPIC_DEFAULT_OPUS_MODEL / _SONNET_MODEL / _HAIKU_MODEL or settings). */
export type ModelPins = Partial<Record<ModelAlias, string>>;

/** What to resolve, and the settings that steer it. */
export interface ResolveRequest {
  requested: string;
  role: ModelRole;
  /** The region Quarry will call Bedrock in. */
  region: string;
  /** Prefer `global.` profiles over the region's geography. */
  preferGlobal?: boolean;
  /** ANTHROPIC_BEDROCK_REGION_PREFIX: the only geography to build profile IDs with. */
  regionPrefix?: string;
  pins?: ModelPins;
  overrides?: CatalogOverrides;
  /** The caller's AWS account, when known (for ARN account checks). */
  account?: string;
}

/** The AWS look-ups the resolver needs; the real ones live with the Bedrock client, tests pass fakes. */
export interface ResolverDeps {
  /** ListInferenceProfiles(type=SYSTEM_DEFINED) in `region`, usually through the profile cache. */
  listSystemProfiles(region: string): Promise<ProfileSummary[]>;
  /** GetInferenceProfile, used for application-inference-profile ARNs. */
  getInferenceProfile(region: string, idOrArn: string): Promise<ProfileSummary>;
  /** Shows a one-line notice to the user (rewrites, global fallbacks). */
  announce?(message: string): void;
}

/** What kind of thing `sendId` is. */
export type ResolvedKind =
  | "foundation-model"
  | "system-profile"
  | "application-profile"
  | "provisioned-model"
  | "custom-model"
  | "custom-model-deployment"
  | "imported-model";

/** The answer: what to send, where, and what the model can do. */
export interface ResolvedModel {
  requested: string;
  role: ModelRole;
  /** The exact ID or ARN for the `/model/{id}/…` path (no `[1m]` suffix). */
  sendId: string;
  /** The region to send the request to. */
  region: string;
  kind: ResolvedKind;
  /** The backing foundation model; absent when an ARN doesn't reveal it (provisioned, imported, …). */
  foundationModelId?: string;
  geo?: Geo;
  capabilities: ModelCapabilities;
  /** True when `[1m]` was asked for and the model supports a 1M window. */
  oneMillionContext: boolean;
  /** The bare foundation-model ID we replaced with a profile ID. */
  rewrittenFrom?: string;
  notes: string[];
}

/** Why resolution failed before any request was sent. */
export type ModelResolutionErrorCode =
  | "invalid-id"
  | "invalid-pin"
  | "invalid-region"
  | "invalid-region-prefix"
  | "geo-mismatch"
  | "arn-region-mismatch"
  | "unknown-application-profile"
  | "model-unavailable";

/** A model configuration mistake caught before calling Bedrock; `fix` is the next step to show. */
export class ModelResolutionError extends Error {
  override readonly name = "ModelResolutionError";
  constructor(
    readonly code: ModelResolutionErrorCode,
    message: string,
    readonly fix: string,
    readonly details: { requested: string; role: ModelRole; region: string },
  ) {
    super(message);
  }
}

const ROLE_LABEL: Record<ModelRole, string> = {
  main: "main model",
  small: "small/fast model",
  compaction: "compaction model",
  title: "title model",
  subagent: "subagent model",
};

// Announcements are shown once per (id, region) for the lifetime of a deps object, i.e. per session.
const announcedByDeps = new WeakMap<ResolverDeps, Set<string>>();

/** Resolves one model request; throws ModelResolutionError for mistakes provable before a request. */
export async function resolveModel(request: ResolveRequest, deps: ResolverDeps): Promise<ResolvedModel> {
  return new Resolution(request, deps).run();
}

/** Binds deps once so call sites only pass the request. */
export function createModelResolver(deps: ResolverDeps): (request: ResolveRequest) => Promise<ResolvedModel> {
  return (request) => resolveModel(request, deps);
}

// Partial result the per-kind resolvers fill in; `run` adds capabilities and 1M handling.
interface Target {
  sendId: string;
  kind: ResolvedKind;
  foundationModelId?: string;
  geo?: Geo;
  rewrittenFrom?: string;
  /** Overrides keyed by these (profile ID, ARN) apply on top of the foundation model's. */
  overrideKeys: string[];
  oneMillion: boolean;
}

class Resolution {
  private readonly notes: string[] = [];
  private profiles: Promise<ProfileSummary[] | undefined> | undefined;

  constructor(
    private readonly request: ResolveRequest,
    private readonly deps: ResolverDeps,
  ) {}

  async run(): Promise<ResolvedModel> {
    const { request } = this;
    if (!isValidRegionName(request.region)) {
      throw this.error(
        "invalid-region",
        `"${request.region}" is not an AWS region name.`,
        "set AWS_REGION to a Bedrock region such as us-east-1, eu-west-1 or ap-northeast-1",
      );
    }
    this.checkRegionPrefix();
    const parsed = parseModelId(request.requested);
    if (parsed.kind === "invalid") {
      throw this.error(
        "invalid-id",
        `The ${ROLE_LABEL[request.role]} "${request.requested}" is not a valid model: ${parsed.reason}`,
        parsed.suggestion !== undefined
          ? `use ${parsed.suggestion}`
          : "use an alias (opus, sonnet, haiku), an inference-profile ID or an ARN; `quarry models` lists them",
      );
    }
    const target = await this.resolveParsed(parsed);
    return this.finish(target);
  }

  private async resolveParsed(parsed: ValidModelId): Promise<Target> {
    switch (parsed.kind) {
      case "alias":
        return this.resolveAlias(parsed.alias, parsed.oneMillion);
      case "foundation-model":
        return this.resolveBareModel(parsed.foundationModelId, parsed.oneMillion);
      case "system-profile":
        return this.resolveSystemProfile(parsed.profileId, parsed.geo, parsed.foundationModelId, {
          sendId: parsed.profileId,
          oneMillion: parsed.oneMillion,
        });
      case "arn":
        return this.resolveArn(parsed.arn, parsed.input.replace(/\[1m\]$/i, ""), parsed.oneMillion);
    }
  }

  private finish(target: Target): ResolvedModel {
    const { request } = this;
    const overrides = request.overrides;
    // Opaque ARNs (provisioned, imported, …) get defaults named after the ARN.
    const base =
      target.foundationModelId !== undefined
        ? lookupModel(target.foundationModelId, overrides)
        : { ...unknownModelCapabilities(""), displayName: target.sendId };
    const keys = [...new Set([...target.overrideKeys, request.requested.replace(/\[1m\]$/i, "")])].filter(
      (key) => key !== target.foundationModelId,
    );
    let capabilities = applyOverrides(base, ...keys.map((key) => overrides?.[key]));
    let oneMillionContext = false;
    if (target.oneMillion) {
      if (capabilities.context1m === "none") {
        this.notes.push(`[1m] ignored: ${capabilities.displayName} has no 1M-token context window.`);
      } else {
        oneMillionContext = true;
        capabilities = { ...capabilities, contextWindow: Math.max(capabilities.contextWindow, 1_000_000) };
        if (capabilities.context1m === "beta") {
          this.notes.push("1M context is a beta for this model (anthropic_beta context-1m-2025-08-07).");
        }
      }
    }
    const resolved: ResolvedModel = {
      requested: request.requested,
      role: request.role,
      sendId: target.sendId,
      region: request.region,
      kind: target.kind,
      capabilities,
      oneMillionContext,
      notes: this.notes,
    };
    if (target.foundationModelId !== undefined) resolved.foundationModelId = target.foundationModelId;
    if (target.geo !== undefined) resolved.geo = target.geo;
    if (target.rewrittenFrom !== undefined) resolved.rewrittenFrom = target.rewrittenFrom;
    return resolved;
  }

  // --- aliases and bare IDs -------------------------------------------------------------------------

  private async resolveAlias(alias: ModelAlias, oneMillion: boolean): Promise<Target> {
    const pin = this.request.pins?.[alias]?.trim();
    if (pin) return this.resolvePin(alias, pin, oneMillion);

    const fm = aliasTarget(alias);
    const capabilities = lookupModel(fm, this.request.overrides);
    const choice = await this.chooseProfile(fm, capabilities);
    if (choice) {
      this.noteGlobalFallback(choice.geo, fm);
      const target: Target = {
        sendId: choice.id,
        kind: "system-profile",
        foundationModelId: fm,
        geo: choice.geo,
        overrideKeys: [choice.id],
        oneMillion,
      };
      if (!choice.confirmed) {
        this.notes.push(
          `${choice.id} was not confirmed by ListInferenceProfiles; it is the expected profile for ${this.request.region}.`,
        );
      }
      return target;
    }
    if (capabilities.onDemand) {
      return { sendId: fm, kind: "foundation-model", foundationModelId: fm, overrideKeys: [], oneMillion };
    }
    const list = await this.listProfiles();
    const fallbackGeo = this.candidateGeos()[0];
    if (!list && fallbackGeo) {
      // No list and no catalog hint: send the region's expected profile and let Bedrock's answer decide.
      const id = profileIdFor(fallbackGeo, fm);
      this.notes.push(
        `${id} was not confirmed by ListInferenceProfiles; it is the expected profile for ${this.request.region}.`,
      );
      return {
        sendId: id,
        kind: "system-profile",
        foundationModelId: fm,
        geo: fallbackGeo,
        overrideKeys: [id],
        oneMillion,
      };
    }
    const familyRe = new RegExp(`\\.anthropic\\.claude-(?:\\d+-)*${alias}\\b`);
    const others = (list ?? []).map((p) => p.id).filter((id) => familyRe.test(id));
    throw this.error(
      "model-unavailable",
      `The alias ${alias} means ${fm}, but ListInferenceProfiles in ${this.request.region} has no profile for it that can be called from there.`,
      others.length > 0
        ? `pin another ${alias} model, e.g. ANTHROPIC_DEFAULT_${alias.toUpperCase()}_MODEL=${others[0]}, or set AWS_REGION to a region that serves ${fm}`
        : `set ANTHROPIC_DEFAULT_${alias.toUpperCase()}_MODEL to a model available in ${this.request.region}, or set AWS_REGION to a region that serves ${fm}`,
    );
  }

  private async resolvePin(alias: ModelAlias, pin: string, oneMillion: boolean): Promise<Target> {
    const parsed = parseModelId(pin);
    const envName = `ANTHROPIC_DEFAULT_${alias.toUpperCase()}_MODEL`;
    if (parsed.kind === "invalid") {
      throw this.error(
        "invalid-pin",
        `The ${alias} pin "${pin}" is not a valid model: ${parsed.reason}`,
        parsed.suggestion !== undefined ? `set ${envName}=${parsed.suggestion}` : `fix or unset ${envName}`,
      );
    }
    if (parsed.kind === "alias") {
      throw this.error(
        "invalid-pin",
        `The ${alias} pin "${pin}" is itself an alias; a pin must be a model ID, inference-profile ID or ARN.`,
        `set ${envName} to a Bedrock ID such as ${profileIdFor(defaultGeoForRegion(this.request.region), aliasTarget(parsed.alias))}`,
      );
    }
    this.notes.push(`${alias} is pinned to ${pin}.`);
    const target = await this.resolveParsed(parsed);
    return { ...target, oneMillion: target.oneMillion || oneMillion };
  }

  private async resolveBareModel(fm: string, oneMillion: boolean): Promise<Target> {
    const bare: Target = {
      sendId: fm,
      kind: "foundation-model",
      foundationModelId: fm,
      overrideKeys: [],
      oneMillion,
    };
    const capabilities = lookupModel(fm, this.request.overrides);
    if (capabilities.onDemand) return bare;
    const { region } = this.request;
    const choice = await this.chooseProfile(fm, capabilities);
    if (!choice?.confirmed) {
      // Without AWS's word that the profile exists, rewriting could turn one error into a stranger one.
      this.notes.push(
        `${fm} needs an inference profile (on-demand throughput isn’t supported for it), and none was confirmed in ${region}; sending the ID as given.`,
      );
      return bare;
    }
    const message = `Using inference profile ${choice.id} for ${fm} (on-demand throughput isn’t supported for this model in ${region}).`;
    this.notes.push(message);
    this.announceOnce(`${fm}@${region}`, message);
    this.noteGlobalFallback(choice.geo, fm);
    return {
      sendId: choice.id,
      kind: "system-profile",
      foundationModelId: fm,
      geo: choice.geo,
      rewrittenFrom: fm,
      overrideKeys: [choice.id],
      oneMillion,
    };
  }

  // --- explicit profile IDs and ARNs ----------------------------------------------------------------

  private async resolveSystemProfile(
    profileId: string,
    geo: Geo,
    fm: string,
    shape: { sendId: string; oneMillion: boolean },
  ): Promise<Target> {
    const { region } = this.request;
    const target: Target = {
      sendId: shape.sendId,
      kind: "system-profile",
      foundationModelId: fm,
      geo,
      overrideKeys: [...new Set([profileId, shape.sendId])],
      oneMillion: shape.oneMillion,
    };
    // A profile the bundled catalog knows, callable from this region, needs no lookup: it is sent as given
    // (as Claude Code does), and the first request is not held up by ListInferenceProfiles. Bedrock's own
    // answer still decides; an unknown model or a geography that does not cover the region is checked below.
    const known = findCatalogEntry(fm) !== undefined;
    if (
      known &&
      geoCoversRegion(geo, region) &&
      lookupModel(fm, this.request.overrides).profileGeos.includes(geo)
    )
      return target;
    const list = await this.listProfiles();
    if (list?.some((p) => p.id === profileId)) return target;
    if (!geoCoversRegion(geo, region)) {
      const alternative = await this.chooseProfile(fm, lookupModel(fm, this.request.overrides), {
        ignorePrefix: true,
      });
      const useAlt = alternative ? `use ${alternative.id}, or ` : "";
      throw this.error(
        "geo-mismatch",
        `The inference profile ${profileId} can only be called from ${describeGeoRegions(geo)}, but the ${ROLE_LABEL[this.request.role]} would be called in ${region}.`,
        `${useAlt}set AWS_REGION to ${describeGeoRegions(geo)}`,
      );
    }
    if (list) {
      const alternatives = list.filter((p) => p.id.endsWith(`.${fm}`)).map((p) => p.id);
      this.notes.push(
        `${profileId} is not in ListInferenceProfiles for ${region}` +
          (alternatives.length > 0 ? `; available there: ${alternatives.join(", ")}.` : "."),
      );
    }
    return target;
  }

  private async resolveArn(arn: BedrockArn, arnText: string, oneMillion: boolean): Promise<Target> {
    const { request } = this;
    if (arn.region !== request.region) {
      throw this.error(
        "arn-region-mismatch",
        `The ${ROLE_LABEL[request.role]} ARN is in ${arn.region}, but Quarry calls Bedrock in ${request.region}; an ARN can only be called in its own region.`,
        `set AWS_REGION=${arn.region}, or use an ARN from ${request.region}`,
      );
    }
    if (request.account && arn.account && arn.account !== request.account) {
      this.notes.push(
        `The ARN belongs to account ${arn.account}, but your credentials are for account ${request.account}.`,
      );
    }
    const base = { sendId: arnText, overrideKeys: [arnText], oneMillion };
    switch (arn.resourceType) {
      case "foundation-model": {
        const fm = arn.foundationModelId ?? "";
        const capabilities = lookupModel(fm, request.overrides);
        if (!capabilities.onDemand) {
          const choice = await this.chooseProfile(fm, capabilities);
          // ARNs are never rewritten: the user chose this exact resource.
          this.notes.push(
            `${fm} needs an inference profile; a foundation-model ARN will likely be refused` +
              (choice ? ` (use ${choice.id}).` : "."),
          );
        }
        return { ...base, kind: "foundation-model", foundationModelId: fm };
      }
      case "inference-profile": {
        const geo = arn.geo ?? "global";
        const fm = arn.foundationModelId ?? "";
        return this.resolveSystemProfile(profileIdFor(geo, fm), geo, fm, { sendId: arnText, oneMillion });
      }
      case "application-inference-profile":
        return this.resolveApplicationProfile(arnText, base);
      case "custom-model":
        this.notes.push(
          "Custom models are served through provisioned throughput; if this fails, use the provisioned-model ARN.",
        );
        return { ...base, kind: "custom-model", foundationModelId: arn.foundationModelId ?? "" };
      case "provisioned-model":
      case "custom-model-deployment":
      case "imported-model":
        this.notes.push(
          `Quarry can't tell which model backs ${arnText}; capabilities are conservative defaults. Declare them under catalogOverrides["${arnText}"].`,
        );
        return { ...base, kind: arn.resourceType };
    }
  }

  private async resolveApplicationProfile(
    arnText: string,
    base: { sendId: string; overrideKeys: string[]; oneMillion: boolean },
  ): Promise<Target> {
    const { region } = this.request;
    let profile: ProfileSummary;
    try {
      profile = await this.deps.getInferenceProfile(region, arnText);
    } catch (error) {
      if (isNotFound(error)) {
        throw this.error(
          "unknown-application-profile",
          `The application inference profile ${arnText} does not exist in ${region} (or not in this account).`,
          `list yours with: aws bedrock list-inference-profiles --type-equals APPLICATION --region ${region}`,
        );
      }
      this.notes.push(
        `GetInferenceProfile failed for ${arnText} (${errorText(error)}); capabilities are conservative defaults. Allow bedrock:GetInferenceProfile or declare them under catalogOverrides["${arnText}"].`,
      );
      return { ...base, kind: "application-profile" };
    }
    const first = profile.modelArns[0];
    const fm = first !== undefined ? foundationModelIdFromArn(first) : undefined;
    if (fm === undefined) {
      throw this.error(
        "unknown-application-profile",
        `The application inference profile ${arnText} names no foundation model Quarry can read.`,
        `check it with: aws bedrock get-inference-profile --inference-profile-identifier ${arnText} --region ${region}`,
      );
    }
    this.notes.push(`${arnText} is backed by ${fm}.`);
    return { ...base, kind: "application-profile", foundationModelId: fm };
  }

  // --- profile choice -------------------------------------------------------------------------------

  /** Geographies to try for a profile ID we build, best first. */
  private candidateGeos(options: { ignorePrefix?: boolean } = {}): Geo[] {
    const { region, regionPrefix, preferGlobal } = this.request;
    if (regionPrefix && !options.ignorePrefix && isGeo(regionPrefix)) return [regionPrefix];
    const regional = regionalGeosForRegion(region);
    if (!isCommercialRegion(region)) return regional;
    return preferGlobal ? ["global", ...regional] : [...regional, "global"];
  }

  /**
   * Picks `<geo>.<fm>` for this region: the first candidate geography whose profile ListInferenceProfiles
   * confirms; without a list, the first candidate the catalog says exists (unconfirmed).
   */
  private async chooseProfile(
    fm: string,
    capabilities: ModelCapabilities,
    options: { ignorePrefix?: boolean } = {},
  ): Promise<{ id: string; geo: Geo; confirmed: boolean } | undefined> {
    const candidates = this.candidateGeos(options);
    const list = await this.listProfiles();
    if (list) {
      const ids = new Set(list.map((p) => p.id));
      const geo = candidates.find((g) => ids.has(profileIdFor(g, fm)));
      return geo ? { id: profileIdFor(geo, fm), geo, confirmed: true } : undefined;
    }
    const known = findCatalogEntry(fm) !== undefined || capabilities.profileGeos.length > 0;
    const geo = known ? candidates.find((g) => capabilities.profileGeos.includes(g)) : candidates[0];
    return geo ? { id: profileIdFor(geo, fm), geo, confirmed: false } : undefined;
  }

  private noteGlobalFallback(geo: Geo, fm: string): void {
    const { region, preferGlobal, regionPrefix } = this.request;
    const wanted = defaultGeoForRegion(region);
    if (geo !== "global" || wanted === "global" || preferGlobal || regionPrefix === "global") return;
    const message = `No ${wanted}. profile for ${fm} in ${region}; using global.${fm}, which may route requests to any commercial region. Set ANTHROPIC_BEDROCK_REGION_PREFIX=${wanted} to keep requests in ${wanted}.`;
    this.notes.push(message);
    this.announceOnce(`global:${fm}@${region}`, message);
  }

  private listProfiles(): Promise<ProfileSummary[] | undefined> {
    this.profiles ??= this.deps.listSystemProfiles(this.request.region).then(
      (list) => list,
      (error: unknown) => {
        this.notes.push(
          `Couldn't list inference profiles in ${this.request.region} (${errorText(error)}); profile choice uses the bundled catalog.`,
        );
        return undefined;
      },
    );
    return this.profiles;
  }

  private checkRegionPrefix(): void {
    const { regionPrefix, region } = this.request;
    if (regionPrefix === undefined || regionPrefix === "") return;
    if (!isGeo(regionPrefix)) {
      throw this.error(
        "invalid-region-prefix",
        `"${regionPrefix}" is not an inference-profile geography.`,
        "set ANTHROPIC_BEDROCK_REGION_PREFIX to one of us, eu, apac, jp, au, us-gov, global (or unset it)",
      );
    }
    if (!geoCoversRegion(regionPrefix, region)) {
      throw this.error(
        "geo-mismatch",
        `ANTHROPIC_BEDROCK_REGION_PREFIX=${regionPrefix} profiles can't be called from ${region}.`,
        `set ANTHROPIC_BEDROCK_REGION_PREFIX=${defaultGeoForRegion(region)}, or set AWS_REGION to ${describeGeoRegions(regionPrefix)}`,
      );
    }
  }

  private announceOnce(key: string, message: string): void {
    if (!this.deps.announce) return;
    let seen = announcedByDeps.get(this.deps);
    if (!seen) {
      seen = new Set();
      announcedByDeps.set(this.deps, seen);
    }
    if (seen.has(key)) return;
    seen.add(key);
    this.deps.announce(message);
  }

  private error(code: ModelResolutionErrorCode, message: string, fix: string): ModelResolutionError {
    const { requested, role, region } = this.request;
    return new ModelResolutionError(code, message, fix, { requested, role, region });
  }
}

// AWS SDK errors carry `name`; plain HTTP fakes may carry a status.
function isNotFound(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const e = error as { name?: unknown; $metadata?: { httpStatusCode?: unknown }; statusCode?: unknown };
  return (
    e.name === "ResourceNotFoundException" || e.$metadata?.httpStatusCode === 404 || e.statusCode === 404
  );
}

function errorText(error: unknown): string {
  if (error instanceof Error)
    return error.name && error.name !== "Error" ? `${error.name}: ${error.message}` : error.message;
  return String(error);
}
