import type { BedrockConnection } from "../bedrock/connection.js";
import { QuarryError } from "../bedrock/errors.js";
import { planFailover } from "../bedrock/failover-plan.js";
import { guardrailFromSettings, invokeGuardrailFields } from "../bedrock/guardrail.js";
import { applyLongContext } from "../bedrock/long-context.js";
import type { ModelRole, ResolvedModel } from "../bedrock/resolver.js";
import { tierFields } from "../bedrock/service-tier.js";
import { FailoverPath } from "../model/failover.js";
import type { RetryPolicy } from "../model/retry.js";
import { ModelRouter } from "../model/router.js";
import { BedrockInvokeClient, type ModelRoute } from "./bedrock-invoke-client.js";
import { callLimitsFromEnv } from "./timeouts.js";

/** The provider a session uses, with what each role resolved to and anything the user should be told. */
export interface BedrockSession {
  provider: ModelRouter<ModelRoute>;
  main: ResolvedModel;
  /** Undefined when the side model could not be resolved and side tasks use the main model. */
  side: ResolvedModel | undefined;
  /** Warnings to show once at start (e.g. the side model fell back to the main model). */
  warnings: string[];
  /** The main model's max_tokens per turn and the most it accepts (to retry a cut-off tool call with room). */
  outputLimits: { maxTokens: number; ceiling: number };
}

/** Turns a resolved model into a callable route (client for its region, limits, caching support). */
export async function routeFor(
  connection: BedrockConnection,
  role: ModelRole,
  resolved: ResolvedModel,
): Promise<ModelRoute> {
  const caps = resolved.capabilities;
  const maxOut = connection.settings.maxOutputTokens?.value ?? Math.min(caps.maxOutputDefault, 32_000);
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
  const long = applyLongContext(await connection.resolve("main"), connection.settings);
  const main = long.resolved;
  const warnings: string[] = long.note ? [long.note] : [];
  let side: ResolvedModel | undefined;
  try {
    side = await connection.resolve("small");
  } catch (err) {
    if (!(err instanceof QuarryError)) throw err;
    warnings.push(
      `Side-task model ${err.model ?? ""} cannot be used in ${err.region ?? connection.region.region}: ${err.explanation} Side tasks will use the main model ${main.sendId}. Fix: ${err.fix}`,
    );
  }
  const { limits, warnings: limitWarnings } = callLimitsFromEnv(connection.env);
  warnings.push(...limitWarnings);
  const mainRoute = await routeFor(connection, "main", main);
  warnings.push(...tierFields(connection.settings, main.foundationModelId).warnings);
  const plan = planFailover(main, connection.settings, {
    route: (resolved) => routeFor(connection, "main", resolved),
    resolve: async (model) =>
      applyLongContext(await connection.resolve("main", model), connection.settings).resolved,
  });
  warnings.push(...(plan?.warnings ?? []));
  const client = new BedrockInvokeClient(connection.credentials, limits);
  client.onIntervention = options.onNotice;
  const provider = new ModelRouter({
    client,
    main: mainRoute,
    side: side ? await routeFor(connection, "small", side) : undefined,
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
