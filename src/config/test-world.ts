import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** A throwaway home and project on disk for settings tests (test helper, not shipped API). */
export interface TestWorld {
  readonly root: string;
  readonly home: string;
  /** A git checkout under root (not under home, so the home stop does not interfere). */
  readonly project: string;
  write(path: string, content: string | object): string;
  cleanup(): void;
}

/** Creates a temp dir with `home/` and `project/` (with a `.git` dir). */
export function makeWorld(): TestWorld {
  const root = mkdtempSync(join(tmpdir(), "quarry-config-"));
  const home = join(root, "home");
  const project = join(root, "work", "project");
  mkdirSync(home, { recursive: true });
  mkdirSync(join(project, ".git"), { recursive: true });
  return {
    root,
    home,
    project,
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
