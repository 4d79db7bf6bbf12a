import { fetchAccountModel } from "../../bedrock/account-models.js";
import { replacementFor } from "../../bedrock/catalog.js";
import { classifyBedrockError, type QuarryError, streamNotEventStreamError } from "../../bedrock/errors.js";
import { geoCoversRegion } from "../../bedrock/geography.js";
import { CREDENTIAL_KINDS, type DoctorContext } from "../context.js";
import {
  describeModel,
  groupResolutions,
  type ModelDescription,
  type Resolution,
  type ResolvedTarget,
  regionOfArn,
  resolveTarget,
} from "../facts.js";
import { NotEventStreamError, probeCaching, probeStream, type StreamProbe } from "../probe.js";
import { configuredTargets, type ModelTarget, setModelFix } from "../targets.js";
import { type CheckOutcome, type CheckResult, fail, pass, skip, timed, warn } from "../types.js";
import { quotaOutcome } from "./quotas.js";
import { retentionOutcome } from "./retention.js";

/** A first token slower than this is worth a warning (interactive use will feel stuck). */
const SLOW_FIRST_TOKEN_MS = 5000;

const KIND_LABEL: Record<string, string> = {
  "foundation-model": "foundation model",
  "system-profile": "system inference profile",
  "application-profile": "application inference profile",
};

/**
 * Every configured model (main, small/fast, pinned aliases) in its own region: resolution, existence in the
 * control plane, model access, a real 1-token streaming call (IAM permission, stream integrity, time to first
 * token) and prompt caching. All models and all their probes run concurrently.
 */
export async function modelChecks(ctx: DoctorContext): Promise<CheckResult[]> {
  if (ctx.regionError) {
    return [
      await timed("model", "models", () =>
        skip("no region is configured, so model IDs can't be resolved or probed (see the region check)"),
      ),
    ];
  }
  const targets = configuredTargets(ctx.settings, ctx.connection);
  const resolved = await Promise.all(
    targets.map(async (target) => {
      let resolution: Resolution | undefined;
      const check = await timed(`model.${target.key}.resolve`, `${target.label} resolves`, async () => {
        resolution = await resolveTarget(ctx.connection, target);
        return resolutionOutcome(resolution);
      });
      return { check, resolution: resolution as Resolution | undefined };
    }),
  );
  const groups = groupResolutions(resolved.flatMap((r) => (r.resolution ? [r.resolution] : [])));
  const groupChecks = await Promise.all(groups.map((g) => checksForGroup(ctx, g)));

  // Report order: each group's resolve lines followed by its checks; failed resolutions where they stand.
  const out: CheckResult[] = [];
  const shown = new Set<ModelTarget>();
  for (const [i, r] of resolved.entries()) {
    const target = targets[i] as ModelTarget;
    if (shown.has(target)) continue;
    const g = groups.findIndex((group) => group.targets.includes(target));
    if (g < 0) {
      out.push(r.check);
      continue;
    }
    const group = groups[g] as ResolvedTarget;
    for (const t of group.targets) {
      shown.add(t);
      const own = resolved[targets.indexOf(t)];
      if (own) out.push(own.check);
    }
    out.push(...(groupChecks[g] ?? []));
  }
  return out;
}

function resolutionOutcome(r: Resolution): CheckOutcome {
  const { target } = r;
  if (!r.ok) {
    const facts = `${target.requested} (${target.source}) in ${target.region.region} (${target.region.source})`;
    return fail(`${facts}\n${r.error.explanation}`, r.error.fix);
  }
  const m = r.resolved;
  const what = KIND_LABEL[m.kind] ?? m.kind.replace(/-/g, " ");
  const backing = m.foundationModelId && m.foundationModelId !== m.sendId ? ` of ${m.foundationModelId}` : "";
  const lines = [
    `${target.requested} (${target.source}) → ${m.sendId} (${what}${backing}) in ${m.region} (${target.region.source})`,
    ...m.notes,
  ];
  if (m.rewrittenFrom) {
    lines.push(
      `${m.rewrittenFrom} cannot be invoked on demand in ${m.region}; Quarry sends ${m.sendId} instead. Set it explicitly so every tool (Claude Code too) uses the profile`,
    );
    // `doctor --fix` writes the env line when the value lives where an env block can override it.
    const kind = target.settingSource?.kind;
    const settable = kind === undefined || kind === "default" || kind === "env" || kind === "claude-settings";
    const name = target.settingSource?.kind === "env" ? target.settingSource.name : target.envName;
    return {
      ...warn(lines.join("\n"), setModelFix(target, m.sendId)),
      ...(settable ? { data: { set: { [name]: m.sendId } } } : {}),
    };
  }
  return pass(lines.join("\n"));
}

/** The checks after resolution for one model, run concurrently. */
async function checksForGroup(ctx: DoctorContext, group: ResolvedTarget): Promise<CheckResult[]> {
  const label = group.targets.map((t) => t.label).join(" + ");
  const key = `model.${group.targets[0]?.key ?? "main"}`;
  const { resolved, context } = group;
  const region = resolved.region;
  const client = await ctx.connection.runtime(region);

  const probe = probeStream(client, resolved.sendId);
  const caching = ctx.settings.disablePromptCaching.value
    ? undefined
    : resolved.capabilities.promptCaching
      ? probeCaching(client, resolved.sendId)
      : undefined;

  return Promise.all([
    timed(`${key}.exists`, `${label} exists in ${region}`, async () =>
      existsOutcome(group, await describeModel(ctx.connection, resolved, context)),
    ),
    timed(`${key}.access`, `${label} access`, () => accessOutcome(ctx, group)),
    timed(`${key}.account`, `${label} capabilities (the account's listing)`, () =>
      accountOutcome(ctx, group),
    ),
    timed(`${key}.invoke`, `${label} invoke permission`, async () => invokeOutcome(group, await probe)),
    timed(`${key}.retention`, `${label} data retention`, async () => retentionOutcome(group, await probe)),
    timed(`${key}.stream`, `${label} event stream`, async () => streamOutcome(group, await probe)),
    timed(`${key}.caching`, `${label} prompt caching`, async () => {
      if (ctx.settings.disablePromptCaching.value)
        return skip(`prompt caching is off (DISABLE_PROMPT_CACHING, ${sourceOf(ctx)})`);
      if (!caching)
        return skip(
          `${resolved.foundationModelId ?? resolved.sendId} has no prompt caching per Quarry's catalog; no cache_control is sent`,
        );
      return cachingOutcome(group, await caching, await probe);
    }),
    timed(`${key}.ttft`, `${label} time to first token`, async () => ttftOutcome(await probe)),
    timed(`${key}.quota`, `${label} tokens-per-minute quota`, () => quotaOutcome(ctx, group)),
  ]);
}

function sourceOf(ctx: DoctorContext): string {
  const s = ctx.settings.disablePromptCaching.source;
  return s.kind === "env" ? `env ${s.name}` : s.kind;
}

function existsOutcome(group: ResolvedTarget, d: ModelDescription): CheckOutcome {
  const { resolved } = group;
  const target = group.targets[0] as ModelTarget;
  const region = resolved.region;
  if (d.found === "unknown") return skip(d.reason);
  if (d.found === false) {
    if (CREDENTIAL_KINDS.has(d.error.kind))
      return skip("credentials were rejected (see the credentials check)");
    if (d.notFound) {
      return fail(
        `${resolved.sendId} does not exist in ${region} (${d.error.rawMessage})`,
        `Run \`quarry models\` to list the IDs usable in ${region}, then ${setModelFix(target, "<one of them>")}`,
      );
    }
    return warn(`could not look up ${resolved.sendId} in ${region}: ${d.error.explanation}`, d.error.fix);
  }
  const routes = [...new Set(d.modelArns.map(regionOfArn).filter((r): r is string => r !== undefined))];
  const lines = [`${resolved.sendId} found in ${region} (${d.via})`];
  if (routes.length > 0 && resolved.kind !== "foundation-model") lines.push(`routes to ${routes.join(", ")}`);
  if (resolved.kind === "system-profile" && resolved.geo && !geoCoversRegion(resolved.geo, region)) {
    lines.push(
      `note: ${resolved.geo}. profiles are not documented for ${region}, but this one is listed there`,
    );
  }
  if (resolved.kind === "foundation-model" && d.onDemand === false) {
    return fail(
      `${lines.join("\n")}\n${resolved.sendId} supports no on-demand throughput in ${region}: it must be called through an inference profile`,
      `Run \`quarry models\` for the profile ID in ${region}, then ${setModelFix(target, "<that profile ID>")}`,
    );
  }
  return pass(lines.join("\n"));
}

/**
 * What GetFoundationModel says about the model (src/bedrock/account-models.ts): streaming, image input,
 * lifecycle. A Legacy model warns with the catalog's replacement; a model that does not stream warns that
 * Quarry calls it without streaming (docs/providers.md, "Capabilities").
 */
async function accountOutcome(ctx: DoctorContext, group: ResolvedTarget): Promise<CheckOutcome> {
  const { resolved, context } = group;
  const fm = resolved.foundationModelId;
  if (!fm || fm.startsWith("arn:")) return skip("the backing foundation model is unknown");
  let model: Awaited<ReturnType<typeof fetchAccountModel>>;
  try {
    model = await fetchAccountModel(await ctx.connection.control(resolved.region), fm);
  } catch (err) {
    const e = classifyBedrockError(err, context);
    if (CREDENTIAL_KINDS.has(e.kind)) return skip("credentials were rejected (see the credentials check)");
    return warn(`could not read ${fm}'s listing in ${resolved.region}: ${e.explanation}`, e.fix);
  }
  if (!model) return skip(`${fm} is not listed in ${resolved.region} (see the exists check)`);
  const facts = `${model.responseStreamingSupported ? "streams" : "does not stream"}, input ${model.inputModalities.join("+")}, lifecycle ${model.lifecycle}`;
  if (model.lifecycle === "LEGACY") {
    const next = replacementFor(fm);
    return warn(
      `${fm}: ${facts}. Bedrock stops serving Legacy models to accounts that have not used them recently.`,
      next
        ? `Switch to ${next.displayName}: ${setModelFix(group.targets[0] as ModelTarget, next.id)}`
        : "Switch to an active model (`quarry models`).",
    );
  }
  if (!model.responseStreamingSupported)
    return warn(
      `${fm}: ${facts}. Quarry calls it without streaming (answers arrive at once).`,
      "None needed.",
    );
  return pass(`${fm}: ${facts}`);
}

async function accessOutcome(ctx: DoctorContext, group: ResolvedTarget): Promise<CheckOutcome> {
  const { resolved, context } = group;
  const fm = resolved.foundationModelId;
  if (!fm) return skip("the backing foundation model is unknown; the invoke probe checks access");
  const region = resolved.region;
  let out: {
    authorizationStatus?: string;
    agreementAvailability?: { status?: string; errorMessage?: string };
    entitlementAvailability?: string;
    regionAvailability?: string;
  };
  try {
    const { GetFoundationModelAvailabilityCommand } = await import("@aws-sdk/client-bedrock");
    const client = await ctx.connection.control(region);
    out = await client.send(new GetFoundationModelAvailabilityCommand({ modelId: fm }));
  } catch (err) {
    const e = classifyBedrockError(err, context);
    if (CREDENTIAL_KINDS.has(e.kind)) return skip("credentials were rejected (see the credentials check)");
    return warn(`could not check model access for ${fm} in ${region}: ${e.explanation}`, e.fix);
  }
  const facts = `authorization ${out.authorizationStatus}, agreement ${out.agreementAvailability?.status}, entitlement ${out.entitlementAvailability}, region ${out.regionAvailability}`;
  const console = `https://console.aws.amazon.com/bedrock/home?region=${region}#/modelaccess`;
  if (out.entitlementAvailability === "NOT_AVAILABLE") {
    return fail(
      `${fm}: the AWS Marketplace subscription is missing in ${region} (${facts})`,
      `Allow aws-marketplace:ViewSubscriptions and aws-marketplace:Subscribe for this identity, or have an administrator open the model once in the Bedrock console: ${console}`,
    );
  }
  if (
    out.agreementAvailability?.status === "NOT_AVAILABLE" ||
    out.agreementAvailability?.status === "ERROR"
  ) {
    return fail(
      `${fm}: the Anthropic use-case form has not been submitted for this account (${facts})`,
      `Submit the use case details in the Bedrock console (Model catalog → an Anthropic model → Submit use case details), then wait about 15 minutes: ${console}`,
    );
  }
  if (out.authorizationStatus === "NOT_AUTHORIZED") {
    return fail(
      `${fm} is not enabled for this account in ${region} (${facts})`,
      `Enable it in the Bedrock console: ${console}`,
    );
  }
  if (out.agreementAvailability?.status === "PENDING") {
    return warn(
      `${fm}: the model agreement is still being created (${facts})`,
      "Wait a few minutes and run `quarry doctor` again.",
    );
  }
  if (out.regionAvailability === "NOT_AVAILABLE" && resolved.kind === "foundation-model") {
    return fail(
      `${fm} is not offered in ${region} (${facts})`,
      `Run \`quarry models\` to see what ${region} offers, or pick another region.`,
    );
  }
  return pass(`${fm} in ${region}: ${facts}`);
}

function invokeOutcome(group: ResolvedTarget, probe: StreamProbe): CheckOutcome {
  const { resolved, context } = group;
  const call = `InvokeModelWithResponseStream ${resolved.sendId} in ${resolved.region}`;
  if (probe.requestError !== undefined) {
    const e = classifyBedrockError(probe.requestError, context);
    if (CREDENTIAL_KINDS.has(e.kind)) return skip("credentials were rejected (see the credentials check)");
    if (e.kind === "throttled") {
      return warn(
        `${call}: throttled (HTTP 429) twice; throttling means the model is reachable, but the quota is tight`,
        e.fix,
      );
    }
    return fail(`${call}: ${e.explanation}${rawSuffix(e)}`, e.fix);
  }
  if (probe.throttled > 0) {
    return warn(
      `${call}: HTTP 429 (throttled) on the first try, then HTTP ${probe.status ?? 200}; the model is reachable, but the quota is tight`,
      "If this persists, request a higher tokens-per-minute quota in Service Quotas (Amazon Bedrock) for this model and region.",
    );
  }
  return pass(`${call}: HTTP ${probe.status ?? 200}, allowed`);
}

function rawSuffix(e: QuarryError): string {
  return e.rawMessage && !e.explanation.includes(e.rawMessage) ? `\nBedrock said: ${e.rawMessage}` : "";
}

function streamOutcome(group: ResolvedTarget, probe: StreamProbe): CheckOutcome {
  const { context } = group;
  if (probe.requestError !== undefined) return skip("no stream to check (the invoke probe failed)");
  if (probe.streamError instanceof NotEventStreamError) {
    const e = streamNotEventStreamError(probe.streamError.contentType, context);
    return fail(`content-type ${probe.contentType ?? "(none)"}: ${e.explanation}`, e.fix);
  }
  if (probe.streamError !== undefined) {
    const e = classifyBedrockError(probe.streamError, context);
    return fail(
      `the stream broke after ${probe.events.length} event(s): ${e.explanation}${rawSuffix(e)}`,
      e.fix,
    );
  }
  if (!probe.events.includes("message_stop")) {
    const e = classifyBedrockError(new Error("Truncated event message received."), context);
    return fail(`the stream ended after ${probe.events.length} event(s) without message_stop`, e.fix);
  }
  return pass(`${probe.contentType}, ${probe.events.length} events decoded, ends with message_stop`);
}

function cachingOutcome(
  group: ResolvedTarget,
  caching: Awaited<ReturnType<typeof probeCaching>>,
  probe: StreamProbe,
): CheckOutcome {
  const { resolved, context } = group;
  if (caching.accepted) {
    return caching.throttled > 0
      ? warn("cache_control accepted (after one HTTP 429 retry)")
      : pass(`cache_control accepted by ${resolved.sendId} in ${resolved.region}`);
  }
  const e = classifyBedrockError(caching.error, context);
  if (e.kind === "caching-unsupported") {
    return {
      ...warn(
        `Bedrock refused cache_control for ${resolved.sendId} in ${resolved.region}: "${e.rawMessage}". Quarry turns caching off for the session after the first refusal; Claude Code does not`,
        "export DISABLE_PROMPT_CACHING=1",
      ),
      data: { set: { DISABLE_PROMPT_CACHING: "1" } },
    };
  }
  if (CREDENTIAL_KINDS.has(e.kind)) return skip("credentials were rejected (see the credentials check)");
  if (e.kind === "throttled") return warn(`throttled (HTTP 429) twice; caching could not be tested`, e.fix);
  // Side tasks use InvokeModel: a denial of that action alone (streaming allowed) is its own failure.
  if (e.kind === "iam-denied") return fail(`InvokeModel with cache_control: ${e.explanation}`, e.fix);
  if (probe.requestError !== undefined) return skip("not tested (the invoke probe failed)");
  return fail(`InvokeModel with cache_control failed: ${e.explanation}${rawSuffix(e)}`, e.fix);
}

function ttftOutcome(probe: StreamProbe): CheckOutcome {
  if (probe.requestError !== undefined || probe.firstTokenMs === undefined) return skip("no stream to time");
  const ms = probe.firstTokenMs;
  if (ms > SLOW_FIRST_TOKEN_MS) {
    return warn(
      `${ms} ms to the first token`,
      "Check network latency to the region (a nearer region, or a cross-region profile, may help).",
    );
  }
  return pass(`${ms} ms`);
}
