import { createHash } from "node:crypto";
import { homedir } from "node:os";
import { join } from "node:path";
import type { BedrockClient } from "@aws-sdk/client-bedrock";
import type { BedrockRuntimeClient } from "@aws-sdk/client-bedrock-runtime";
import type { STSClient } from "@aws-sdk/client-sts";
import { endpointUrls } from "../config/endpoints.js";
import type { Settings } from "../config/index.js";
import { catalogOverrideValues, describeSource } from "../config/index.js";
import { type AccountModelCache, createAccountModelCache, fetchAccountModels } from "./account-models.js";
import { type AwsProfileInfo, readAwsProfile } from "./aws-config.js";
import {
  type ClientConfig,
  createControlClient,
  createRuntimeClient,
  createServiceQuotasClient,
  createStsClient,
} from "./clients.js";
import { type AuthMode, CredentialCache, chooseAuthMode, defaultChainProvider } from "./credentials.js";
import { type ErrorKind, type FailureContext, QuarryError } from "./errors.js";
import { createProfileCache, type ProfileSummary } from "./profile-cache.js";
import { type ResolvedRegion, resolveRegion } from "./region.js";
import { ModelResolutionError, type ModelRole, type ResolvedModel, resolveModel } from "./resolver.js";

/** How long the account's inference-profile list is trusted on disk. */
const PROFILE_CACHE_TTL_MS = 6 * 60 * 60 * 1000;
/** How long the account's foundation-model list (capabilities, lifecycle) is trusted on disk. */
const ACCOUNT_MODELS_TTL_MS = 6 * 60 * 60 * 1000;

export interface ConnectOptions {
  settings: Settings;
  env: NodeJS.ProcessEnv;
  home?: string;
  /** Where the profile list is cached; defaults to <user config dir>/cache. */
  cacheDir?: string;
  /** Receives one-time announcements (e.g. a bare ID rewritten to an inference profile). */
  announce?: (message: string) => void;
}

/** What a role is configured to use, and where that came from. */
export interface ConfiguredModel {
  requested: string;
  source: string;
  region: ResolvedRegion;
}

/**
 * Everything Quarry needs to talk to Bedrock, resolved once per session: region, auth, cached credentials,
 * clients per region, and the one model resolver every role goes through.
 */
export class BedrockConnection {
  private readonly runtimeClients = new Map<string, Promise<BedrockRuntimeClient>>();
  private readonly controlClients = new Map<string, Promise<BedrockClient>>();
  private readonly profileCache: ReturnType<typeof createProfileCache>;
  /** Tells apart accounts and AWS profiles sharing the cache directory (a hash: endpoint, profile, auth). */
  readonly cacheKey: string;
  /** ListFoundationModels per region, cached beside the profile list (src/bedrock/account-models.ts). */
  readonly accountModels: AccountModelCache;

  constructor(
    readonly settings: Settings,
    readonly env: NodeJS.ProcessEnv,
    readonly region: ResolvedRegion,
    readonly profile: AwsProfileInfo,
    readonly auth: AuthMode,
    readonly credentials: CredentialCache | undefined,
    private readonly clientBase: Omit<ClientConfig, "region">,
    /** Where account facts (profile list, quotas) are cached between runs. */
    readonly cacheDir: string,
    private readonly announce: (message: string) => void,
  ) {
    const key = createHash("sha256")
      .update(JSON.stringify([clientBase.endpoints.control ?? "aws", profile.name, auth.kind]))
      .digest("hex")
      .slice(0, 12);
    this.cacheKey = key;
    this.profileCache = createProfileCache({
      dir: cacheDir,
      ttlMs: PROFILE_CACHE_TTL_MS,
      key,
      fetch: (region) => this.fetchSystemProfiles(region),
    });
    this.accountModels = createAccountModelCache({
      dir: cacheDir,
      ttlMs: ACCOUNT_MODELS_TTL_MS,
      key,
      fetch: async (region) => fetchAccountModels(await this.control(region)),
    });
  }

  /** The runtime client for a region (one per region, reused). */
  runtime(region: string = this.region.region): Promise<BedrockRuntimeClient> {
    let client = this.runtimeClients.get(region);
    if (!client) {
      client = createRuntimeClient({ ...this.clientBase, region });
      this.runtimeClients.set(region, client);
    }
    return client;
  }

  /** The control-plane client for a region. */
  control(region: string = this.region.region): Promise<BedrockClient> {
    let client = this.controlClients.get(region);
    if (!client) {
      client = createControlClient({ ...this.clientBase, region });
      this.controlClients.set(region, client);
    }
    return client;
  }

  /** A Service Quotas client for a region (AWS_ENDPOINT_URL_SERVICE_QUOTAS, else AWS_ENDPOINT_URL). */
  serviceQuotas(region: string = this.region.region) {
    const endpoint = this.env.AWS_ENDPOINT_URL_SERVICE_QUOTAS || this.settings.endpointUrl?.value;
    return createServiceQuotasClient({ ...this.clientBase, region }, endpoint);
  }

  sts(): Promise<STSClient> {
    return createStsClient({ ...this.clientBase, region: this.region.region });
  }

  /** The model a role is configured to use (before resolution), with its source. */
  configured(role: ModelRole): ConfiguredModel {
    const s = this.settings;
    if (role === "main" || role === "subagent") {
      return s.model
        ? { requested: s.model.value, source: describeSource(s.model.source), region: this.region }
        : { requested: "sonnet", source: "default", region: this.region };
    }
    const region = s.smallFastModelRegion
      ? { region: s.smallFastModelRegion.value, source: describeSource(s.smallFastModelRegion.source) }
      : this.region;
    if (s.smallFastModel)
      return { requested: s.smallFastModel.value, source: describeSource(s.smallFastModel.source), region };
    return { requested: "haiku", source: "default", region };
  }

  /** Resolves a role's model through the one resolver. Throws a QuarryError with a fix on any mismatch. */
  async resolve(role: ModelRole, requested?: string): Promise<ResolvedModel> {
    const configured = this.configured(role);
    const s = this.settings;
    try {
      return await resolveModel(
        {
          requested: requested ?? configured.requested,
          role,
          region: configured.region.region,
          preferGlobal: s.preferGlobalProfile.value,
          regionPrefix: s.regionPrefix?.value,
          pins: {
            opus: s.modelPins.opus?.value,
            sonnet: s.modelPins.sonnet?.value,
            haiku: s.modelPins.haiku?.value,
          },
          overrides: catalogOverrideValues(s),
        },
        {
          listSystemProfiles: (region) => this.profileCache.listSystemProfiles(region),
          getInferenceProfile: (region, idOrArn) => this.getInferenceProfile(region, idOrArn),
          announce: this.announce,
        },
      );
    } catch (err) {
      // An application profile may be named instead of given by ARN (docs/quotas.md#application-profiles).
      if (err instanceof ModelResolutionError && err.code === "invalid-id") {
        const { applicationProfileArnByName } = await import("../cost/profiles.js");
        const arn = await applicationProfileArnByName(this, configured.region.region, err.details.requested);
        if (arn) return this.resolve(role, arn);
      }
      if (err instanceof ModelResolutionError) {
        throw new QuarryError(
          {
            ...this.failureContext(role, undefined),
            model: err.details.requested,
            kind: RESOLUTION_KINDS[err.code] ?? "invalid-model-id",
            rawMessage: "",
            explanation: err.message,
            fix: err.fix,
            retryable: false,
          },
          { cause: err },
        );
      }
      throw err;
    }
  }

  /** Facts for error messages about a role: model and its source, region and its source, identity. */
  failureContext(role: ModelRole, resolved: ResolvedModel | undefined): FailureContext {
    const configured = this.configured(role);
    return {
      model: resolved?.sendId ?? configured.requested,
      modelSource: configured.source === "default" ? undefined : configured.source.replace(/^env /, ""),
      region: resolved?.region ?? configured.region.region,
      regionSource: configured.region.source,
      identity: this.auth.source,
      awsProfile: this.settings.awsProfile?.value ?? (this.profile.config ? this.profile.name : undefined),
      authRefreshCommand: this.settings.awsAuthRefresh?.value,
    };
  }

  private async fetchSystemProfiles(region: string): Promise<ProfileSummary[]> {
    const { paginateListInferenceProfiles } = await import("@aws-sdk/client-bedrock");
    const client = await this.control(region);
    const out: ProfileSummary[] = [];
    for await (const page of paginateListInferenceProfiles({ client }, { typeEquals: "SYSTEM_DEFINED" })) {
      for (const p of page.inferenceProfileSummaries ?? []) {
        out.push({
          id: p.inferenceProfileId ?? "",
          arn: p.inferenceProfileArn ?? "",
          type: "SYSTEM_DEFINED",
          modelArns: (p.models ?? []).map((m) => m.modelArn ?? ""),
        });
      }
    }
    return out;
  }

  private async getInferenceProfile(region: string, idOrArn: string): Promise<ProfileSummary> {
    const { GetInferenceProfileCommand } = await import("@aws-sdk/client-bedrock");
    const client = await this.control(region);
    const p = await client.send(new GetInferenceProfileCommand({ inferenceProfileIdentifier: idOrArn }));
    return {
      id: p.inferenceProfileId ?? "",
      arn: p.inferenceProfileArn ?? "",
      type: p.type === "APPLICATION" ? "APPLICATION" : "SYSTEM_DEFINED",
      modelArns: (p.models ?? []).map((m) => m.modelArn ?? ""),
    };
  }
}

const RESOLUTION_KINDS: Partial<Record<string, ErrorKind>> = {
  "geo-mismatch": "region-profile-mismatch",
  "arn-region-mismatch": "region-profile-mismatch",
  "invalid-region": "no-region",
  "invalid-region-prefix": "region-profile-mismatch",
  "model-unavailable": "model-not-enabled",
};

/**
 * Resolves region, profile and auth for a session. Throws QuarryError (no region, bad region) before any
 * network call; credentials themselves are resolved lazily on the first request and cached.
 */
export async function connectBedrock(options: ConnectOptions): Promise<BedrockConnection> {
  const { settings, env } = options;
  const home = options.home ?? homedir();
  const profileEnv = { ...env, ...(settings.awsProfile ? { AWS_PROFILE: settings.awsProfile.value } : {}) };
  const profile = await readAwsProfile(profileEnv, home);
  const region = await resolveRegion(profileEnv, {
    home,
    override: settings.region
      ? { region: settings.region.value, source: describeSource(settings.region.source) }
      : undefined,
  });
  const auth = chooseAuthMode(
    {
      ...profileEnv,
      AWS_BEARER_TOKEN_BEDROCK: settings.bearerToken?.value.reveal(),
      CLAUDE_CODE_SKIP_BEDROCK_AUTH: settings.skipBedrockAuth.value ? "1" : undefined,
    },
    profile,
  );
  const context: FailureContext = {
    region: region.region,
    regionSource: region.source,
    identity: auth.source,
    awsProfile: settings.awsProfile?.value ?? (profile.config ? profile.name : undefined),
    authRefreshCommand: settings.awsAuthRefresh?.value,
  };
  const credentials =
    auth.kind === "sigv4"
      ? new CredentialCache({
          load: async (...args) => (await defaultChainProvider(settings.awsProfile?.value))(...args),
          authRefresh: settings.awsAuthRefresh ? { command: settings.awsAuthRefresh.value } : undefined,
          context,
        })
      : undefined;
  const { getProxyForUrl } = await import("proxy-from-env");
  const clientBase: Omit<ClientConfig, "region"> = {
    auth,
    credentials: credentials?.provider,
    bearerToken: settings.bearerToken?.value.reveal(),
    // Ranked by source, not by key: no file outranks the user's AWS_ENDPOINT_URL (docs/security/trust.md).
    endpoints: endpointUrls(settings),
    proxyFor: (url) => getProxyForUrl(url) || undefined,
    idleTimeoutMs: Number(env.QUARRY_STREAM_IDLE_TIMEOUT_MS) || undefined,
    caBundlePath: settings.caBundle?.value,
  };
  const cacheDir = options.cacheDir ?? join(settings.userConfigDir.value, "cache");
  return new BedrockConnection(
    settings,
    env,
    region,
    profile,
    auth,
    credentials,
    clientBase,
    cacheDir,
    options.announce ?? (() => {}),
  );
}
