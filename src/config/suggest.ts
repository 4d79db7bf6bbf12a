/** Edit distance (insert, delete, substitute, swap of neighbours) between two short strings. */
function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = rows[i]!;
      const above = rows[i - 1]!;
      row[j] = Math.min(above[j]! + 1, row[j - 1]! + 1, above[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        row[j] = Math.min(row[j]!, rows[i - 2]![j - 2]! + 1);
      }
    }
  }
  return rows[a.length]![b.length]!;
}

// snake_case, kebab-case and case slips ("max_output_tokens", "Model") should find their camelCase key.
function normalise(key: string): string {
  return key.replace(/[-_\s]/g, "").toLowerCase();
}

/**
 * The known key a mistyped one most likely meant, or undefined when none is close. `aliases` maps other
 * spellings users bring along (env var names such as AWS_REGION) straight to a key.
 */
export function suggestKey(
  unknown: string,
  known: readonly string[],
  aliases: ReadonlyMap<string, string> = new Map(),
): string | undefined {
  const alias = aliases.get(unknown) ?? aliases.get(unknown.toUpperCase());
  if (alias !== undefined) return alias;
  const target = normalise(unknown);
  let best: { key: string; distance: number } | undefined;
  for (const key of known) {
    const distance = editDistance(target, normalise(key));
    if (best === undefined || distance < best.distance) best = { key, distance };
  }
  if (best === undefined) return undefined;
  const allowed = Math.max(2, Math.floor(target.length / 3));
  return best.distance <= allowed ? best.key : undefined;
}
