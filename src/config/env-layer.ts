import { envValue } from "./env-names.js";
import { ConfigError } from "./errors.js";
import { emptyLayer, type Layer } from "./layer.js";
import { expectedText, lintValue, parseTextValue, SCALAR_KEYS, SETTING_SPECS } from "./schema.js";
import { describeSource, type SettingSource } from "./sources.js";

/** How to name and fix a value in an env-like source (the real environment, or a settings `env` block). */
export interface EnvOrigin {
  source(name: string): SettingSource;
  fix(name: string, expected: string): string;
}

/** The process environment as an origin: `env NAME`, fixed by exporting or unsetting. */
export const PROCESS_ENV: EnvOrigin = {
  source: (name) => ({ kind: "env", name }),
  fix: (name, expected) => `Set ${name} to ${expected}, or unset it (unset ${name}).`,
};

/**
 * Reads every setting carried by env vars. Invalid values go to `report` (the caller decides whether
 * they are fatal); when two names for one setting disagree, a warning says which one wins.
 */
export function readEnvLayer(
  env: NodeJS.ProcessEnv,
  origin: EnvOrigin,
  warnings: string[],
  report: (error: ConfigError) => void,
): Layer {
  const layer = emptyLayer();
  for (const key of SCALAR_KEYS) {
    const spec = SETTING_SPECS[key];
    const present = spec.env.flatMap((name) => {
      const value = envValue(env, name);
      return value === undefined ? [] : [{ name, value }];
    });
    const winner = present[0];
    if (winner === undefined) continue;
    const secret = spec.kind === "secret";
    for (const other of present.slice(1)) {
      if (other.value !== winner.value && !secret) {
        warnings.push(
          `${describeSource(origin.source(winner.name))}=${winner.value} is used; ` +
            `${describeSource(origin.source(other.name))}=${other.value} is ignored`,
        );
      }
    }
    const source = origin.source(winner.name);
    const parsed = parseTextValue(spec, winner.value);
    if (!parsed.ok) {
      const expected = expectedText(spec, "text");
      report(
        new ConfigError(
          `${describeSource(source)}${secret ? "" : `=${JSON.stringify(winner.value)}`} is not ${expected}`,
          {
            key,
            source,
            fix: origin.fix(winner.name, expected),
          },
        ),
      );
      continue;
    }
    const lint = lintValue(spec, parsed.value);
    if (lint !== undefined) warnings.push(`${describeSource(source)}: ${lint}`);
    layer.scalars.set(key, { value: parsed.value, source });
  }
  return layer;
}
