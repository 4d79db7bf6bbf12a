import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { decideProjectTrust, howToTrust, type ProjectTrust, type TrustInputs } from "../trust/decide.js";
import { realFolder } from "../trust/store.js";
import { readClaudeSettings } from "./claude-layer.js";
import { sourceRank } from "./endpoints.js";
import { PROCESS_ENV, readEnvLayer } from "./env-layer.js";
import { envValue } from "./env-names.js";
import { readFileLayer } from "./file-layer.js";
import { type FlagValues, readFlagLayer } from "./flags.js";
import { displayPath, type JsonFile, readJsonObject } from "./json-file.js";
import type { Layer } from "./layer.js";
import {
  claudeSettingsPath,
  findProjectSettingsDir,
  LOCAL_SETTINGS_FILE,
  QUARRY_DIR,
  SETTINGS_FILE,
  userConfigDir,
} from "./locations.js";
import { gateUntrustedLayer, type IgnoredSetting } from "./project-gate.js";
import { envProviderVote, layerProviderVote, resolveProvider } from "./provider.js";
import { MODEL_TIERS, type ModelTier, SCALAR_KEYS, type ScalarKey, SETTING_SPECS } from "./schema.js";
import type { ProjectSettings, ScalarSettings, Settings } from "./settings.js";
import { describeSource, type Sourced } from "./sources.js";
import type { CapabilityOverrideSources } from "./structured.js";

/** Inputs of loadSettings; everything from the outside world is passed in so tests can inject it. */
export interface LoadSettingsOptions {
  /** Directory the project settings search starts from. */
  readonly cwd: string;
  /** The environment to read (pass process.env from the CLI; a literal object in tests). */
  readonly env: NodeJS.ProcessEnv;
  /** Parsed CLI flags; undefined entries mean "not given". */
  readonly flags?: Partial<FlagValues>;
  /** Home directory; defaults to os.homedir(). */
  readonly home?: string;
  /** `--trust-project`: the project's own settings apply in full for this run. */
  readonly trustProject?: boolean;
  /** Decides whether the project folder is trusted; defaults to flag, QUARRY_TRUST_PROJECT, trust store. */
  readonly decideTrust?: (inputs: TrustInputs) => ProjectTrust;
}

/**
 * Resolves settings from, highest first: flags, env, project .quarry/settings.local.json, project
 * .quarry/settings.json, the user settings file, the `env` block of Claude Code's ~/.claude/settings.json.
 * Throws ConfigError for invalid values in Quarry's own sources; everything non-fatal lands in `warnings`.
 * Project files of a folder the user has not trusted only narrow (docs/security/trust.md): the rest of
 * what they say is left out, one warning per key.
 */
export function loadSettings(options: LoadSettingsOptions): Settings {
  const home = options.home ?? homedir();
  const cwd = resolve(options.cwd);
  const env = options.env;
  const warnings: string[] = [];
  const files: string[] = [];

  const flagLayer = readFlagLayer(options.flags ?? {});
  const envLayer = readEnvLayer(env, PROCESS_ENV, warnings, (error) => {
    throw error;
  });

  const fileLayers: Layer[] = [];
  const readQuarryFile = (
    path: string,
    committed: boolean,
    gate?: (layer: Layer, file: JsonFile) => Layer,
  ): void => {
    if (files.includes(path)) return; // QUARRY_CONFIG_DIR pointed at the project's own .quarry
    const file = readJsonObject(path, home);
    if (file === undefined) return;
    files.push(path);
    const layer = readFileLayer(file, warnings, { committed });
    fileLayers.push(gate ? gate(layer, file) : layer);
  };
  const projectDir = findProjectSettingsDir(cwd, home);
  const userDir = userConfigDir(env, home, cwd);
  let project: ProjectSettings | undefined;
  if (projectDir !== undefined) {
    const folder = dirname(projectDir);
    // QUARRY_CONFIG_DIR pointing at a project's .quarry makes those files the user's own.
    const trust: ProjectTrust =
      realFolder(projectDir) === realFolder(userDir.value)
        ? { trusted: true }
        : (options.decideTrust ?? decideProjectTrust)({
            folder,
            configDir: userDir.value,
            env,
            flag: options.trustProject,
          });
    if (trust.problem !== undefined) warnings.push(trust.problem);
    const ignored: IgnoredSetting[] = [];
    const gate = trust.trusted
      ? undefined
      : (layer: Layer, file: JsonFile): Layer => {
          const gated = gateUntrustedLayer(layer, file.displayPath);
          ignored.push(...gated.ignored);
          return gated.layer;
        };
    readQuarryFile(join(projectDir, LOCAL_SETTINGS_FILE), false, gate);
    readQuarryFile(join(projectDir, SETTINGS_FILE), true, gate);
    for (const item of ignored) {
      warnings.push(
        `${item.file}: ignored "${item.key}" = ${item.shown} (${item.effect}): ${folder} is not a trusted folder; ${howToTrust(folder)}`,
      );
    }
    project = { folder, ...trust, ignored };
  }
  const userFile = join(userDir.value, SETTINGS_FILE);
  readQuarryFile(userFile, false);
  warnAboutStrandedUserFile(userDir, userFile, home, warnings);

  const claude = readClaudeSettings(claudeSettingsPath(env, home, cwd), home, warnings, files);
  const layers = [flagLayer, envLayer, ...fileLayers, ...(claude ? [claude.layer] : [])];

  const pick = (key: ScalarKey): Sourced<unknown> | undefined => {
    for (const layer of layers) {
      const found = layer.scalars.get(key);
      if (found !== undefined) return found;
    }
    return undefined;
  };

  const scalars: Record<string, Sourced<unknown> | undefined> = {};
  for (const key of SCALAR_KEYS) {
    if (key.includes(".")) continue;
    scalars[key] = pick(key) ?? (SETTING_SPECS[key].kind === "boolean" ? defaultFalse : undefined);
  }

  dropOutrankedCredentials(scalars, env, files, warnings);

  scalars.provider = resolveProvider(
    [
      layerProviderVote(flagLayer),
      envProviderVote(env, PROCESS_ENV.source),
      ...fileLayers.map(layerProviderVote),
      claude ? envProviderVote(claude.env, claude.origin.source) : undefined,
    ],
    scalars.anthropicApiKey ?? scalars.anthropicAuthToken,
    warnings,
  );

  const modelPins: { [T in ModelTier]?: Sourced<string> } = {};
  for (const tier of MODEL_TIERS) {
    const pin = pick(`modelPins.${tier}`) as Sourced<string> | undefined;
    if (pin !== undefined) modelPins[tier] = pin;
  }
  scalars.smallFastModel = smallFastModel(
    scalars.smallFastModel as Sourced<string> | undefined,
    modelPins.haiku,
    warnings,
  );

  return {
    // One cast from the run-time table to the static shape: every key above was filled from SETTING_SPECS,
    // whose kinds match SettingValues, and booleans always have a value.
    ...(scalars as unknown as ScalarSettings),
    modelPins,
    permissions: mergePermissions(layers),
    catalogOverrides: mergeCatalogOverrides(layers),
    userConfigDir: userDir,
    project,
    files,
    warnings,
  };
}

const defaultFalse: Sourced<boolean> = { value: false, source: { kind: "default" } };

/**
 * ANTHROPIC_SMALL_FAST_MODEL is Claude Code's deprecated name for the haiku pin, and Claude Code prefers it
 * when both are set; so does Quarry, but a difference between the two is worth a warning.
 */
function smallFastModel(
  explicit: Sourced<string> | undefined,
  haikuPin: Sourced<string> | undefined,
  warnings: string[],
): Sourced<string> | undefined {
  if (explicit !== undefined && haikuPin !== undefined && explicit.value !== haikuPin.value) {
    warnings.push(
      `small/fast model "${explicit.value}" (${describeSource(explicit.source)}) differs from the haiku pin ` +
        `"${haikuPin.value}" (${describeSource(haikuPin.source)}); background tasks use "${explicit.value}"`,
    );
  }
  return explicit ?? haikuPin;
}

/** Warns when the user has a settings file in a place this configuration does not read. */
function warnAboutStrandedUserFile(
  userDir: Sourced<string>,
  userFile: string,
  home: string,
  warnings: string[],
): void {
  const defaultFile = join(home, QUARRY_DIR, SETTINGS_FILE);
  if (userFile === defaultFile || existsSync(userFile) || !existsSync(defaultFile)) return;
  warnings.push(
    `${displayPath(defaultFile, home)} is not read because ${describeSource(userDir.source)} puts user settings in ` +
      `${displayPath(userFile, home)}; move the file there`,
  );
}

/** Union of every file's rules; a rule listed twice keeps the source of its highest-priority file. */
function mergePermissions(layers: readonly Layer[]): Settings["permissions"] {
  const merge = (list: "allow" | "deny"): Sourced<string>[] => {
    const seen = new Set<string>();
    return layers
      .flatMap((layer) => layer.permissions[list])
      .filter((rule) => !seen.has(rule.value) && seen.add(rule.value) !== undefined);
  };
  return { allow: merge("allow"), deny: merge("deny") };
}

/** Per model and per capability, the highest-priority file that sets it wins. */
function mergeCatalogOverrides(layers: readonly Layer[]): Settings["catalogOverrides"] {
  const merged: Record<string, Record<string, Sourced<unknown>>> = {};
  for (const layer of layers) {
    for (const [modelId, fields] of layer.catalogOverrides) {
      const target = merged[modelId] ?? {};
      merged[modelId] = target;
      for (const [field, value] of fields) target[field] ??= value;
    }
  }
  // Each field was checked against src/bedrock's capabilityOverrideSchema, so the values have its types.
  return merged as Record<string, CapabilityOverrideSources>;
}

// Settings that each pick the credentials on their own; one source must decide them all, or a file's
// bearer token or profile would silently replace the AWS keys the user exported.
const CREDENTIAL_KEYS = ["bearerToken", "awsProfile"] as const;
const ENV_CREDENTIALS = ["AWS_ACCESS_KEY_ID"] as const;

/**
 * Flags > env > files for credentials as a whole: when a higher source names credentials (AWS keys in the
 * environment, AWS_PROFILE, a bearer token), credential settings from lower sources are dropped, with a
 * warning. Otherwise the AWS SDK would let a file's `awsProfile` outrank exported keys.
 */
function dropOutrankedCredentials(
  scalars: Record<string, Sourced<unknown> | undefined>,
  env: NodeJS.ProcessEnv,
  files: readonly string[],
  warnings: string[],
): void {
  const envKey = ENV_CREDENTIALS.find((name) => envValue(env, name) !== undefined);
  const ranked = CREDENTIAL_KEYS.flatMap((key) => {
    const sourced = scalars[key];
    return sourced === undefined ? [] : [{ key, sourced, rank: sourceRank(sourced.source, files) }];
  });
  const best = Math.min(envKey === undefined ? Number.POSITIVE_INFINITY : 1, ...ranked.map((r) => r.rank));
  const decider =
    envKey !== undefined && best === 1
      ? `env ${envKey}`
      : describeSource(ranked.find((r) => r.rank === best)?.sourced.source ?? { kind: "default" });
  for (const { key, sourced, rank } of ranked) {
    if (rank <= best) continue;
    scalars[key] = undefined;
    warnings.push(
      `"${key}" from ${describeSource(sourced.source)} is ignored: ${decider} already decides the credentials (flags > env > files)`,
    );
  }
}
