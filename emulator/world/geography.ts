import { GEOGRAPHIES, type Geography } from "./schema.js";

/**
 * Geographies of system-defined (cross-region) inference profiles and the regions they can be called from
 * (WIRE.md §9.2). `global.` has no list: any commercial region qualifies.
 */
export const GEO_SOURCE_REGIONS: Readonly<Record<Exclude<Geography, "global">, readonly string[]>> = {
  us: ["us-east-1", "us-east-2", "us-west-2", "us-west-1"],
  eu: [
    "eu-central-1",
    "eu-west-1",
    "eu-west-3",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-2",
    "eu-central-2",
  ],
  apac: [
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-7",
    "ap-east-2",
    "me-central-1",
  ],
  jp: ["ap-northeast-1", "ap-northeast-3"],
  au: ["ap-southeast-2", "ap-southeast-4"],
  "us-gov": ["us-gov-west-1", "us-gov-east-1"],
};

/** True for regions of the standard `aws` partition (not GovCloud, not China). */
export function isCommercialRegion(region: string): boolean {
  return !region.startsWith("us-gov-") && !region.startsWith("cn-") && !region.startsWith("us-iso");
}

/** Whether `region` belongs to the geography (for `global`: any commercial region). */
export function isRegionInGeo(region: string, geo: Geography): boolean {
  return geo === "global" ? isCommercialRegion(region) : GEO_SOURCE_REGIONS[geo].includes(region);
}

/** Every geography a region belongs to; a region can be in several (ap-northeast-1 is apac and jp). */
export function geosOfRegion(region: string): Geography[] {
  return GEOGRAPHIES.filter((g) => isRegionInGeo(region, g));
}

/** The prefix Claude Code picks by default for a region (WIRE.md §9.2), so tests can mirror it. */
export function defaultGeoForRegion(region: string): Geography {
  if (region.startsWith("us-gov-")) return "us-gov";
  if (region.startsWith("us-")) return "us";
  if (region.startsWith("eu-")) return "eu";
  if (region.startsWith("ap-")) return "apac";
  return "global";
}

/** Splits `<geo>.<fmId>`; undefined when the first label is not a geography prefix. */
export function splitGeoPrefix(id: string): { geo: Geography; modelId: string } | undefined {
  const dot = id.indexOf(".");
  if (dot <= 0) return undefined;
  const head = id.slice(0, dot);
  const geo = GEOGRAPHIES.find((g) => g === head);
  return geo ? { geo, modelId: id.slice(dot + 1) } : undefined;
}

/** Source regions a profile gets when the world does not list them: the world's regions in the geo. */
export function defaultSourceRegions(geo: Geography, worldRegions: readonly string[]): string[] {
  return worldRegions.filter((r) => isRegionInGeo(r, geo));
}

/** Destinations a profile gets when the world does not list them: the model's regions in the geo. */
export function defaultDestinationRegions(geo: Geography, modelRegions: readonly string[]): string[] {
  return modelRegions.filter((r) => isRegionInGeo(r, geo));
}

/** The display label of a geography in profile names: "US", "EU", "APAC", "GLOBAL"… */
export function geoLabel(geo: Geography): string {
  return geo.toUpperCase();
}
