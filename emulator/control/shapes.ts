import type { ApplicationProfileView, SystemProfileView, WorldIndex } from "../world/index.js";
import type { FoundationModel } from "../world/schema.js";

/** Bedrock's control-plane JSON shapes (WIRE.md §10), built from the world. */

// Profiles and models carry stable timestamps so responses are reproducible across runs.
const UNDATED_TIME = "2026-01-01T00:00:00.000Z";

/** A release-like time for a model: the date in its ID (…-20250929-v1:0) or a fixed default. */
export function modelTime(modelId: string): string {
  const m = /-(20\d{2})(\d{2})(\d{2})(?:-|$)/.exec(modelId);
  return m ? `${m[1]}-${m[2]}-${m[3]}T00:00:00.000Z` : UNDATED_TIME;
}

/** "a", "a and b", "a, b and c": the way profile descriptions list regions. */
export function listRegions(regions: readonly string[]): string {
  if (regions.length <= 1) return regions.join("");
  return `${regions.slice(0, -1).join(", ")} and ${regions[regions.length - 1]}`;
}

/** A FoundationModelSummary (also the body of GetFoundationModel's modelDetails). */
export function foundationModelSummary(world: WorldIndex, model: FoundationModel, region: string) {
  return {
    modelArn: world.foundationModelArn(model.modelId, region),
    modelId: model.modelId,
    modelName: model.modelName,
    providerName: model.providerName,
    inputModalities: model.inputModalities,
    outputModalities: model.outputModalities,
    responseStreamingSupported: model.responseStreaming,
    customizationsSupported: [] as string[],
    inferenceTypesSupported: model.inferenceTypes,
    modelLifecycle: { status: model.lifecycle },
  };
}

/** An InferenceProfileSummary for a system-defined profile, as seen from `region`. */
export function systemProfileSummary(world: WorldIndex, p: SystemProfileView, region: string) {
  const label = `${p.model.providerName} ${p.model.modelName}`;
  const time = modelTime(p.model.modelId);
  return {
    inferenceProfileName: `${p.geo.toUpperCase()} ${label}`,
    description: `Routes requests to ${label} in ${listRegions(p.destinationRegions)}.`,
    createdAt: time,
    updatedAt: time,
    inferenceProfileArn: world.systemProfileArn(p.id, region),
    models: p.destinationRegions.map((r) => ({ modelArn: world.foundationModelArn(p.model.modelId, r) })),
    inferenceProfileId: p.id,
    status: "ACTIVE",
    type: "SYSTEM_DEFINED",
  };
}

/** An InferenceProfileSummary for an application profile: models[] are the backing FM ARNs. */
export function applicationProfileSummary(world: WorldIndex, a: ApplicationProfileView) {
  return {
    inferenceProfileName: a.profile.name,
    createdAt: UNDATED_TIME,
    updatedAt: UNDATED_TIME,
    inferenceProfileArn: a.arn,
    models: a.destinationRegions.map((r) => ({ modelArn: world.foundationModelArn(a.model.modelId, r) })),
    inferenceProfileId: a.profile.id,
    status: "ACTIVE",
    type: "APPLICATION",
  };
}
