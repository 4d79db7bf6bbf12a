import { join } from "node:path";
import { claudeSettingsPath, type Settings } from "../config/index.js";
import { trustClass } from "../config/trust-classes.js";
import { decideProjectTrust, howToTrust, type ProjectTrust } from "../trust/decide.js";
import { realFolder } from "../trust/store.js";
import { type ConfiguredHook, readHooksFile } from "./settings.js";

/** Where hooks are looked for, and whether the project's own files may add any. */
export interface HookSourcesOptions {
  settings: Settings;
  /** The project folder (git root, else cwd): `.claude/` is read here. */
  projectRoot: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  home: string;
  /** `--trust-project` for this run. */
  trustProject?: boolean;
}

/** The hooks in force, and one warning per project file left out because the folder is untrusted. */
export interface LoadedHooks {
  hooks: ConfiguredHook[];
  warnings: string[];
  /** Whether the project's own hook files were read. */
  projectTrusted: boolean;
}

const SETTINGS_FILES = ["settings.json", "settings.local.json"];

/**
 * Reads `hooks` from, in order: the user's Quarry settings and `~/.claude/settings.json` (always — the user's
 * own files), then the project's `.quarry/settings*.json` and `.claude/settings*.json` — only when the
 * folder is trusted, since a repository's hooks are commands it asks you to run (docs/security/trust.md).
 */
export function loadConfiguredHooks(o: HookSourcesOptions): LoadedHooks {
  const warnings: string[] = [];
  const seen = new Set<string>();
  const read = (path: string): ConfiguredHook[] => {
    if (seen.has(path)) return []; // QUARRY_CONFIG_DIR pointed at the project's own .quarry
    seen.add(path);
    return readHooksFile(path, o.home, warnings);
  };
  const hooks = [
    ...read(join(o.settings.userConfigDir.value, "settings.json")),
    ...read(claudeSettingsPath(o.env, o.home, o.cwd)),
  ];
  const claudeTrust = folderTrust(o);
  if (claudeTrust.problem && !o.settings.project?.problem) warnings.push(claudeTrust.problem);
  // Quarry's own project files were judged by the settings loader (their folder may sit below the git root).
  const quarry = o.settings.project;
  const projectFiles = [
    ...(quarry
      ? SETTINGS_FILES.map((f) => ({
          path: join(quarry.folder, ".quarry", f),
          folder: quarry.folder,
          trust: quarry,
        }))
      : []),
    ...SETTINGS_FILES.map((f) => ({
      path: join(o.projectRoot, ".claude", f),
      folder: o.projectRoot,
      trust: claudeTrust,
    })),
  ];
  let projectTrusted = claudeTrust.trusted;
  for (const { path, folder, trust } of projectFiles) {
    const found = read(path);
    if (found.length === 0) continue;
    if (trust.trusted) {
      hooks.push(...found);
      continue;
    }
    projectTrusted = false;
    const cls = trustClass("hooks");
    const effect = cls.kind === "needs-trust" ? cls.effect : "runs commands";
    const count = `${found.length} command${found.length === 1 ? "" : "s"}`;
    warnings.push(
      `${found[0]?.source}: ignored "hooks" (${count}; ${effect}): ${folder} is not a trusted folder; ${howToTrust(folder)}`,
    );
  }
  return { hooks, warnings, projectTrusted };
}

/**
 * Whether the project folder (git root, else cwd) is trusted: the settings loader's decision when it judged
 * this same folder, otherwise the same rules asked again (flag, QUARRY_TRUST_PROJECT, trust store).
 */
export function folderTrust(
  o: Pick<HookSourcesOptions, "settings" | "projectRoot" | "env" | "trustProject">,
): ProjectTrust {
  const known = o.settings.project;
  if (known && realFolder(known.folder) === realFolder(o.projectRoot)) return known;
  return decideProjectTrust({
    folder: o.projectRoot,
    configDir: o.settings.userConfigDir.value,
    env: o.env,
    flag: o.trustProject,
  });
}
