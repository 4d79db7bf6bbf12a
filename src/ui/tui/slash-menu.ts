/** A command the `/` menu can offer. */
export interface MenuCommand {
  name: string;
  help: string;
}

/** Commands shown at once under the prompt. */
export const MENU_ROWS = 8;

/**
 * The `/` menu's query while the prompt is a bare command being typed (`/co`), else undefined: once a space
 * follows the name the user is typing arguments and the menu gets out of the way.
 */
export function menuQuery(text: string): string | undefined {
  const m = /^\/(\S*)$/.exec(text);
  return m ? m[1]!.toLowerCase() : undefined;
}

/** True when every character of `query` appears in `name` in order (`cst` → `cost`). */
function subsequence(query: string, name: string): boolean {
  let i = 0;
  for (const ch of name) if (ch === query[i]) i++;
  return i === query.length;
}

/** Commands matching the query, best first: name prefix, then substring, then letters in order. */
export function filterCommands<T extends MenuCommand>(commands: readonly T[], query: string): T[] {
  const rank = (c: T) => {
    const name = c.name.toLowerCase();
    if (name.startsWith(query)) return 0;
    if (name.includes(query)) return 1;
    if (subsequence(query, name)) return 2;
    return 3;
  };
  return commands
    .map((c, i) => ({ c, i, r: rank(c) }))
    .filter((x) => x.r < 3)
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.c);
}
