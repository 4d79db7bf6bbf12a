import { formatValue } from "./describe.js";
import { emptyLayer, type Layer } from "./layer.js";
import type { ScalarKey } from "./schema.js";
import type { IgnoredSetting } from "./settings.js";
import type { Sourced } from "./sources.js";
import { type GatedKey, trustClass } from "./trust-classes.js";

export type { IgnoredSetting } from "./settings.js";

/** A project file's layer cut down to what an untrusted folder may say, and what was cut. */
export interface GatedLayer {
  readonly layer: Layer;
  readonly ignored: IgnoredSetting[];
}

/**
 * Keeps what narrows or is a harmless preference (see TRUST_CLASSES) and drops the rest. The same gate is
 * meant for `.claude/settings*.json` and `.mcp.json` once Quarry reads them: map their keys onto GatedKey.
 */
export function gateUntrustedLayer(layer: Layer, file: string): GatedLayer {
  const kept = emptyLayer();
  const ignored: IgnoredSetting[] = [];
  const keepOrIgnore = (key: GatedKey, value: unknown, shownKey: string): boolean => {
    const cls = trustClass(key);
    if (cls.kind === "narrows") return true;
    if (cls.kind === "preference") {
      const refused = cls.refuse?.(value);
      if (refused === undefined) return true;
      ignored.push({ file, key: shownKey, shown: formatValue(value), effect: refused });
      return false;
    }
    ignored.push({ file, key: shownKey, shown: formatValue(value), effect: cls.effect });
    return false;
  };

  for (const [key, sourced] of layer.scalars) {
    if (keepOrIgnore(key as ScalarKey, sourced.value, key)) kept.scalars.set(key, sourced);
  }
  kept.permissions.deny.push(...layer.permissions.deny);
  const allow = layer.permissions.allow;
  if (
    allow.length > 0 &&
    keepOrIgnore("permissions.allow", allow.map((r) => r.value).join(", "), "permissions.allow")
  ) {
    kept.permissions.allow.push(...allow);
  }
  for (const [modelId, fields] of layer.catalogOverrides) {
    const keptFields = new Map<string, Sourced<unknown>>();
    for (const [field, sourced] of fields) {
      const key = `catalogOverrides.${field}` as GatedKey;
      if (keepOrIgnore(key, sourced.value, `catalogOverrides.${modelId}.${field}`))
        keptFields.set(field, sourced);
    }
    if (keptFields.size > 0) kept.catalogOverrides.set(modelId, keptFields);
  }
  return { layer: kept, ignored };
}
