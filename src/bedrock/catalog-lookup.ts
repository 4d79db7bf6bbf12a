import { CATALOG, CONVERSE_CATALOG } from "./catalog-data.js";
import type { CatalogEntry } from "./catalog-entry.js";

// Row lookups over the bundled catalog, free of zod (which catalog.ts needs for its override schema), so
// the TUI's first frame can name models without loading it. catalog.ts re-exports both.

const BY_ID = new Map([...CATALOG, ...CONVERSE_CATALOG].map((entry) => [entry.id, entry]));

/** The catalog row for a foundation-model ID, if any. */
export function findCatalogEntry(foundationModelId: string): CatalogEntry | undefined {
  return BY_ID.get(foundationModelId);
}

/** The catalog row whose Anthropic API name is `name` (e.g. `claude-sonnet-4-5`), if any. */
export function findByAnthropicName(name: string): CatalogEntry | undefined {
  return CATALOG.find((entry) => entry.anthropicNames.includes(name));
}
