/** Ctrl-R: the newest history entry containing `query` (case-insensitive), searching older than `before`. */
export function searchHistory(
  entries: readonly string[],
  query: string,
  before = entries.length,
): { index: number; text: string } | undefined {
  const q = query.toLowerCase();
  for (let i = Math.min(before, entries.length) - 1; i >= 0; i--) {
    const text = entries[i]!;
    if (text.toLowerCase().includes(q)) return { index: i, text };
  }
  return undefined;
}
