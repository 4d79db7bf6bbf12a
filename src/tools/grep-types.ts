/** A search request after validation, shared by the ripgrep and JavaScript engines. */
export interface GrepQuery {
  pattern: string;
  /** Absolute file or directory to search. */
  root: string;
  rootIsFile: boolean;
  /** Project root, for locating .gitignore files. */
  projectRoot: string;
  caseInsensitive: boolean;
  /** User globs (ripgrep semantics), already split. */
  globs: string[];
  /** Globs of the `type` filter; undefined when no type was given. */
  typeGlobs?: string[];
  /** The `type` name, for ripgrep's own definitions when we have none. */
  typeName?: string;
  before: number;
  after: number;
  mode: "content" | "files_with_matches" | "count";
  /** Directory names skipped (".git", and "node_modules" unless the search names it). */
  skipNames: string[];
  /** Engines stop collecting lines past this, to bound memory; the result says so. */
  maxLines: number;
  signal: AbortSignal;
}

/** One line of output: a match or a context line. */
export interface GrepLine {
  line: number;
  text: string;
  match: boolean;
}

/** What an engine found in one file. */
export interface FileHits {
  path: string;
  /** Number of matching lines (ripgrep's --count). */
  matchedLines: number;
  /** Matching and context lines in order (content mode only). */
  lines: GrepLine[];
}

/** An engine's answer. */
export interface GrepOutcome {
  files: FileHits[];
  /** Stopped early because maxLines was reached. */
  truncated: boolean;
  /** A problem worth reporting (bad regex); set only when nothing could be searched. */
  error?: string;
}

/** File types for the `type` filter; ripgrep gets the same definitions so both engines agree. */
export const FILE_TYPES: Record<string, string[]> = {
  js: ["*.js", "*.jsx", "*.mjs", "*.cjs"],
  ts: ["*.ts", "*.tsx", "*.mts", "*.cts"],
  py: ["*.py", "*.pyi"],
  rust: ["*.rs"],
  go: ["*.go"],
  java: ["*.java"],
  kotlin: ["*.kt", "*.kts"],
  c: ["*.c", "*.h"],
  cpp: ["*.cpp", "*.cc", "*.cxx", "*.hpp", "*.hh", "*.hxx", "*.h"],
  cs: ["*.cs"],
  rb: ["*.rb"],
  php: ["*.php"],
  swift: ["*.swift"],
  sh: ["*.sh", "*.bash", "*.zsh"],
  md: ["*.md", "*.markdown", "*.mdx"],
  json: ["*.json", "*.jsonc"],
  yaml: ["*.yaml", "*.yml"],
  toml: ["*.toml"],
  html: ["*.html", "*.htm"],
  css: ["*.css", "*.scss", "*.sass", "*.less"],
  sql: ["*.sql"],
};

const ALIASES: Record<string, string> = {
  javascript: "js",
  typescript: "ts",
  python: "py",
  rs: "rust",
  golang: "go",
  markdown: "md",
  ruby: "rb",
  shell: "sh",
  bash: "sh",
  yml: "yaml",
  "c++": "cpp",
  csharp: "cs",
};

/** Globs for a type name (or alias), or undefined when unknown. */
export function typeGlobs(name: string): string[] | undefined {
  const key = name.toLowerCase();
  return FILE_TYPES[ALIASES[key] ?? key];
}
