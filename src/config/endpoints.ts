import type { ScalarKey } from "./schema.js";
import type { Settings } from "./settings.js";
import type { SettingSource, Sourced } from "./sources.js";

/** The three AWS clients whose endpoint can be overridden. */
export type EndpointTarget = "runtime" | "control" | "sts";

// Per client, the settings that can point it elsewhere, most specific first (the AWS CLI's order, with
// Claude Code's ANTHROPIC_BEDROCK_BASE_URL above the service-specific AWS variables).
const CANDIDATES: Readonly<Record<EndpointTarget, readonly ScalarKey[]>> = {
  runtime: ["bedrockBaseUrl", "endpointUrlBedrockRuntime", "endpointUrl"],
  control: ["bedrockBaseUrl", "endpointUrlBedrock", "endpointUrl"],
  sts: ["endpointUrlSts", "endpointUrl"],
};
// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS switches off the AWS_ENDPOINT_URL* family only, as in the AWS CLI.
const AWS_FAMILY = new Set<ScalarKey>([
  "endpointUrl",
  "endpointUrlBedrockRuntime",
  "endpointUrlBedrock",
  "endpointUrlSts",
]);

/**
 * Where a source stands: flags 0, env 1, then each settings file in priority order (`files` is highest
 * first, Claude Code's file last), defaults last.
 */
export function sourceRank(source: SettingSource, files: readonly string[]): number {
  switch (source.kind) {
    case "flag":
      return 0;
    case "env":
      return 1;
    case "file":
    case "claude-settings": {
      const index = files.indexOf(source.path);
      return 2 + (index < 0 ? files.length : index);
    }
    case "default":
      return Number.POSITIVE_INFINITY;
  }
}

/**
 * The endpoint override of each client. Sources are compared before keys: a file's service-specific URL
 * never beats the user's AWS_ENDPOINT_URL (flags > env > files, always); within one source the most
 * specific key wins. The ignore switch only reaches endpoints from its own source or lower ones.
 */
export function resolveEndpoints(settings: Settings): { [T in EndpointTarget]?: Sourced<string> } {
  const rank = (sourced: Sourced<unknown>) => sourceRank(sourced.source, settings.files);
  const ignore = settings.ignoreConfiguredEndpointUrls;
  const ignoreRank = ignore.value ? rank(ignore) : Number.POSITIVE_INFINITY;
  const result: { [T in EndpointTarget]?: Sourced<string> } = {};
  for (const target of Object.keys(CANDIDATES) as EndpointTarget[]) {
    let best: { sourced: Sourced<string>; rank: number } | undefined;
    for (const key of CANDIDATES[target]) {
      const sourced = settings[key as keyof Settings] as Sourced<string> | undefined;
      if (sourced === undefined) continue;
      const r = rank(sourced);
      if (AWS_FAMILY.has(key) && r >= ignoreRank) continue;
      if (best === undefined || r < best.rank) best = { sourced, rank: r };
    }
    if (best !== undefined) result[target] = best.sourced;
  }
  return result;
}

/** resolveEndpoints as plain URLs, the shape the AWS client factories take. */
export function endpointUrls(settings: Settings): { [T in EndpointTarget]?: string } {
  const resolved = resolveEndpoints(settings);
  return { runtime: resolved.runtime?.value, control: resolved.control?.value, sts: resolved.sts?.value };
}
