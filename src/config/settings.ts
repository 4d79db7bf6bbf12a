import type { ProjectTrust } from "../trust/decide.js";
import type { ModelTier, SettingValues } from "./schema.js";
import type { Sourced } from "./sources.js";
import type { CapabilityOverrideSources, PermissionRules } from "./structured.js";

/** One project setting left out because its folder is not trusted, with what it would have done. */
export interface IgnoredSetting {
  /** The settings file, as messages show it (`~/…`). */
  readonly file: string;
  /** The key as written in the file: `bedrockBaseUrl`, `permissions.allow`, `modelPins.opus`. */
  readonly key: string;
  /** The value as it may be shown (secrets redacted, proxy passwords masked). */
  readonly shown: string;
  /** Why it needs trust: "sends Bedrock traffic … to another endpoint". */
  readonly effect: string;
}

// Booleans always have a value (false by default, with source "default"); everything else may be unset.
type Resolved<T> = [T] extends [boolean] ? Sourced<boolean> : Sourced<T> | undefined;

/** Every scalar setting with the source it came from. */
export type ScalarSettings = { readonly [K in keyof SettingValues]: Resolved<SettingValues[K]> };

/** The resolved configuration: each value carries its source, so any message can say where it came from. */
export interface Settings extends ScalarSettings {
  /** What the opus / sonnet / haiku aliases resolve to (ANTHROPIC_DEFAULT_*_MODEL or file `modelPins`). */
  readonly modelPins: { readonly [T in ModelTier]?: Sourced<string> };
  /** Union of the allow and deny rules of every settings file. */
  readonly permissions: PermissionRules;
  /** Per model ID capability overrides from settings files; each field from the highest file setting it. */
  readonly catalogOverrides: Readonly<Record<string, CapabilityOverrideSources>>;
  /** Quarry's user config directory and why it is that one. */
  readonly userConfigDir: Sourced<string>;
  /** The project whose `.quarry/` settings were found, whether it is trusted, and what was left out. */
  readonly project: ProjectSettings | undefined;
  /** Settings files that were read, highest priority first (for doctor). */
  readonly files: string[];
  /** Non-fatal problems: unknown keys, conflicting env vars, ignored files. */
  readonly warnings: string[];
}

/** The project settings folder and its trust; `ignored` lists what trusting it would enable. */
export interface ProjectSettings extends ProjectTrust {
  /** The folder holding `.quarry/` (trust covers it and its subfolders). */
  readonly folder: string;
  readonly ignored: readonly IgnoredSetting[];
}
