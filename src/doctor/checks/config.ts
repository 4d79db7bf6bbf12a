import { describeSettings, describeSource, type SettingSource, type Settings } from "../../config/index.js";
import type { CheckOutcome } from "../types.js";

// Names Claude Code has renamed; values under them still work but should move.
const DEPRECATED: Record<string, string> = { ANTHROPIC_SMALL_FAST_MODEL: "ANTHROPIC_DEFAULT_HAIKU_MODEL" };

/**
 * Configuration: the provider, every value that is set and where it came from, settings warnings
 * (conflicts such as ANTHROPIC_SMALL_FAST_MODEL vs ANTHROPIC_DEFAULT_HAIKU_MODEL), deprecated names, and a
 * note when values come from Claude Code's ~/.claude/settings.json `env` block.
 */
export function checkConfiguration(settings: Settings): CheckOutcome {
  const lines: string[] = [];
  const problems: string[] = [];
  const fixes: string[] = [];
  let failed = false;

  const provider = settings.provider;
  if (provider !== undefined) {
    lines.push(`provider ${provider.value} (${describeSource(provider.source)})`);
  } else {
    failed = true;
    lines.push(
      "no provider is selected (CLAUDE_CODE_USE_BEDROCK, CLAUDE_CODE_USE_MANTLE and ANTHROPIC_API_KEY are not set)",
    );
    fixes.push("export CLAUDE_CODE_USE_BEDROCK=1");
  }
  // Booleans left at their default are noise here; every value that was actually set is listed.
  for (const line of describeSettings(settings)) {
    if (line.startsWith("provider ") || line.endsWith("(default)")) continue;
    lines.push(line);
  }
  if (settings.files.length > 0) lines.push(`settings files read: ${settings.files.join(", ")}`);

  const fromClaude = [...sourcedValues(settings)].filter((s) => s.kind === "claude-settings");
  if (fromClaude.length > 0) {
    const first = fromClaude[0] as { path: string };
    lines.push(
      `${fromClaude.length} value(s) come from Claude Code's settings (${first.path}, "env" block and shared keys), read as the lowest-priority layer`,
    );
  }

  for (const source of sourcedValues(settings)) {
    const name =
      source.kind === "env" ? source.name : source.kind === "claude-settings" ? source.key : undefined;
    const bare = name?.replace(/^env\./, "");
    const replacement = bare === undefined ? undefined : DEPRECATED[bare];
    if (bare === undefined || replacement === undefined) continue;
    problems.push(`${bare} (${describeSource(source)}) is a deprecated name; use ${replacement}`);
    fixes.push(`export ${replacement}="$${bare}" && unset ${bare}`);
  }
  for (const warning of settings.warnings) problems.push(warning);

  const detail = [...lines, ...problems.map((p) => `warning: ${p}`)].join("\n");
  const fix = fixes.length > 0 ? [...new Set(fixes)].join("\n") : undefined;
  if (failed) return { status: "fail", detail, fix };
  if (problems.length > 0) return { status: "warn", detail, fix };
  return { status: "pass", detail };
}

/** The sources of every scalar value and model pin that is set. */
function* sourcedValues(settings: Settings): Generator<SettingSource> {
  for (const value of Object.values(settings)) {
    if (value && typeof value === "object" && "source" in value && "value" in value) {
      const source = (value as { source: SettingSource }).source;
      if (source.kind !== "default") yield source;
    }
  }
  for (const pin of Object.values(settings.modelPins)) if (pin) yield pin.source;
}
