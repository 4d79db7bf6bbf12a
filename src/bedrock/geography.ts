// Geographies of Bedrock's system-defined inference profiles and the regions each may be called from.
// Source: WIRE.md §9.2 (AWS CDK CrossRegionInferenceProfileRegion enum, AWS docs). Per-model coverage
// varies; the live ListInferenceProfiles answer always wins over these tables.

/** Every geography prefix a system-defined profile ID may start with (Claude Code's list, same order). */
export const GEOS = ["us", "eu", "apac", "jp", "au", "us-gov", "global"] as const;

/** A geography prefix such as `us` or `global` (without the trailing dot). */
export type Geo = (typeof GEOS)[number];

/** An AWS partition as it appears in ARNs. */
export type Partition = "aws" | "aws-us-gov" | "aws-cn";

/** Source regions documented for each regional geography; `global` covers every commercial region. */
export const GEO_SOURCE_REGIONS: Readonly<Record<Exclude<Geo, "global">, readonly string[]>> = {
  us: ["us-east-1", "us-east-2", "us-west-2"],
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

// us-west-1 shows up as a source region only for newer models (CDK grant scope, pricing pages). We accept
// it so a pre-flight check never blocks a call AWS would serve, but we don't advertise it in fix texts.
const EXTRA_SOURCE_REGIONS: Partial<Record<Geo, readonly string[]>> = { us: ["us-west-1"] };

// Region names look like `us-east-1`, `us-gov-west-1`, `cn-north-1`, `ap-southeast-5`, `il-central-1`.
const REGION_RE = /^[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;

/** True when `value` is one of the geography prefixes in {@link GEOS}. */
export function isGeo(value: string): value is Geo {
  return (GEOS as readonly string[]).includes(value);
}

/** True when `region` has the shape of an AWS region name (it may still not exist). */
export function isValidRegionName(region: string): boolean {
  return REGION_RE.test(region);
}

/** The ARN partition a region belongs to. */
export function partitionForRegion(region: string): Partition {
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  if (region.startsWith("cn-")) return "aws-cn";
  return "aws";
}

/** True for regions of the commercial `aws` partition (the ones `global.` profiles serve). */
export function isCommercialRegion(region: string): boolean {
  return partitionForRegion(region) === "aws" && !/-iso[a-z]?-/.test(region);
}

/** Claude Code's default prefix by region: us-gov-* → us-gov, us-* → us, eu-* → eu, ap-* → apac, else global. */
export function defaultGeoForRegion(region: string): Geo {
  if (region.startsWith("us-gov-")) return "us-gov";
  if (region.startsWith("us-")) return "us";
  if (region.startsWith("eu-")) return "eu";
  if (region.startsWith("ap-")) return "apac";
  return "global";
}

/** True when a `<geo>.` profile may be called from `region` according to the static tables. */
export function geoCoversRegion(geo: Geo, region: string): boolean {
  if (geo === "global") return isCommercialRegion(region);
  return GEO_SOURCE_REGIONS[geo].includes(region) || (EXTRA_SOURCE_REGIONS[geo] ?? []).includes(region);
}

/**
 * Regional geographies whose profiles may be called from `region`, the default one first, then the
 * narrower ones (jp, au) or any other that covers it. `global` is never included.
 */
export function regionalGeosForRegion(region: string): Geo[] {
  const first = defaultGeoForRegion(region);
  const out: Geo[] = first !== "global" && geoCoversRegion(first, region) ? [first] : [];
  for (const geo of GEOS) {
    if (geo !== "global" && !out.includes(geo) && geoCoversRegion(geo, region)) out.push(geo);
  }
  return out;
}

/** Human text naming where a geography's profiles can be called from, for fix messages. */
export function describeGeoRegions(geo: Geo): string {
  if (geo === "global") return "a commercial AWS region (e.g. us-east-1, eu-west-1)";
  const regions = GEO_SOURCE_REGIONS[geo];
  const shown = regions.length > 5 ? [...regions.slice(0, 5), "…"] : regions;
  const stem = geo === "apac" || geo === "jp" || geo === "au" ? "ap-" : `${geo}-`;
  // Said aloud: "a you-ess region", "an ee-you region", "an ay-pee region".
  const article = stem.startsWith("us-") ? "a" : "an";
  return `${article} ${stem} region (${shown.join(", ")})`;
}
