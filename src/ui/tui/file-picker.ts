/** Most files the `@` picker lists under the prompt. */
export const PICKER_ROWS = 8;

/** True when every character of `query` appears in `text` in order (`apx` → `App.tsx`). */
function subsequence(query: string, text: string): boolean {
  let i = 0;
  for (const ch of text) if (ch === query[i]) i++;
  return i === query.length;
}

/**
 * The `@` picker's candidates for `query`, best first: file name starts with it, path starts with it, path
 * contains it, then its letters in order; ties go to the shorter path (usually the one meant). Case-insensitive.
 */
export function rankFiles(files: readonly string[], query: string, limit = PICKER_ROWS): string[] {
  const q = query.toLowerCase();
  const rank = (path: string) => {
    const p = path.toLowerCase();
    const name = p.slice(p.lastIndexOf("/") + 1);
    if (name.startsWith(q)) return 0;
    if (p.startsWith(q)) return 1;
    if (p.includes(q)) return 2;
    if (subsequence(q, p)) return 3;
    return 4;
  };
  return files
    .map((f) => ({ f, r: rank(f) }))
    .filter((x) => x.r < 4)
    .sort((a, b) => a.r - b.r || a.f.length - b.f.length || a.f.localeCompare(b.f))
    .slice(0, limit)
    .map((x) => x.f);
}
