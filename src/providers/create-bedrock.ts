import type { ModelCapabilities } from "../bedrock/catalog.js";
import type { BedrockConnection } from "../bedrock/connection.js";
import { QuarryError } from "../bedrock/errors.js";
import { planFailover } from "../bedrock/failover-plan.js";
import { guardrailFromSettings, invokeGuardrailFields } from "../bedrock/guardrail.js";
import { applyLongContext } from "../bedrock/long-context.js";
import { fitMaxTokensToQuota, readQuotas } from "../bedrock/quotas.js";
import type { ModelRole, ResolvedModel } from "../bedrock/resolver.js";
import { tierFields } from "../bedrock/service-tier.js";
import type { Settings } from "../config/index.js";
import { FailoverPath } from "../model/failover.js";
import type { RetryPolicy } from "../model/retry.js";
import { ModelRouter } from "../model/router.js";
import { applyAccountModels } from "./account-facts.js";
import { BedrockInvokeClient, type ModelRoute } from "./bedrock-invoke-client.js";
import { ConverseClient } from "./converse-client.js";
import { WireClient, type WireRoute, wireFields } from "./select-wire.js";
import { callLimitsFromEnv } from "./timeouts.js";

/** The provider a session uses, with what each role resolved to and anything the user should be told. */
export interface BedrockSession {
  provider: ModelRouter<WireRoute>;
  main: ResolvedModel;
  /** Undefined when the side model could not be resolved and side tasks use the main model. */
  side: ResolvedModel | undefined;
  /** Warnings to show once at start (e.g. the side model fell back to the main model). */
  warnings: string[];
  /** The main model's max_tokens per turn and the most it accepts (to retry a cut-off tool call with room). */
  outputLimits: { maxTokens: number; ceiling: number };
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
 * Resolves the main and side models and builds the Bedrock Invoke provider. The main model must resolve; a
 * side model that cannot be resolved only produces a warning, and side tasks use the main model.
 */
export async function createBedrockSession(
  connection: BedrockConnection,
  options: { retry?: RetryPolicy; onNotice?: (message: string) => void } = {},
): Promise<BedrockSession> {
  // Start-up is bounded by round trips: the runtime client loads and both roles resolve (one shared profile
  // list fetch) at the same time.
  void connection.runtime().catch(() => {});
  const sidePending = connection.resolve("small");
  sidePending.catch(() => {});
  void readQuotas(connection, connection.configured("main").region.region); // in parallel with resolution
  const long = applyLongContext(await connection.resolve("main"), connection.settings);
  const main = long.resolved;
  const warnings: string[] = long.note ? [long.note] : [];
  let side: ResolvedModel | undefined;
  try {
    side = await sidePending;
  } catch (err) {
    if (!(err instanceof QuarryError)) throw err;
    warnings.push(
      `Side-task model ${err.model ?? ""} cannot be used in ${err.region ?? connection.region.region}: ${err.explanation} Side tasks will use the main model ${main.sendId}. Fix: ${err.fix}`,
    );
  }
  const { limits, warnings: limitWarnings } = callLimitsFromEnv(connection.env);
  warnings.push(...limitWarnings);
  // Each route carries its wire (Invoke or Converse, src/providers/select-wire.ts).
  const claudeWire = connection.settings.claudeWire?.value;
  const mainRoute = {
    ...(await routeFor(connection, "main", main)),
    ...wireFields(main, claudeWire, "main"),
  };
  const sideRoute = side && {
    ...(await routeFor(connection, "small", side)),
    ...wireFields(side, claudeWire, "small"),
  };
  // The account's model facts: from the disk cache now, else fetched in the background for the next turn.
  warnings.push(...(await applyAccountModels(connection, [mainRoute, sideRoute], options.onNotice)));
  // Bedrock reserves max_tokens against the tokens-per-minute quota up front (docs/quotas.md).
  const fitted = await fitMaxTokensToQuota(connection, main, mainRoute.defaultMaxTokens);
  if (fitted.warning) warnings.push(fitted.warning);
  mainRoute.defaultMaxTokens = fitted.maxTokens;
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
    side: sideRoute,
    caching: !connection.settings.disablePromptCaching.value,
    retry: options.retry ?? limits.retry,
    onNotice: options.onNotice,
    failover: plan?.steps.length
      ? new FailoverPath(mainRoute, plan.steps, { cooldownMs: plan.cooldownMs })
      : undefined,
  });
  const ceiling = Math.max(main.capabilities.maxOutputUpper, mainRoute.defaultMaxTokens);
  return { provider, main, side, warnings, outputLimits: { maxTokens: mainRoute.defaultMaxTokens, ceiling } };
}
