import { findByAnthropicName, findCatalogEntry } from "../../bedrock/catalog-lookup.js";

// Cross-region inference profile prefixes: `us.anthropic.claude-…`, `global.anthropic.claude-…`.
const PROFILE_PREFIX = /^(us|eu|apac|au|ca|jp|us-gov|global)\./;

/**
 * A model as people say it: "Sonnet 4.6" for `us.anthropic.claude-sonnet-4-6`, so the status line fits on one
 * line. Unknown IDs keep their last segment (an ARN's profile name, the ID without vendor prefix).
 */
export function shortModelName(id: string): string {
  const tail = id.includes("/") ? id.slice(id.lastIndexOf("/") + 1) : id;
  const foundation = tail.replace(PROFILE_PREFIX, "");
  const bare = foundation.replace(/^anthropic\./, "");
  const entry = findCatalogEntry(foundation) ?? findByAnthropicName(bare);
  return entry ? entry.displayName.replace(/^Claude\s+/, "") : bare;
}
