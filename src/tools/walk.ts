import type { Dirent } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";

/** Decides what the walker enters and yields; paths relative to the walk's start use forward slashes. */
export interface WalkFilter {
  enterDirectory(abs: string, rel: string, name: string): boolean;
  includeFile(abs: string, rel: string): boolean;
  signal?: AbortSignal;
}

/**
 * Yields every regular file below `start` (absolute paths) that the filter accepts, pruning directories
 * before entering them. Symbolic links are not followed, as ripgrep does by default.
 */
export async function* walkFiles(start: string, filter: WalkFilter): AsyncGenerator<string> {
  const stack: { abs: string; rel: string }[] = [{ abs: start, rel: "" }];
  while (stack.length > 0) {
    if (filter.signal?.aborted) return;
    const dir = stack.pop()!;
    let entries: Dirent[];
    try {
      entries = await readdir(dir.abs, { withFileTypes: true });
    } catch {
      continue; // unreadable or vanished: skip, as ripgrep does (it only warns)
    }
    for (const entry of entries) {
      const abs = join(dir.abs, entry.name);
      const rel = dir.rel === "" ? entry.name : `${dir.rel}/${entry.name}`;
      if (entry.isDirectory()) {
        if (filter.enterDirectory(abs, rel, entry.name)) stack.push({ abs, rel });
      } else if (entry.isFile() && filter.includeFile(abs, rel)) {
        yield abs;
      }
    }
  }
}
