/**
 * Tool schemas as Converse takes them (docs/providers.md, "Tool schemas"). Converse wants a JSON object
 * schema at the top of `inputSchema.json` for every family; beyond that the facts Quarry has (WIRE.md) name
 * no schema feature a family refuses, so nothing else is stripped — a family rule goes here once one is
 * observed, with its source.
 */

/** The schema with `type: "object"` and `properties` at the top, as Converse's tool specs require. */
export function adaptToolSchema(schema: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...schema, type: "object" };
  if (typeof out.properties !== "object" || out.properties === null) out.properties = {};
  return out;
}
