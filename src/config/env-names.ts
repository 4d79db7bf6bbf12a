// Values that switch a flag off. Claude Code once treated every non-empty string, "0" included, as on
// (fixed in its 1.0.124); users still write all of these, so all of them mean off here.
const FALSY_ENV_VALUES = new Set(["", "0", "false", "no", "off"]);

/** True unless the value is unset or one of "", "0", "false", "no", "off" (any case, surrounding spaces ignored). */
export function isTruthyEnv(value: string | undefined): boolean {
  return value !== undefined && !FALSY_ENV_VALUES.has(value.trim().toLowerCase());
}

/** Reads an env var the way every setting does: surrounding spaces dropped, empty means unset. */
export function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined) return undefined;
  const trimmed = raw.trim();
  return trimmed === "" ? undefined : trimmed;
}

/** Env vars that decide the provider; they are not a plain one-to-one mapping, so they live apart from SETTING_SPECS. */
export const PROVIDER_ENV = {
  useBedrock: "CLAUDE_CODE_USE_BEDROCK",
  useMantle: "CLAUDE_CODE_USE_MANTLE",
  anthropicApiKey: "ANTHROPIC_API_KEY",
} as const;

/** Env vars that move Quarry's own user config dir (not settings themselves). */
export const CONFIG_DIR_ENV = {
  quarry: "QUARRY_CONFIG_DIR",
  xdg: "XDG_CONFIG_HOME",
  claude: "CLAUDE_CONFIG_DIR",
} as const;
