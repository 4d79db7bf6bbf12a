import type { BedrockConnection } from "../bedrock/connection.js";
import type { ResolvedModel } from "../bedrock/resolver.js";
import type { Settings } from "../config/index.js";
import { describeSource } from "../config/index.js";
import type { Provider } from "../config/schema.js";
import type { ModelClient } from "../model/client.js";
import { QuarryError } from "../model/errors.js";
import { ModelRouter } from "../model/router.js";
import type { ModelRole } from "../model/types.js";
import { applyAccountModels } from "./account-facts.js";
import { MessagesApiClient, type MessagesRoute } from "./anthropic-api-client.js";
import { resolveAnthropicApiModel } from "./anthropic-api-models.js";
import { type AnthropicApiConnection, createAnthropicApiSdk } from "./anthropic-api-sdk.js";
import { BedrockInvokeClient } from "./bedrock-invoke-client.js";
import { ConverseClient } from "./converse-client.js";
import { type BedrockSession, createBedrockSession, routeFor } from "./create-bedrock.js";
import { resolveMantleModel } from "./mantle-models.js";
import { createMantleSdk } from "./mantle-sdk.js";
import { MixedWireClient, type WiredRoute, wired } from "./mixed-wire-client.js";
import { selectProviderWire, splitProviderPrefix } from "./select-provider-wire.js";
import { WireClient, wireFields } from "./select-wire.js";
import { type CallLimits, callLimitsFromEnv } from "./timeouts.js";

/** A role's model as configured: its provider (the session's, or a `provider:` prefix), the model, the source. */
export interface RoleModel {
  provider: Provider;
  model: string;
  /** Where the setting came from ("ANTHROPIC_MODEL"), undefined for defaults. */
  source?: string;
  prefixed: boolean;
}

/** What the main (or side) role is configured to use. */
export function roleModel(settings: Settings, role: "main" | "small"): RoleModel {
  const setting = role === "main" ? settings.model : settings.smallFastModel;
  const fallback = role === "main" ? "sonnet" : "haiku";
  const split = splitProviderPrefix(setting?.value ?? fallback);
  return {
    provider: split.provider ?? settings.provider?.value ?? "bedrock",
    model: split.model,
    source: setting ? describeSource(setting.source).replace(/^env /, "") : undefined,
    prefixed: split.provider !== undefined,
  };
}

export interface ModelSessionOptions {
  settings: Settings;
  env: NodeJS.ProcessEnv;
  /** Connects to AWS (region, credentials); called only when a role uses Bedrock or Mantle. */
  connect: () => Promise<BedrockConnection>;
  announce?: (message: string) => void;
  onNotice?: (message: string) => void;
  /** Resolve the side model before returning (see BedrockSessionOptions.eagerSide). */
  eagerSide?: boolean;
}

/**
 * The session's model provider for whatever the roles are configured to use: Bedrock Invoke alone (the
 * original path, unchanged), or routes on Mantle, the Anthropic API and Bedrock mixed per role. As with
 * Bedrock, the main model must resolve; a side model that cannot only produces a warning.
 */
export async function createModelSession(options: ModelSessionOptions): Promise<BedrockSession> {
  const { settings } = options;
  const main = roleModel(settings, "main");
  const side = roleModel(settings, "small");
  if (main.provider === "bedrock" && side.provider === "bedrock" && !main.prefixed && !side.prefixed) {
    return createBedrockSession(await options.connect(), {
      onNotice: options.onNotice,
      eagerSide: options.eagerSide,
    });
  }
  const { limits, warnings } = callLimitsFromEnv(options.env);
  const routes = new RouteBuilder(options, limits);
  const mainRoute = await routes.build("main", main);
  let sideRoute: Built | undefined;
  try {
    sideRoute = await routes.build("small", side);
  } catch (err) {
    if (!(err instanceof QuarryError)) throw err;
    warnings.push(
      `Side-task model ${err.model ?? side.model} cannot be used: ${err.explanation} Side tasks will use the main model ${mainRoute.resolved.sendId}. Fix: ${err.fix}`,
    );
  }
  const provider = new ModelRouter<WiredRoute>({
    client: new MixedWireClient(routes.clients()),
    main: mainRoute.route,
    side: sideRoute?.route,
    caching: !settings.disablePromptCaching.value,
    retry: limits.retry,
    onNotice: options.onNotice,
  });
  const maxTokens = mainRoute.maxTokens;
  const ceiling = Math.max(mainRoute.resolved.capabilities.maxOutputUpper, maxTokens);
  return {
    // The router is generic over its route type; callers only use the ModelProvider side of it.
    provider: provider as unknown as BedrockSession["provider"],
    main: mainRoute.resolved,
    side: sideRoute?.resolved,
    // Mixed routes resolve both roles up front (no profile list round trip to save on these wires).
    resolveSide: async () => sideRoute?.resolved,
    warmUp: () => {},
    warnings,
    outputLimits: { maxTokens, ceiling },
  };
}

interface Built {
  resolved: ResolvedModel;
  route: WiredRoute;
  maxTokens: number;
}

/** Builds one route per role, sharing each wire's client (and the AWS connection) between roles. */
class RouteBuilder {
  private connection: Promise<BedrockConnection> | undefined;
  private anthropic: Promise<AnthropicApiConnection> | undefined;
  private bedrockClient: WireClient | undefined;
  private mantleClient: MessagesApiClient | undefined;
  private readonly apiClient: MessagesApiClient;

  constructor(
    private readonly options: ModelSessionOptions,
    private readonly limits: CallLimits,
  ) {
    this.apiClient = new MessagesApiClient(limits);
  }

  clients(): ModelClient[] {
    return [this.bedrockClient, this.mantleClient, this.apiClient].filter(
      (c): c is NonNullable<typeof c> => !!c,
    );
  }

  async build(role: ModelRole, wanted: RoleModel): Promise<Built> {
    const settings = this.options.settings;
    switch (selectProviderWire(wanted.provider, wanted.model)) {
      case "bedrock-invoke": {
        const connection = await this.connect();
        // Bedrock itself calls each model over Invoke or Converse (./select-wire.ts).
        this.bedrockClient ??= new WireClient({
          invoke: new BedrockInvokeClient(connection.credentials, this.limits),
          converse: new ConverseClient(connection.credentials, this.limits),
        });
        const resolved = await connection.resolve(role, wanted.model);
        const route = {
          ...(await routeFor(connection, role, resolved)),
          ...wireFields(resolved, settings.claudeWire?.value, role === "main" ? "main" : "small"),
        };
        // The account's model facts (./account-facts.ts); `inner` is this object, so background facts apply too.
        const notice = this.options.onNotice ?? this.options.announce;
        for (const w of await applyAccountModels(connection, [route], notice)) notice?.(w);
        return { resolved, route: wired(this.bedrockClient, route), maxTokens: route.defaultMaxTokens };
      }
      case "mantle-messages": {
        const connection = await this.connect();
        const credentials = connection.credentials;
        this.mantleClient ??= new MessagesApiClient(this.limits, async () => {
          if (!credentials) return false;
          credentials.invalidate();
          return credentials.tryAuthRefresh();
        });
        const region =
          role !== "main" && settings.smallFastModelRegion
            ? settings.smallFastModelRegion.value
            : connection.region.region;
        const resolved = resolveMantleModel({
          ...wanted,
          requested: wanted.model,
          role,
          region,
          settings,
          announce: this.options.announce,
        });
        const route = this.messagesRoute(
          "mantle",
          resolved,
          await createMantleSdk(connection, region, this.limits),
          {
            ...connection.failureContext(role, resolved),
            modelSource: wanted.source,
          },
        );
        return { resolved, route: wired(this.mantleClient, route), maxTokens: route.defaultMaxTokens };
      }
      case "anthropic-messages": {
        this.anthropic ??= createAnthropicApiSdk(settings, this.limits);
        const api = await this.anthropic;
        const resolved = resolveAnthropicApiModel({
          requested: wanted.model,
          role,
          source: wanted.source,
          region: api.host,
          settings,
          announce: this.options.announce,
        });
        const route = this.messagesRoute("anthropic", resolved, api.sdk, {
          model: resolved.sendId,
          modelSource: wanted.source,
          region: api.host,
          identity: api.credentialName,
        });
        return { resolved, route: wired(this.apiClient, route), maxTokens: route.defaultMaxTokens };
      }
    }
  }

  private messagesRoute(
    wire: MessagesRoute["wire"],
    resolved: ResolvedModel,
    sdk: MessagesRoute["sdk"],
    context: MessagesRoute["context"],
  ): MessagesRoute {
    const caps = resolved.capabilities;
    return {
      wire,
      sdk,
      sendId: resolved.sendId,
      region: resolved.region,
      promptCaching: caps.promptCaching,
      defaultMaxTokens:
        this.options.settings.maxOutputTokens?.value ?? Math.min(caps.maxOutputDefault, 32_000),
      context,
    };
  }

  private connect(): Promise<BedrockConnection> {
    this.connection ??= this.options.connect();
    return this.connection;
  }
}
