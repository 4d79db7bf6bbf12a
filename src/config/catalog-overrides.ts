import type { CapabilityOverride, CatalogOverrides } from "../bedrock/catalog.js";
import type { Settings } from "./settings.js";

/** The plain `catalogOverrides` map (sources dropped) that src/bedrock's lookupModel / resolver take. */
export function catalogOverrideValues(settings: Pick<Settings, "catalogOverrides">): CatalogOverrides {
  const plain: CatalogOverrides = {};
  for (const [modelId, fields] of Object.entries(settings.catalogOverrides)) {
    const entry: Record<string, unknown> = {};
    for (const [name, sourced] of Object.entries(fields)) {
      if (sourced !== undefined) entry[name] = sourced.value;
    }
    // Every field was validated against capabilityOverrideSchema when the file was read.
    plain[modelId] = entry as CapabilityOverride;
  }
  return plain;
}
