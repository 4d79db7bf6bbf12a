import type { z } from "zod";
import { capabilityOverrideSchema } from "../bedrock/catalog.js";
import { ConfigError } from "./errors.js";
import { type JsonFile, locate } from "./json-file.js";
import type { JsonPath } from "./json-position.js";
import { describeGot, emptyLayer, type Layer } from "./layer.js";
import {
  expectedText,
  lintValue,
  MODEL_TIERS,
  parseFileValue,
  type ScalarKey,
  SETTING_SPECS,
  type SettingSpec,
} from "./schema.js";
import type { SettingSource } from "./sources.js";
import { PERMISSION_LISTS } from "./structured.js";
import { suggestKey } from "./suggest.js";

// `hooks` is read by src/hooks (its own schema, trust-gated there); listed so it is not an "unknown key".
const STRUCTURED_KEYS = ["modelPins", "permissions", "catalogOverrides", "hooks"] as const;
// MCP servers and Claude Code's approval keys for .mcp.json (docs/mcp.md); src/mcp reads and checks them.
const MCP_FILE_KEYS: readonly string[] = [
  "mcpServers",
  "enableAllProjectMcpServers",
  "enabledMcpjsonServers",
  "disabledMcpjsonServers",
];
const TOP_LEVEL_SCALARS = (Object.keys(SETTING_SPECS) as ScalarKey[]).filter(
  (key) => !key.includes(".") && SETTING_SPECS[key].fileKey === undefined,
);
// Settings grouped under one object in files (`failover.regions`): group → field → setting.
const GROUPED = new Map<string, Map<string, ScalarKey>>();
for (const [key, spec] of Object.entries(SETTING_SPECS) as [ScalarKey, SettingSpec][]) {
  const [group, field] = spec.fileKey?.split(".") ?? [];
  if (group === undefined || field === undefined) continue;
  if (!GROUPED.has(group)) GROUPED.set(group, new Map());
  GROUPED.get(group)!.set(field, key);
}
/** Every key a Quarry settings file may hold at the top level. */
export const KNOWN_FILE_KEYS: readonly string[] = [
  ...TOP_LEVEL_SCALARS,
  ...STRUCTURED_KEYS,
  ...GROUPED.keys(),
];

// Users paste env var names into settings files; point each one at the key that means the same thing.
const ENV_NAME_TO_KEY = new Map<string, string>([
  ["CLAUDE_CODE_USE_BEDROCK", "provider"],
  ...Object.entries(SETTING_SPECS).flatMap(([key, spec]) =>
    spec.env.map((name) => [name, key] as [string, string]),
  ),
]);

/** Renders a JSON path as a settings key: `permissions.allow[2]`. */
export function keyName(path: JsonPath): string {
  return path
    .map((part, i) => (typeof part === "number" ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join("");
}

/** The value at `path` inside `value`, for describing exactly what a nested check rejected. */
function valueAt(value: unknown, path: JsonPath): unknown {
  let current = value;
  for (const part of path) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[part];
  }
  return current;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Reads one parsed settings file into a layer; throws ConfigError for wrong types, warns for unknown keys. */
export function readFileLayer(
  file: JsonFile,
  warnings: string[],
  options: { committed: boolean } = { committed: false },
): Layer {
  const layer = emptyLayer();
  const source = (path: JsonPath): SettingSource => ({ kind: "file", path: file.path, key: keyName(path) });

  function fail(path: JsonPath, expected: string, value: unknown, secret = false): never {
    const key = keyName(path);
    const { where, line, column } = locate(file, path);
    throw new ConfigError(`${where}: "${key}" must be ${expected}, got ${describeGot(value, secret)}`, {
      path: file.path,
      ...(line === undefined ? {} : { line, column }),
      key,
      source: source(path),
      fix: `Set "${key}" in ${file.displayPath} to ${expected}, or remove it.`,
    });
  }

  /** Like fail, for messages that come from a zod issue rather than an expected-type phrase. */
  function failWith(path: JsonPath, detail: string, value: unknown): never {
    const key = keyName(path);
    const { where, line, column } = locate(file, path);
    throw new ConfigError(`${where}: "${key}": ${detail} (got ${describeGot(value, false)})`, {
      path: file.path,
      ...(line === undefined ? {} : { line, column }),
      key,
      source: source(path),
      fix: `Correct "${key}" in ${file.displayPath}, or remove it.`,
    });
  }

  const warnUnknown = (
    path: JsonPath,
    known: readonly string[],
    aliases?: ReadonlyMap<string, string>,
  ): void => {
    const name = String(path[path.length - 1]);
    const suggestion = suggestKey(name, known, aliases);
    const hint =
      suggestion === undefined ? "" : ` (did you mean "${keyName([...path.slice(0, -1), suggestion])}"?)`;
    warnings.push(`${locate(file, path).where}: unknown key "${keyName(path)}"${hint}; it is ignored`);
  };

  const readScalar = (path: JsonPath, spec: SettingSpec, value: unknown) => {
    const parsed = parseFileValue(spec, value);
    if (!parsed.ok) return fail(path, expectedText(spec, "json"), value, spec.kind === "secret");
    const lint = lintValue(spec, parsed.value);
    if (lint !== undefined) warnings.push(`${locate(file, path).where}: "${keyName(path)}": ${lint}`);
    if (spec.kind === "secret" && options.committed) {
      warnings.push(
        `${locate(file, path).where}: "${keyName(path)}" is a secret in a file that is usually committed; ` +
          "move it to .quarry/settings.local.json or the environment",
      );
    }
    return { value: parsed.value, source: source(path) };
  };

  for (const [key, value] of Object.entries(file.data)) {
    if (key === "$schema") continue; // editors use it for completion; nothing to apply
    if (MCP_FILE_KEYS.includes(key)) continue; // read by src/mcp/config-files.ts
    if ((TOP_LEVEL_SCALARS as string[]).includes(key)) {
      const scalarKey = key as ScalarKey;
      layer.scalars.set(scalarKey, readScalar([key], SETTING_SPECS[scalarKey], value));
    } else if (key === "modelPins") {
      if (!isPlainObject(value)) fail([key], 'an object such as { "opus": "…" }', value);
      for (const [tier, id] of Object.entries(value)) {
        const pinKey = `modelPins.${tier}` as ScalarKey;
        if ((MODEL_TIERS as readonly string[]).includes(tier)) {
          layer.scalars.set(pinKey, readScalar([key, tier], SETTING_SPECS[pinKey], id));
        } else {
          warnUnknown([key, tier], MODEL_TIERS);
        }
      }
    } else if (GROUPED.has(key)) {
      const fields = GROUPED.get(key)!;
      if (!isPlainObject(value)) fail([key], `an object with ${[...fields.keys()].join(", ")}`, value);
      for (const [field, fieldValue] of Object.entries(value)) {
        const scalarKey = fields.get(field);
        if (scalarKey === undefined) warnUnknown([key, field], [...fields.keys()]);
        else layer.scalars.set(scalarKey, readScalar([key, field], SETTING_SPECS[scalarKey], fieldValue));
      }
    } else if (key === "permissions") {
      readPermissions(value, [key]);
    } else if (key === "catalogOverrides") {
      readCatalogOverrides(value, [key]);
    } else if (key === "hooks") {
      // read by src/hooks/settings.ts
    } else {
      warnUnknown([key], KNOWN_FILE_KEYS, ENV_NAME_TO_KEY);
    }
  }
  return layer;

  function readPermissions(value: unknown, path: JsonPath): void {
    if (!isPlainObject(value)) fail(path, 'an object such as { "allow": [], "deny": [] }', value);
    for (const [list, rules] of Object.entries(value)) {
      if (!(PERMISSION_LISTS as readonly string[]).includes(list)) {
        warnUnknown([...path, list], PERMISSION_LISTS);
        continue;
      }
      if (!Array.isArray(rules)) fail([...path, list], "an array of rule strings", rules);
      for (const [index, rule] of (rules as unknown[]).entries()) {
        const at = [...path, list, index];
        if (typeof rule !== "string" || rule.trim() === "") fail(at, "a non-empty rule string", rule);
        layer.permissions[list as "allow" | "deny"].push({ value: rule.trim(), source: source(at) });
      }
    }
  }

  function readCatalogOverrides(value: unknown, path: JsonPath): void {
    if (!isPlainObject(value)) fail(path, 'an object keyed by model ID, e.g. { "<model id>": { … } }', value);
    // The capability shape belongs to src/bedrock (lookupModel consumes it); check each field on its own
    // so a bad one gets its own path, position and message, and unknown fields only warn.
    const fieldSchemas: Record<string, z.ZodType> = capabilityOverrideSchema.shape;
    const fieldNames = Object.keys(fieldSchemas);
    for (const [modelId, overrides] of Object.entries(value)) {
      const modelPath = [...path, modelId];
      if (!isPlainObject(overrides))
        fail(modelPath, 'an object such as { "contextWindow": 200000 }', overrides);
      const fields = new Map<string, { value: unknown; source: SettingSource }>();
      for (const [name, field] of Object.entries(overrides)) {
        const schema = fieldSchemas[name];
        if (schema === undefined) {
          warnUnknown([...modelPath, name], fieldNames);
          continue;
        }
        const parsed = schema.safeParse(field);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          const inner = (issue?.path ?? []).map((part) => (typeof part === "symbol" ? String(part) : part));
          // zod's messages start "Invalid input: expected …" or "Too small: …"; keep the part after a prefix.
          const detail = (issue?.message ?? "invalid value").replace(/^Invalid input: /, "");
          failWith(
            [...modelPath, name, ...inner],
            detail[0]!.toLowerCase() + detail.slice(1),
            valueAt(field, inner),
          );
        }
        fields.set(name, { value: parsed.data, source: source([...modelPath, name]) });
      }
      layer.catalogOverrides.set(modelId, fields);
    }
  }
}
