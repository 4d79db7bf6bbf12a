import { existsSync, readdirSync, realpathSync } from "node:fs";
import { homedir } from "node:os";
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from "node:path";

/** Resolves a path from the model: absolute, `~/…`, or relative to the project root. */
export function resolvePath(cwd: string, input: string): string {
  if (input === "~") return homedir();
  if (input.startsWith("~/")) return join(homedir(), input.slice(2));
  return isAbsolute(input) ? resolve(input) : resolve(cwd, input);
}

/**
 * The absolute path permissions should judge: symlinks resolved for the part that exists, so a link inside
 * the workspace pointing outside it is seen for what it is. Works for files that do not exist yet.
 */
export function resolveForPermission(cwd: string, input: string): string {
  const abs = resolvePath(cwd, input);
  let existing = abs;
  const rest: string[] = [];
  while (!existsSync(existing)) {
    const parent = dirname(existing);
    if (parent === existing) return abs;
    rest.unshift(basename(existing));
    existing = parent;
  }
  try {
    return join(realpathSync(existing), ...rest);
  } catch {
    return abs;
  }
}

/** Realpath when the file exists (so one file has one key in the tracker), else the path itself. */
export function canonicalPath(abs: string): string {
  try {
    return realpathSync(abs);
  } catch {
    return abs;
  }
}

/** True when `child` is `parent` or lies below it. */
export function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}

/** Path relative to the root with forward slashes, as ignore rules expect. */
export function toPosixRelative(root: string, abs: string): string {
  return relative(root, abs).split(sep).join("/");
}

/** Up to 3 names in the same directory that look like what the model meant (case, extension, typo). */
export function similarNames(abs: string): string[] {
  const dir = dirname(abs);
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  const wanted = basename(abs).toLowerCase();
  const wantedStem = stem(wanted);
  const scored: { name: string; score: number }[] = [];
  for (const name of entries) {
    const lower = name.toLowerCase();
    let score: number;
    if (lower === wanted) score = 0;
    else if (stem(lower) === wantedStem) score = 1;
    else {
      const distance = editDistance(lower, wanted);
      if (distance > Math.max(2, Math.floor(wanted.length / 4))) continue;
      score = 1 + distance;
    }
    scored.push({ name, score });
  }
  return scored
    .sort((a, b) => a.score - b.score || a.name.localeCompare(b.name))
    .slice(0, 3)
    .map((s) => join(dir, s.name));
}

function stem(name: string): string {
  const ext = extname(name);
  return ext ? name.slice(0, -ext.length) : name;
}

/** Levenshtein distance; names are short, so the quadratic table is fine. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** The "file not found" message, with guesses and the directory Read resolved against. */
export function notFoundMessage(abs: string, cwd: string): string {
  const lines = [`File does not exist: ${abs}`];
  const guesses = similarNames(abs);
  if (guesses.length > 0) lines.push(`Did you mean: ${guesses.join(", ")}?`);
  else if (!existsSync(dirname(abs))) lines.push(`Its directory ${dirname(abs)} does not exist either.`);
  lines.push(`Relative paths resolve against the project root ${cwd}; use Glob to find files by name.`);
  return lines.join("\n");
}
