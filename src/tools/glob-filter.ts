import { compileGlobRule, expandBraces, type GlobRule, ruleMatches } from "./glob-match.js";

/** How a list of globs judges one path. */
export type GlobVerdict = "include" | "exclude" | "none";

/**
 * Grep's `glob` and `type` filters with ripgrep's override semantics: gitignore-style globs, `!glob`
 * excludes, the last matching glob wins, and when any positive glob is given, a file must match one.
 * A path matching a positive glob is searched even if .gitignore or the type filter would skip it, and
 * directories are only pruned by negative globs — both exactly as ripgrep's `-g` behaves.
 */
export class GlobFilter {
  private readonly rules: GlobRule[];
  /** True when at least one positive glob was given. */
  readonly hasPositive: boolean;

  constructor(globs: readonly string[]) {
    this.rules = globs.flatMap(expandBraces).map(compileGlobRule);
    this.hasPositive = this.rules.some((r) => !r.negative);
  }

  /** The verdict of the last glob matching `rel` (a path relative to the search root, forward slashes). */
  verdict(rel: string, isDirectory: boolean): GlobVerdict {
    for (let i = this.rules.length - 1; i >= 0; i--) {
      const rule = this.rules[i]!;
      if (ruleMatches(rule, rel, isDirectory)) return rule.negative ? "exclude" : "include";
    }
    return "none";
  }

  /** Whether a file passes on its own (no positive glob given, or one matches; no negative glob wins). */
  includesFile(rel: string): boolean {
    const verdict = this.verdict(rel, false);
    return verdict === "include" || (verdict === "none" && !this.hasPositive);
  }
}
