import { isTruthyEnv, PROVIDER_ENV } from "./env-names.js";
import type { Layer } from "./layer.js";
import type { Provider } from "./schema.js";
import { describeSource, type SettingSource, type Sourced } from "./sources.js";

/** One source's say on the provider: a choice, or "Bedrock is off" (CLAUDE_CODE_USE_BEDROCK=0). */
export type ProviderVote = { readonly choice: Sourced<Provider> } | { readonly off: SettingSource };

/**
 * The vote of an env-like source: CLAUDE_CODE_USE_MANTLE truthy → mantle (it wins over
 * CLAUDE_CODE_USE_BEDROCK, docs/decisions/0022-mantle-and-anthropic-api.md), CLAUDE_CODE_USE_BEDROCK truthy →
 * bedrock, set to a falsy word → off.
 */
export function envProviderVote(
  env: NodeJS.ProcessEnv,
  source: (name: string) => SettingSource,
): ProviderVote | undefined {
  if (isTruthyEnv(env[PROVIDER_ENV.useMantle]?.trim() || undefined)) {
    return { choice: { value: "mantle", source: source(PROVIDER_ENV.useMantle) } };
  }
  const raw = env[PROVIDER_ENV.useBedrock]?.trim();
  // An empty value is how shells spell "unset" (`CLAUDE_CODE_USE_BEDROCK= quarry`), so it does not vote.
  if (raw === undefined || raw === "") return undefined;
  const at = source(PROVIDER_ENV.useBedrock);
  return isTruthyEnv(raw) ? { choice: { value: "bedrock", source: at } } : { off: at };
}

/** The vote of a flags or file layer (`--provider`, `"provider"`). */
export function layerProviderVote(layer: Layer | undefined): ProviderVote | undefined {
  const choice = layer?.scalars.get("provider") as Sourced<Provider> | undefined;
  return choice === undefined ? undefined : { choice };
}

/**
 * Decides the provider from votes in priority order. An explicit choice or "off" ends the search; with
 * no vote at all, an Anthropic API key means the Anthropic API. "Off" falls back to that key too, so
 * `CLAUDE_CODE_USE_BEDROCK=0` with ANTHROPIC_API_KEY set behaves as in Claude Code.
 */
export function resolveProvider(
  votes: readonly (ProviderVote | undefined)[],
  anthropicApiKey: Sourced<unknown> | undefined,
  warnings: string[],
): Sourced<Provider> | undefined {
  const cast = votes.filter((vote): vote is ProviderVote => vote !== undefined);
  const first = cast[0];
  const fromKey: Sourced<Provider> | undefined =
    anthropicApiKey === undefined ? undefined : { value: "anthropic", source: anthropicApiKey.source };
  if (first === undefined) return fromKey;
  if ("choice" in first) return first.choice;
  const masked = cast.find((vote) => "choice" in vote && vote.choice.value === "bedrock");
  if (masked !== undefined && "choice" in masked) {
    warnings.push(
      `${describeSource(first.off)} turns Bedrock off, so "bedrock" from ${describeSource(masked.choice.source)} is ignored`,
    );
  }
  return fromKey;
}
