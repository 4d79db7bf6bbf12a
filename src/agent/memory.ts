import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

/** Memory files, in the order agents users already keep them: the open standard first, then ours, then Claude's. */
export const MEMORY_FILE_NAMES = ["AGENTS.md", "QUARRY.md", "CLAUDE.md"];
/** Memory files larger than this are cut, so one huge file cannot fill the context window. */
const MAX_MEMORY_BYTES = 40_000;

export interface MemoryFile {
  path: string;
  /** Shown to the model: relative to the project, or the user config dir. */
  label: string;
  content: string;
}

/**
 * Collects memory files from the user config dir, then from the repo root down to cwd (so the most specific
 * instructions come last and win ties), the way Claude Code and AGENTS.md tools layer them.
 */
export function loadMemoryFiles(
  cwd: string,
  repoRoot: string | undefined,
  userConfigDir: string | undefined,
): MemoryFile[] {
  const out: MemoryFile[] = [];
  const read = (dir: string, label: (name: string) => string) => {
    for (const name of MEMORY_FILE_NAMES) {
      const path = join(dir, name);
      if (!existsSync(path)) continue;
      try {
        let content = readFileSync(path, "utf8");
        if (content.length > MAX_MEMORY_BYTES)
          content = `${content.slice(0, MAX_MEMORY_BYTES)}\n[… truncated]`;
        out.push({ path, label: label(name), content });
      } catch {
        // An unreadable memory file is skipped, not fatal.
      }
    }
  };
  if (userConfigDir) read(userConfigDir, (name) => `~user/${name}`);
  const top = resolve(repoRoot ?? cwd);
  const dirs: string[] = [];
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    dirs.unshift(dir);
    if (dir === top || dirname(dir) === dir) break;
  }
  for (const dir of dirs) read(dir, (name) => relative(top, join(dir, name)) || name);
  return out;
}

/** Finds the git repository root above `cwd`, if any. */
export function findRepoRoot(cwd: string): string | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, ".git"))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}
