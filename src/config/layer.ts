import type { ScalarKey } from "./schema.js";
import type { Sourced } from "./sources.js";

/** What one source (flags, env, one file) says; load.ts stacks layers by priority. */
export interface Layer {
  /** Values typed per SettingValues; unknown here because the table is keyed at run time. */
  readonly scalars: Map<ScalarKey, Sourced<unknown>>;
  readonly permissions: { readonly allow: Sourced<string>[]; readonly deny: Sourced<string>[] };
  /** Model ID → capability field → value; fields are checked against src/bedrock's override schema. */
  readonly catalogOverrides: Map<string, Map<string, Sourced<unknown>>>;
}

/** A layer that says nothing. */
export function emptyLayer(): Layer {
  return { scalars: new Map(), permissions: { allow: [], deny: [] }, catalogOverrides: new Map() };
}

/** Describes an unexpected value without ever echoing a secret. */
export function describeGot(value: unknown, secret: boolean): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  switch (typeof value) {
    case "string": {
      if (secret) return "a string";
      const shown = value.length > 40 ? `${value.slice(0, 37)}...` : value;
      return `${JSON.stringify(shown)} (a string)`;
    }
    case "number":
    case "boolean":
      return secret ? `a ${typeof value}` : String(value);
    case "object":
      return "an object";
    default:
      return typeof value;
  }
}
