import type { CapabilityOverride } from "../bedrock/catalog.js";
import type { Sourced } from "./sources.js";

/**
 * Capability overrides for one model ID (the shape src/bedrock's lookupModel takes); each field knows the
 * file it came from.
 */
export type CapabilityOverrideSources = {
  readonly [K in keyof CapabilityOverride]?: Sourced<NonNullable<CapabilityOverride[K]>>;
};

/** Permission rules, the union of every settings file; each rule knows its file. */
export interface PermissionRules {
  readonly allow: readonly Sourced<string>[];
  readonly deny: readonly Sourced<string>[];
}

/** The lists a `permissions` object may hold. */
export const PERMISSION_LISTS = ["allow", "deny"] as const;
