import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { ConfigError } from "../../src/config/errors.js";
import { type LoadSettingsOptions, loadSettings } from "../../src/config/load.js";
import type { Settings } from "../../src/config/settings.js";

/** A throwaway home and project on disk for settings tests (test helper, not shipped API). */
export interface TestWorld {
  readonly root: string;
  readonly home: string;
  /** A git checkout under root (not under home, so the home stop does not interfere). */
  readonly project: string;
  write(path: string, content: string | object): string;
  cleanup(): void;
  /** Settings files in their standard places. */
  readonly files: { project: string; local: string; user: string; claude: string };
  /** loadSettings in this world (empty env, project trusted, unless given). */
  load(options?: Partial<LoadSettingsOptions>): Settings;
  /** The ConfigError loadSettings throws in this world; fails the test if it does not throw one. */
  loadError(options?: Partial<LoadSettingsOptions>): ConfigError;
}

/** Creates a temp dir with `home/` and `project/` (with a `.git` dir). */
export function makeWorld(): TestWorld {
  const root = mkdtempSync(join(tmpdir(), "quarry-config-"));
  const home = join(root, "home");
  const project = join(root, "work", "project");
  mkdirSync(home, { recursive: true });
  mkdirSync(join(project, ".git"), { recursive: true });
  const load = (options: Partial<LoadSettingsOptions> = {}): Settings =>
    loadSettings({ cwd: project, env: {}, home, trustProject: true, ...options });
  return {
    root,
    home,
    project,
    files: {
      project: join(project, ".quarry", "settings.json"),
      local: join(project, ".quarry", "settings.local.json"),
      user: join(home, ".quarry", "settings.json"),
      claude: join(home, ".claude", "settings.json"),
    },
    load,
    loadError(options = {}) {
      try {
        load(options);
      } catch (err) {
        if (err instanceof ConfigError) return err;
        throw err;
      }
      throw new Error("expected a ConfigError");
    },
    write(path, content) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content, null, 2));
      return path;
    },
    cleanup() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}
