import { relative, sep } from "node:path";
import { gitIgnoreFor } from "../../tools/gitignore.js";
import { walkFiles } from "../../tools/walk.js";
import type { EditorState } from "./editor.js";

/** Most files listed for completion: enough for any project one would browse by name, bounded for huge trees. */
const MAX_FILES = 20_000;

/** The `@path` word the cursor is at the end of: where it starts and what is typed after the `@`. */
export function atWord(s: EditorState): { start: number; query: string } | undefined {
  const before = s.text.slice(0, s.cursor);
  const m = /(?:^|\s)@(\S*)$/.exec(before);
  if (!m) return undefined;
  return { start: s.cursor - m[1]!.length - 1, query: m[1]! };
}

export interface Completion {
  state: EditorState;
  /** The candidates when more than one path matches (shown under the prompt). */
  matches: string[];
}

/**
 * Tab after `@query`: the files whose path starts with the query (else contains it, case-insensitively). One
 * match completes to `@path `; several extend the word to their longest common prefix and are listed.
 */
export function completeAt(s: EditorState, files: readonly string[]): Completion | undefined {
  const word = atWord(s);
  if (!word) return undefined;
  const q = word.query;
  let matches = files.filter((f) => f.startsWith(q));
  if (matches.length === 0) {
    const lower = q.toLowerCase();
    matches = files.filter((f) => f.toLowerCase().includes(lower));
  }
  if (matches.length === 0) return { state: s, matches: [] };
  const sorted = [...matches].sort();
  const replace = (text: string) => ({
    text: s.text.slice(0, word.start) + text + s.text.slice(s.cursor),
    cursor: word.start + text.length,
  });
  if (sorted.length === 1) return { state: replace(`@${sorted[0]} `), matches: [] };
  const common = commonPrefix(sorted);
  return { state: common.length > q.length ? replace(`@${common}`) : s, matches: sorted };
}

function commonPrefix(xs: readonly string[]): string {
  let p = xs[0] ?? "";
  for (const x of xs) while (!x.startsWith(p)) p = p.slice(0, -1);
  return p;
}

/** Files under `root` (relative, forward slashes) that .gitignore does not exclude, `.git` skipped. */
export async function listProjectFiles(root: string, limit = MAX_FILES): Promise<string[]> {
  const rules = gitIgnoreFor(root, root);
  const out: string[] = [];
  const walk = walkFiles(root, {
    enterDirectory: (abs, _rel, name) => name !== ".git" && !rules.ignores(abs, true),
    includeFile: (abs) => !rules.ignores(abs, false),
  });
  for await (const abs of walk) {
    out.push(relative(root, abs).split(sep).join("/"));
    if (out.length >= limit) break;
  }
  return out.sort();
}
