import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { MEMORY_FILE_NAMES } from "../../agent/memory.js";
import { atomicWriteFile } from "../../tools/atomic-write.js";

/** A memory file `#` can add to. */
export interface MemoryTarget {
  label: string;
  path: string;
}

/** The file of a folder Quarry already reads (AGENTS.md, QUARRY.md, CLAUDE.md), else a new QUARRY.md there. */
function memoryFileIn(dir: string): string {
  const existing = MEMORY_FILE_NAMES.map((n) => join(dir, n)).find((p) => existsSync(p));
  return existing ?? join(dir, "QUARRY.md");
}

/**
 * Where `# note` can go: the project's memory file (at the repository root) and the user's (in Quarry's config
 * dir), the two places src/agent/memory.ts loads memory from.
 */
export function memoryTargets(projectRoot: string, userConfigDir: string): MemoryTarget[] {
  return [
    { label: "Project memory", path: memoryFileIn(projectRoot) },
    { label: "User memory (every project)", path: memoryFileIn(userConfigDir) },
  ];
}

/** Appends `note` as a list item, atomically: a crash leaves the old file or the new one, never half. */
export async function appendMemoryNote(path: string, note: string): Promise<void> {
  const before = existsSync(path) ? readFileSync(path, "utf8") : "";
  const sep = before === "" || before.endsWith("\n") ? "" : "\n";
  mkdirSync(dirname(path), { recursive: true });
  await atomicWriteFile(path, `${before}${sep}- ${note.trim()}\n`);
}
