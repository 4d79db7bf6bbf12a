import type { ModelCapabilities } from "../bedrock/catalog.js";
import type { BedrockConnection } from "../bedrock/connection.js";
import { QuarryError } from "../bedrock/errors.js";
import { planFailover } from "../bedrock/failover-plan.js";
import { guardrailFromSettings, invokeGuardrailFields } from "../bedrock/guardrail.js";
import { applyLongContext } from "../bedrock/long-context.js";
import { fitMaxTokensToCachedQuota, fitMaxTokensToQuota } from "../bedrock/quotas.js";
import type { ModelRole, ResolvedModel } from "../bedrock/resolver.js";
import { tierFields } from "../bedrock/service-tier.js";
import type { Settings } from "../config/index.js";
import { FailoverPath } from "../model/failover.js";
import type { RetryPolicy } from "../model/retry.js";
import { ModelRouter } from "../model/router.js";
import { accountFactsFor, applyAccountModels } from "./account-facts.js";
import { BedrockInvokeClient, type ModelRoute } from "./bedrock-invoke-client.js";
import { ConverseClient } from "./converse-client.js";
import { WireClient, type WireRoute, wireFields } from "./select-wire.js";
import { callLimitsFromEnv } from "./timeouts.js";

/** The provider a session uses, with what each role resolved to and anything the user should be told. */
export interface BedrockSession {
  provider: ModelRouter<WireRoute>;
  main: ResolvedModel;
  /**
   * The side model once resolved; undefined before that, and when it could not be resolved (side tasks then
   * use the main model). Start-up does not wait for it: see {@link resolveSide}.
   */
  side: ResolvedModel | undefined;
  /** Resolves the side model (once; later calls share the answer). Never rejects. */
  resolveSide(): Promise<ResolvedModel | undefined>;
  /**
   * Starts what the first request does not need: side-model resolution and the Service Quotas read (whose
   * answer sizes max_tokens from then on). Called once the model has answered; idempotent.
   */
  warmUp(): void;
  /** Warnings to show once at start (e.g. the side model fell back to the main model). */
  warnings: string[];
  /**
   * The main model's max_tokens per turn and the most it accepts (to retry a cut-off tool call with room).
   * Live: a quota read that arrives after start-up lowers maxTokens here and on the route.
   */
  outputLimits: { maxTokens: number; ceiling: number };
}

/** Options of {@link createBedrockSession}. */
export interface BedrockSessionOptions {
  retry?: RetryPolicy;
  onNotice?: (message: string) => void;
  /** Resolve the side model before returning (doctor, the TUI's status line); its failure is then a warning. */
  eagerSide?: boolean;
}

/** The max_tokens a turn asks for before any quota sizing: CLAUDE_CODE_MAX_OUTPUT_TOKENS, else the model's default. */
export function configuredMaxTokens(settings: Settings, caps: ModelCapabilities): number {
  return settings.maxOutputTokens?.value ?? Math.min(caps.maxOutputDefault, 32_000);
}

/** Turns a resolved model into a callable route (client for its region, limits, caching support). */
export async function routeFor(
  connection: BedrockConnection,
  role: ModelRole,
  resolved: ResolvedModel,
): Promise<ModelRoute> {
  const maxOut = configuredMaxTokens(connection.settings, resolved.capabilities);
  const caps = resolved.capabilities;
  const guardrail = guardrailFromSettings(connection.settings);
  const invokeFields = {
    ...(guardrail ? invokeGuardrailFields(guardrail) : {}),
    ...tierFields(connection.settings, resolved.foundationModelId).fields,
  };
  return {
    sendId: resolved.sendId,
    foundationModelId: resolved.foundationModelId ?? resolved.sendId,
    region: resolved.region,
    client: await connection.runtime(resolved.region),
    defaultMaxTokens: maxOut,
    promptCaching: caps.promptCaching,
    betas: applyLongContext(resolved, connection.settings).betas,
    context: connection.failureContext(role, resolved),
    guardrail,
    invokeFields,
  };
}

/**
 * Resolves the main model and builds the Bedrock provider. The main model must resolve; the side model is
 * resolved on first need (or `eagerSide`), and one that cannot be resolved only produces a warning: side tasks
 * then use the main model. Nothing here waits on a round trip the first request does not need.
 */
export async function createBedrockSession(
  connection: BedrockConnection,
  options: BedrockSessionOptions = {},
): Promise<BedrockSession> {
  // Start-up is bounded by round trips: the runtime client loads while the main model resolves.
  void connection.runtime().catch(() => {});
  const long = applyLongContext(await connection.resolve("main"), connection.settings);
  const main = long.resolved;
  const warnings: string[] = long.note ? [long.note] : [];
  const claudeWire = connection.settings.claudeWire?.value;
  let sideTask: Promise<{ resolved: ResolvedModel; route: WireRoute } | undefined> | undefined;
  let sideWarning: (message: string) => void = (m) => options.onNotice?.(m);
  const resolveSideRoute = () => {
    sideTask ??= (async () => {
      try {
        const resolved = await connection.resolve("small");
        const route = {
          ...(await routeFor(connection, "small", resolved)),
          ...wireFields(resolved, claudeWire, "small"),
        };
        for (const w of await applyAccountModels(connection, [route], options.onNotice)) sideWarning(w);
        session.side = resolved;
        return { resolved, route };
      } catch (err) {
        const why =
          err instanceof QuarryError
            ? `${err.explanation} Side tasks will use the main model ${main.sendId}. Fix: ${err.fix}`
            : `${(err as Error).message} Side tasks will use the main model ${main.sendId}.`;
        const model =
          err instanceof QuarryError ? (err.model ?? "") : connection.configured("small").requested;
        const region =
          err instanceof QuarryError ? (err.region ?? connection.region.region) : connection.region.region;
        sideWarning(`Side-task model ${model} cannot be used in ${region}: ${why}`);
        return undefined;
      }
    })();
    return sideTask;
  };
  const { limits, warnings: limitWarnings } = callLimitsFromEnv(connection.env);
  warnings.push(...limitWarnings);
  // Each route carries its wire (Invoke or Converse, src/providers/select-wire.ts).
  const mainRoute = {
    ...(await routeFor(connection, "main", main)),
    ...wireFields(main, claudeWire, "main"),
  };
  const ceiling = Math.max(main.capabilities.maxOutputUpper, mainRoute.defaultMaxTokens);
  const outputLimits = { maxTokens: mainRoute.defaultMaxTokens, ceiling };
  // Bedrock reserves max_tokens against the tokens-per-minute quota up front (docs/quotas.md). A quota list
  // cached on disk applies now; otherwise it is read after the first answer and applies from the next turn.
  const cachedFit = fitMaxTokensToCachedQuota(connection, main, mainRoute.defaultMaxTokens);
  let quotaRead: Promise<void> | undefined;
  let warmed = false;
  const applyFit = (fitted: { maxTokens: number; warning?: string }, report: (m: string) => void) => {
    if (fitted.warning) report(fitted.warning);
    mainRoute.defaultMaxTokens = fitted.maxTokens;
    outputLimits.maxTokens = fitted.maxTokens;
  };
  if (cachedFit) applyFit(cachedFit, (m) => warnings.push(m));
  // The account's model facts (ListFoundationModels) from the disk cache; a stale or missing cache is
  // refreshed after the first answer (warmUp) and applies from the next turn.
  const mainFacts = accountFactsFor(connection, [mainRoute], options.onNotice);
  warnings.push(...(await mainFacts.applyCached()));
  warnings.push(...tierFields(connection.settings, main.foundationModelId).warnings);
  const plan = planFailover(main, connection.settings, {
    route: async (resolved) => ({
      ...(await routeFor(connection, "main", resolved)),
      ...wireFields(resolved, claudeWire, "main"),
    }),
    resolve: async (model) =>
      applyLongContext(await connection.resolve("main", model), connection.settings).resolved,
  });
  warnings.push(...(plan?.warnings ?? []));
  const invoke = new BedrockInvokeClient(connection.credentials, limits);
  invoke.onIntervention = options.onNotice;
  const provider = new ModelRouter({
    client: new WireClient({ invoke, converse: new ConverseClient(connection.credentials, limits) }),
    main: mainRoute,
    side: () => resolveSideRoute().then((r) => r?.route),
    caching: !connection.settings.disablePromptCaching.value,
    retry: options.retry ?? limits.retry,
    onNotice: options.onNotice,
    failover: plan?.steps.length
      ? new FailoverPath(mainRoute, plan.steps, { cooldownMs: plan.cooldownMs })
      : undefined,
  });
  const session: BedrockSession = {
    provider,
    main,
    side: undefined,
    resolveSide: () => resolveSideRoute().then((r) => r?.resolved),
    warmUp: () => {
      if (warmed) return;
      warmed = true;
      void resolveSideRoute();
      mainFacts.refresh();
      quotaRead ??= cachedFit
        ? Promise.resolve()
        : fitMaxTokensToQuota(connection, main, mainRoute.defaultMaxTokens).then(
            (fitted) => applyFit(fitted, (m) => options.onNotice?.(m)),
            () => {},
          );
    },
    warnings,
    outputLimits,
  };
  if (options.eagerSide) {
    sideWarning = (m) => warnings.push(m);
    await resolveSideRoute();
    sideWarning = (m) => options.onNotice?.(m);
  }
  return session;
}
