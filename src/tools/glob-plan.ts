// Where a Glob pattern really searches. `/etc/**`, `../*`, `sub/../../*` and `{src,../other}/*` all reach
// past the `path` argument, so permissions are checked against these bases and the search walks only them.
// See docs/security/protected-paths.md ("Search boundaries").
import { dirname, isAbsolute, posix, resolve } from "node:path";
import braces from "braces";

/** One directory to walk and the patterns (relative to it) to match there. */
export interface GlobSearch {
  /** Absolute directory, symlinks not yet resolved (permissions resolve them). */
  readonly base: string;
  readonly patterns: readonly string[];
}

/** Brace alternatives beyond this are refused: `{1..100000}` would otherwise mean 100000 searches. */
const MAX_ALTERNATIVES = 1000;

// Characters that make a segment a pattern rather than a name (unless escaped with a backslash).
const MAGIC = /(?<!\\)[*?[\]{}()!|]/;

/**
 * Splits a pattern into searches: braces expanded (escaped braces kept literal), each alternative's literal
 * leading directories and any `..` it climbs moved into its base. Returns an error message for a pattern
 * with too many alternatives.
 */
export function planGlobSearch(searchPath: string, pattern: string): GlobSearch[] | string {
  let alternatives: string[];
  try {
    alternatives = braces(pattern, {
      expand: true,
      keepEscaping: true,
      keepQuotes: true,
      rangeLimit: MAX_ALTERNATIVES,
    });
  } catch {
    return tooMany(pattern);
  }
  if (alternatives.length > MAX_ALTERNATIVES) return tooMany(pattern);
  const byBase = new Map<string, string[]>();
  for (const alternative of alternatives.length > 0 ? alternatives : [pattern]) {
    const { base, rest } = splitAlternative(searchPath, alternative);
    const patterns = byBase.get(base) ?? [];
    if (!patterns.includes(rest)) patterns.push(rest);
    byBase.set(base, patterns);
  }
  return [...byBase].map(([base, patterns]) => ({ base, patterns }));
}

/** ("/p", "src/**\/*.ts") → base "/p/src", rest "**\/*.ts"; ("/p", "*\/../../x") → base "/", rest "x". */
function splitAlternative(searchPath: string, alternative: string): { base: string; rest: string } {
  const segments = alternative.split("/");
  let literal = 0;
  // The last segment always stays in the pattern, so `a/b.txt` searches `a` for `b.txt`.
  while (literal < segments.length - 1 && !MAGIC.test(segments[literal]!)) literal++;
  const prefix = segments.slice(0, literal).map(withoutEscapes).join("/");
  let base = isAbsolute(alternative) ? resolve("/", prefix) : resolve(searchPath, prefix);
  // `*/../..` climbs as surely as `../`: after normalising, any `..` left leads the pattern.
  let rest = posix.normalize(segments.slice(literal).join("/"));
  while (rest === ".." || rest.startsWith("../")) {
    base = dirname(base);
    rest = rest === ".." ? "." : rest.slice(3);
  }
  return { base, rest };
}

function withoutEscapes(segment: string): string {
  return segment.replace(/\\(.)/g, "$1");
}

function tooMany(pattern: string): string {
  return `The pattern ${pattern} expands to more than ${MAX_ALTERNATIVES} alternatives; use a narrower pattern (fewer or smaller {…} groups).`;
}
