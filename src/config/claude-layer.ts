import { type EnvOrigin, readEnvLayer } from "./env-layer.js";
import { ConfigError } from "./errors.js";
import { readJsonObject } from "./json-file.js";
import type { Layer } from "./layer.js";
import { parseFileValue, SCALAR_KEYS, SETTING_SPECS } from "./schema.js";

/** What Claude Code's settings contribute: a layer, plus the raw `env` block for the provider decision. */
export interface ClaudeSettings {
  readonly layer: Layer;
  readonly env: NodeJS.ProcessEnv;
  readonly origin: EnvOrigin;
}

// Claude Code's file is not ours: a problem in it must not stop Quarry, so every problem becomes a warning.
const IGNORED = "(Claude Code settings; Quarry ignores this value)";

/**
 * Reads Claude Code's user settings: its `env` block (where `/setup-bedrock` pins CLAUDE_CODE_USE_BEDROCK,
 * AWS_REGION, model IDs…) and the top-level keys Quarry shares (`model`, `awsAuthRefresh`). Lowest priority.
 */
export function readClaudeSettings(
  path: string,
  home: string,
  warnings: string[],
  files: string[],
): ClaudeSettings | undefined {
  let file: ReturnType<typeof readJsonObject>;
  try {
    file = readJsonObject(path, home);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    warnings.push(`${err.message} ${IGNORED}`);
    return undefined;
  }
  if (file === undefined) return undefined;
  files.push(path);
  const shown = file.displayPath;

  const env: NodeJS.ProcessEnv = {};
  const block = file.data.env;
  if (block !== undefined && (typeof block !== "object" || block === null || Array.isArray(block))) {
    warnings.push(`${shown}: "env" should be an object of strings ${IGNORED}`);
  } else if (block !== undefined) {
    for (const [name, value] of Object.entries(block)) {
      if (typeof value === "string") env[name] = value;
      else if (typeof value === "number" || typeof value === "boolean") env[name] = String(value);
      else warnings.push(`${shown}: "env.${name}" should be a string ${IGNORED}`);
    }
  }
  const origin: EnvOrigin = {
    source: (name) => ({ kind: "claude-settings", path, key: `env.${name}` }),
    fix: (name, expected) => `Set "env.${name}" in ${shown} to ${expected}, or remove it.`,
  };
  const layer = readEnvLayer(env, origin, warnings, (error) => warnings.push(`${error.message} ${IGNORED}`));

  for (const key of SCALAR_KEYS) {
    const claudeKey = SETTING_SPECS[key].claudeKey;
    if (claudeKey === undefined || !(claudeKey in file.data) || layer.scalars.has(key)) continue;
    const parsed = parseFileValue(SETTING_SPECS[key], file.data[claudeKey]);
    if (!parsed.ok) {
      warnings.push(`${shown}: "${claudeKey}" has an unexpected type ${IGNORED}`);
      continue;
    }
    layer.scalars.set(key, {
      value: parsed.value,
      source: { kind: "claude-settings", path, key: claudeKey },
    });
  }
  return { layer, env, origin };
}
