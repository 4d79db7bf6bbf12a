import type { BedrockConnection } from "../bedrock/connection.js";
import type { ModelRole } from "../bedrock/resolver.js";
import { describeSource, MODEL_TIERS, type SettingSource, type Settings } from "../config/index.js";

/** One model Quarry would call, as configured (before resolution). */
export interface ModelTarget {
  /** Id fragment for check ids: main, small, opus-pin, … */
  readonly key: string;
  /** Human label: "main model", "small/fast model", "opus pin". */
  readonly label: string;
  readonly role: ModelRole;
  /** The text to resolve (an alias, ID, profile or ARN). */
  readonly requested: string;
  /** Where it was configured, for humans ("env ANTHROPIC_MODEL", "default"). */
  readonly source: string;
  /** The setting's source, for writing the fix in the right place. */
  readonly settingSource: SettingSource | undefined;
  /** The env var that sets it (used in fixes when the value came from nowhere in particular). */
  readonly envName: string;
  /** The region it is called in and where that came from. */
  readonly region: { region: string; source: string };
}

/** Every model Quarry would call: main, small/fast, and each pinned alias, in the order the report shows them. */
export function configuredTargets(settings: Settings, connection: BedrockConnection): ModelTarget[] {
  const main = connection.configured("main");
  const small = connection.configured("small");
  const targets: ModelTarget[] = [
    {
      key: "main",
      label: "main model",
      role: "main",
      requested: main.requested,
      source: main.source,
      settingSource: settings.model?.source,
      envName: "ANTHROPIC_MODEL",
      region: main.region,
    },
    {
      key: "small",
      label: "small/fast model",
      role: "small",
      requested: small.requested,
      source: small.source,
      settingSource: settings.smallFastModel?.source,
      // ANTHROPIC_SMALL_FAST_MODEL is Claude Code's deprecated name; suggest the current one.
      envName: "ANTHROPIC_DEFAULT_HAIKU_MODEL",
      region: small.region,
    },
  ];
  for (const tier of MODEL_TIERS) {
    const pin = settings.modelPins[tier];
    if (pin === undefined) continue;
    targets.push({
      key: `${tier}-pin`,
      label: `${tier} pin`,
      // Pinned aliases serve subagents and /model switches, which run in the main region.
      role: "subagent",
      requested: tier,
      source: describeSource(pin.source),
      settingSource: pin.source,
      envName: `ANTHROPIC_DEFAULT_${tier.toUpperCase()}_MODEL`,
      region: main.region,
    });
  }
  return targets;
}

/** The line that sets a model setting where it is configured: an `export`, or the file key to edit. */
export function setModelFix(target: ModelTarget, value: string): string {
  const source = target.settingSource;
  if (source?.kind === "file" || source?.kind === "claude-settings")
    return `set "${source.key}" to "${value}" in ${source.path}`;
  if (source?.kind === "flag") return `pass ${source.name} ${value}`;
  const name = source?.kind === "env" ? source.name : target.envName;
  return `export ${name}=${value}`;
}
