import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { compileGlobRule, type GlobRule, ruleMatches } from "./glob-match.js";
import { isInside, toPosixRelative } from "./paths.js";

/**
 * The .gitignore files from `root` down, with ripgrep's semantics: each file's rules are relative to its
 * own directory, within a file the last matching rule wins, the deepest file with a matching rule decides,
 * and nothing inside an ignored directory is seen. Directories at or above `floor` (the search root the
 * user named) are never treated as ignored, so searching inside `dist/` on purpose works. Files are loaded
 * lazily and cached; one instance serves one search.
 */
export class GitIgnoreRules {
  private readonly perDirectory = new Map<string, GlobRule[] | null>();
  private readonly directoryVerdicts = new Map<string, boolean>();
  private readonly floorDepth: number;

  constructor(
    readonly root: string,
    floor: string = root,
  ) {
    const rel = toPosixRelative(root, floor);
    this.floorDepth = rel === "" ? 0 : rel.split("/").length;
  }

  /** True when `abs` (a file, or a directory when `isDirectory`) is ignored; paths outside the root never are. */
  ignores(abs: string, isDirectory: boolean): boolean {
    const rel = toPosixRelative(this.root, abs);
    if (rel === "" || rel === ".." || rel.startsWith("../") || rel.startsWith("/")) return false;
    const segments = rel.split("/");
    if (segments.length <= this.floorDepth) return false;
    for (let depth = this.floorDepth + 1; depth < segments.length; depth++) {
      if (this.directoryIgnored(segments.slice(0, depth))) return true;
    }
    return isDirectory ? this.directoryIgnored(segments) : this.entryIgnored(segments, false);
  }

  private directoryIgnored(segments: string[]): boolean {
    const key = segments.join("/");
    let verdict = this.directoryVerdicts.get(key);
    if (verdict === undefined) {
      verdict = this.entryIgnored(segments, true);
      this.directoryVerdicts.set(key, verdict);
    }
    return verdict;
  }

  /** The deepest .gitignore with a matching rule decides; within it, the last matching rule. */
  private entryIgnored(segments: string[], isDirectory: boolean): boolean {
    for (let level = segments.length - 1; level >= 0; level--) {
      const rules = this.rulesFor(segments.slice(0, level).join("/"));
      if (!rules) continue;
      const rel = segments.slice(level).join("/");
      for (let i = rules.length - 1; i >= 0; i--) {
        const rule = rules[i]!;
        if (ruleMatches(rule, rel, isDirectory)) return !rule.negative;
      }
    }
    return false;
  }

  private rulesFor(relDir: string): GlobRule[] | null {
    let rules = this.perDirectory.get(relDir);
    if (rules === undefined) {
      rules = null;
      try {
        rules = parseGitignore(readFileSync(join(this.root, relDir, ".gitignore"), "utf8"));
      } catch {
        // No .gitignore here.
      }
      this.perDirectory.set(relDir, rules);
    }
    return rules;
  }
}

/** Parses .gitignore text: comments, blank lines, `\#` and `\!` escapes, unescaped trailing spaces. */
export function parseGitignore(text: string): GlobRule[] {
  const rules: GlobRule[] = [];
  for (const raw of text.split("\n")) {
    let line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line === "" || line.startsWith("#")) continue;
    line = line.replace(/(?<!\\)\s+$/, "");
    if (line === "") continue;
    let negative = false;
    if (line.startsWith("!")) {
      negative = true;
      line = line.slice(1);
    } else if (line.startsWith("\\!") || line.startsWith("\\#")) {
      line = line.slice(1);
    }
    try {
      const rule = compileGlobRule(line);
      rules.push({ ...rule, negative });
    } catch {
      // A pattern we cannot compile is skipped, as git skips invalid ones.
    }
  }
  return rules;
}

/**
 * The rules for a search under `searchRoot`: from the enclosing git work tree if there is one (so a root
 * .gitignore counts when searching a subdirectory), else from the project root, else from the search root.
 */
export function gitIgnoreFor(projectRoot: string, searchRoot: string): GitIgnoreRules {
  const root = gitWorkTree(searchRoot) ?? (isInside(projectRoot, searchRoot) ? projectRoot : searchRoot);
  return new GitIgnoreRules(root, searchRoot);
}

/** The nearest directory at or above `start` that holds `.git`. */
function gitWorkTree(start: string): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, ".git"))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}
