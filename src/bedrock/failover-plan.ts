import type { Settings } from "../config/index.js";
import type { RouteBase } from "../model/client.js";
import type { FailoverStep } from "../model/failover.js";
import { lookupModel } from "./catalog.js";
import {
  defaultGeoForRegion,
  type Geo,
  geoCoversRegion,
  isCommercialRegion,
  isValidRegionName,
} from "./geography.js";
import { profileIdFor } from "./model-id.js";
import type { ResolvedModel } from "./resolver.js";

/** How long a failover holds before the primary is tried again, unless failover.cooldownSeconds says. */
export const DEFAULT_COOLDOWN_SECONDS = 300;

/** What the session's failover path is, built from settings before any request. */
export interface FailoverPlan<R extends RouteBase> {
  steps: FailoverStep<R>[];
  cooldownMs: number;
  /** Declared steps left out, with why (a region outside the geography, an ARN bound to its region). */
  warnings: string[];
}

/** How a step turns into a route: the provider's route builder, and the resolver for a fallback model. */
export interface PlanDeps<R extends RouteBase> {
  /** A route for this resolved model (its region's client, limits, guardrail…). */
  route(resolved: ResolvedModel): Promise<R>;
  /** Resolves the fallback model as the main model, in the primary region. */
  resolve(requested: string): Promise<ResolvedModel>;
}

type FailoverSettings = Pick<
  Settings,
  "failoverRegions" | "failoverAllowGlobal" | "fallbackModel" | "failoverCooldownSeconds"
>;

/**
 * The declared path for the main model (docs/failover.md): the same model from each listed region inside
 * the geography (a `eu.` profile from eu-central-1 instead of eu-west-1), then — only with
 * failover.allowGlobal — the `global.` profile, then each fallback model. Data residency is a hard boundary:
 * without allowGlobal no step leaves the geography, and a fallback that resolves to `global.` is dropped.
 * Undefined when nothing is configured.
 */
export function planFailover<R extends RouteBase>(
  main: ResolvedModel,
  settings: FailoverSettings,
  deps: PlanDeps<R>,
): FailoverPlan<R> | undefined {
  const regions = settings.failoverRegions?.value ?? [];
  const allowGlobal = settings.failoverAllowGlobal.value;
  const fallbacks = (settings.fallbackModel?.value ?? "")
    .split(",")
    .map((m) => m.trim())
    .filter(Boolean);
  if (regions.length === 0 && !allowGlobal && fallbacks.length === 0) return undefined;
  const geo: Geo = main.geo ?? defaultGeoForRegion(main.region);
  const steps: FailoverStep<R>[] = [];
  const warnings: string[] = [];

  const regional = main.kind === "foundation-model" || main.kind === "system-profile";
  for (const region of regions) {
    if (region === main.region) continue;
    if (!isValidRegionName(region)) {
      warnings.push(`failover.regions: "${region}" is not an AWS region name; it is left out.`);
      continue;
    }
    if (!regional) {
      warnings.push(
        `failover.regions: ${main.sendId} is an ARN of ${main.region} and can only be called there; region failover is off for it.`,
      );
      break;
    }
    const sendId = sendIdFrom(main, region, geo, allowGlobal);
    if (sendId === undefined) {
      warnings.push(
        `failover.regions: ${region} is outside the ${geo} geography of ${main.sendId}; it is left out (failover.allowGlobal lets failover leave the geography).`,
      );
      continue;
    }
    if (sendId === null) {
      warnings.push(
        `failover.regions: ${main.sendId} has no profile that can be called from ${region}; it is left out.`,
      );
      continue;
    }
    const inGeo = sendId === main.sendId;
    steps.push({
      kind: "region",
      label: `${sendId} in ${region}`,
      why: inGeo
        ? `same model, another region in ${geo}`
        : `another geography, allowed by failover.allowGlobal`,
      build: () => deps.route({ ...main, sendId, region }),
    });
  }

  if (
    allowGlobal &&
    main.foundationModelId &&
    main.geo !== "global" &&
    regional &&
    isCommercialRegion(main.region)
  ) {
    const caps = lookupModel(main.foundationModelId);
    if (!caps.known || caps.profileGeos.includes("global")) {
      const sendId = profileIdFor("global", main.foundationModelId);
      steps.push({
        kind: "global",
        label: `${sendId} in ${main.region}`,
        why: "global profile, allowed by failover.allowGlobal",
        build: () => deps.route({ ...main, sendId, kind: "system-profile", geo: "global" }),
      });
    }
  }

  for (const model of fallbacks) {
    steps.push({
      kind: "fallback-model",
      label: model,
      why: "fallback model",
      build: async () => {
        const resolved = await deps.resolve(model);
        // The fallback keeps the primary's geography unless global is allowed (the resolver may pick global.).
        if (resolved.geo === "global" && geo !== "global" && !allowGlobal) return undefined;
        return deps.route(resolved);
      },
    });
  }
  const seconds = settings.failoverCooldownSeconds?.value ?? DEFAULT_COOLDOWN_SECONDS;
  return { steps, cooldownMs: seconds * 1000, warnings };
}

/**
 * The ID to send from `region`: the same one when it stays in the geography (a profile the region may call,
 * or an in-region model in a region of the same geography); with allowGlobal, the region's own profile.
 * undefined = outside the geography and not allowed; null = no profile can be called from there.
 */
function sendIdFrom(
  main: ResolvedModel,
  region: string,
  geo: Geo,
  allowGlobal: boolean,
): string | undefined | null {
  const sameGeo =
    main.kind === "system-profile"
      ? geoCoversRegion(geo, region)
      : geo === "global"
        ? isCommercialRegion(region)
        : defaultGeoForRegion(region) === geo;
  if (sameGeo) return main.sendId;
  if (!allowGlobal) return undefined;
  if (main.kind !== "system-profile") return main.sendId;
  const there = defaultGeoForRegion(region);
  return main.foundationModelId && geoCoversRegion(there, region)
    ? profileIdFor(there, main.foundationModelId)
    : null;
}
