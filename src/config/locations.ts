import { existsSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { CONFIG_DIR_ENV, envValue } from "./env-names.js";
import type { Sourced } from "./sources.js";

/** Name of the per-project and default per-user settings directory. */
export const QUARRY_DIR = ".quarry";
/** Shared settings file name (project files of this name are usually committed). */
export const SETTINGS_FILE = "settings.json";
/** Personal, uncommitted project overrides; above settings.json in priority. */
export const LOCAL_SETTINGS_FILE = "settings.local.json";

function expandHome(path: string, home: string): string {
  return path === "~" ? home : path.startsWith("~/") ? join(home, path.slice(2)) : path;
}

/**
 * Quarry's user config directory: QUARRY_CONFIG_DIR, else $XDG_CONFIG_HOME/quarry when XDG_CONFIG_HOME is
 * set, else ~/.quarry (see docs/decisions/0002-settings-locations.md).
 */
export function userConfigDir(env: NodeJS.ProcessEnv, home: string, cwd: string): Sourced<string> {
  const explicit = envValue(env, CONFIG_DIR_ENV.quarry);
  if (explicit !== undefined) {
    return {
      value: resolve(cwd, expandHome(explicit, home)),
      source: { kind: "env", name: CONFIG_DIR_ENV.quarry },
    };
  }
  const xdg = envValue(env, CONFIG_DIR_ENV.xdg);
  // The XDG spec says relative values are invalid and must be ignored.
  if (xdg !== undefined && isAbsolute(xdg)) {
    return { value: join(xdg, "quarry"), source: { kind: "env", name: CONFIG_DIR_ENV.xdg } };
  }
  return { value: join(home, QUARRY_DIR), source: { kind: "default" } };
}

/** Claude Code's user settings file: $CLAUDE_CONFIG_DIR/settings.json, else ~/.claude/settings.json. */
export function claudeSettingsPath(env: NodeJS.ProcessEnv, home: string, cwd: string): string {
  const dir = envValue(env, CONFIG_DIR_ENV.claude);
  return join(dir === undefined ? join(home, ".claude") : resolve(cwd, expandHome(dir, home)), SETTINGS_FILE);
}

/**
 * The project's `.quarry` directory: the nearest one holding settings, searching from `cwd` upward and
 * stopping at the git root (a directory with `.git`), the home directory (whose `.quarry` is the user's)
 * or the file system root.
 */
export function findProjectSettingsDir(cwd: string, home: string): string | undefined {
  const homeDir = resolve(home);
  let dir = resolve(cwd);
  for (;;) {
    if (dir === homeDir) return undefined;
    const candidate = join(dir, QUARRY_DIR);
    if (existsSync(join(candidate, SETTINGS_FILE)) || existsSync(join(candidate, LOCAL_SETTINGS_FILE))) {
      return candidate;
    }
    if (existsSync(join(dir, ".git"))) return undefined;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
