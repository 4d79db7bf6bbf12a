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
