import type { ModelFamily } from "../bedrock/catalog.js";

/**
 * Tool schemas as Converse takes them (docs/providers.md, "Tool schemas"). Every family gets a JSON object
 * schema at the top of `inputSchema.json`. Families narrower than Claude also lose the JSON-Schema features
 * they refuse: the rules per family are in {@link SCHEMA_RULES}, and which family refuses what is INFERRED
 * (no source quotes a refusal; docs/providers.md says so). Both transformations keep what the schema
 * validates: meta keywords describe the schema, not the input, and `$ref`s are replaced by what they point to.
 */

/** What a family's tool schemas must not contain. */
export interface SchemaRules {
  /** Drop `$schema`, `$id`, `$comment` (descriptions of the schema document itself). */
  dropMeta: boolean;
  /** Replace local `$ref`s (`#/$defs/…`, `#/definitions/…`) with their targets and drop `$defs` / `definitions`. */
  inlineRefs: boolean;
}

const CLAUDE_RULES: SchemaRules = { dropMeta: false, inlineRefs: false };

/**
 * Per family, inferred: Nova, Llama and Mistral turn the schema into prompt text or a grammar of their own, where
 * a `$ref` points at nothing the model sees; DeepSeek, gpt-oss and Qwen are given the meta rule only. Claude
 * (Invoke or Converse) takes full JSON Schema, so nothing is changed there.
 */
export const SCHEMA_RULES: Partial<Record<ModelFamily, SchemaRules>> = {
  nova: { dropMeta: true, inlineRefs: true },
  llama: { dropMeta: true, inlineRefs: true },
  mistral: { dropMeta: true, inlineRefs: true },
  deepseek: { dropMeta: true, inlineRefs: false },
  "gpt-oss": { dropMeta: true, inlineRefs: false },
  qwen: { dropMeta: true, inlineRefs: false },
};

/** The rules of a family; Claude's (none) for Claude and unknown models. */
export function schemaRulesFor(family: ModelFamily | undefined): SchemaRules {
  return (family && SCHEMA_RULES[family]) || CLAUDE_RULES;
}

const META = ["$schema", "$id", "$comment"];
/** A cyclic or very deep `$ref` chain stops here and becomes an unconstrained schema (`{}`). */
const MAX_REF_DEPTH = 8;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === "object" && !Array.isArray(v);

/** The schema with `type: "object"` and `properties` at the top, minus what the family refuses. */
export function adaptToolSchema(
  schema: Record<string, unknown>,
  family?: ModelFamily,
): Record<string, unknown> {
  const rules = schemaRulesFor(family);
  const defs = { ...asObject(schema.definitions), ...asObject(schema.$defs) };
  const walked =
    rules.dropMeta || rules.inlineRefs ? (transform(schema, rules, defs, 0, false) as Json) : schema;
  const out: Record<string, unknown> = { ...walked, type: "object" };
  if (typeof out.properties !== "object" || out.properties === null) out.properties = {};
  return out;
}

const asObject = (v: unknown): Json => (isObject(v) ? v : {});

function transform(
  node: unknown,
  rules: SchemaRules,
  defs: Json,
  depth: number,
  namesLevel: boolean,
): unknown {
  if (Array.isArray(node)) return node.map((n) => transform(n, rules, defs, depth, false));
  if (!isObject(node)) return node;
  if (!namesLevel && rules.inlineRefs && typeof node.$ref === "string") {
    const target = resolveRef(node.$ref, defs);
    const { $ref: _ref, ...siblings } = node;
    if (target === undefined || depth >= MAX_REF_DEPTH) {
      return transform(siblings, rules, defs, depth, false);
    }
    return transform({ ...target, ...siblings }, rules, defs, depth + 1, false);
  }
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    // Under `properties` the keys are property names: a property named "$id" is the user's, not a keyword.
    if (!namesLevel) {
      if (rules.dropMeta && META.includes(key)) continue;
      if (rules.inlineRefs && (key === "$defs" || key === "definitions")) continue;
    }
    const childNames = !namesLevel && (key === "properties" || key === "patternProperties");
    out[key] = transform(value, rules, defs, depth, childNames);
  }
  return out;
}

/** `#/$defs/Name` or `#/definitions/Name` (the forms MCP servers and zod-to-json-schema emit). */
function resolveRef(ref: string, defs: Json): Json | undefined {
  const m = /^#\/(?:\$defs|definitions)\/(.+)$/.exec(ref);
  if (!m?.[1]) return undefined;
  const name = m[1].replace(/~1/g, "/").replace(/~0/g, "~");
  const target = defs[name];
  return isObject(target) ? target : undefined;
}
