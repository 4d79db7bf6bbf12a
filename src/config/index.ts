// The settings layer: one typed Settings object where every value knows where it came from.

export { catalogOverrideValues } from "./catalog-overrides.js";
export { describeSetting, describeSettings, formatValue } from "./describe.js";
export { isTruthyEnv, PROVIDER_ENV } from "./env-names.js";
export { ConfigError, type ConfigErrorDetails } from "./errors.js";
export { FLAG_NAMES, type FlagValues } from "./flags.js";
export { type LoadSettingsOptions, loadSettings } from "./load.js";
export { claudeSettingsPath, findProjectSettingsDir, userConfigDir } from "./locations.js";
export {
  MODEL_TIERS,
  type ModelTier,
  type Provider,
  type ScalarKey,
  SETTING_SPECS,
  type SettingSpec,
  type SettingValues,
} from "./schema.js";
export { redact, Secret } from "./secret.js";
export type { ScalarSettings, Settings } from "./settings.js";
export { describeSource, type SettingSource, type Sourced } from "./sources.js";
export type { CapabilityOverrideSources, PermissionRules } from "./structured.js";
