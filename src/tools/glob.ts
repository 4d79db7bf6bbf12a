import { stat } from "node:fs/promises";
import { dirname } from "node:path";
import { glob as tinyglob } from "tinyglobby";
import { z } from "zod";
import { gitIgnoreFor } from "./gitignore.js";
import { type GlobSearch, planGlobSearch } from "./glob-plan.js";
import { isInside, resolveForPermission, resolvePath } from "./paths.js";
import { type Tool, type ToolOptions, toolError } from "./types.js";

const MAX_RESULTS = 100;

const inputSchema = z.object({
  pattern: z.string().min(1).describe('Glob pattern, e.g. "**/*.ts" or "src/**/*.{ts,tsx}"'),
  path: z.string().optional().describe("Directory to search in (default: the project root)"),
});

/** Glob's input. */
export type GlobInput = z.infer<typeof inputSchema>;

/** Finds files by name pattern, newest first, respecting .gitignore. */
export const createGlobTool = (options: ToolOptions): Tool<GlobInput> => ({
  name: "Glob",
  description: [
    'Finds files whose paths match a glob pattern ("**/*.ts", "src/**/test_*.py", "*.{json,yaml}"), relative',
    `to path (default: the project root). Returns absolute paths, most recently modified first, at most`,
    `${MAX_RESULTS}. Files ignored by .gitignore, and .git and node_modules, are left out unless the pattern`,
    "names them. Use Grep to search file contents.",
  ].join(" "),
  inputSchema,
  readOnly: true,
  // The bases the pattern really searches (an absolute or `../` pattern leaves `path` behind), not just `path`.
  permissionTarget: (input) => {
    const searchPath = resolvePath(options.cwd, input.path ?? ".");
    const plan = planGlobSearch(searchPath, input.pattern);
    const bases = typeof plan === "string" ? [searchPath] : plan.map((search) => search.base);
    return { kind: "read", paths: bases.map((base) => resolveForPermission(options.cwd, base)) };
  },
  summarize: (input) => (input.path ? `${input.pattern} in ${input.path}` : input.pattern),
  async run(input, ctx) {
    const searchPath = resolvePath(ctx.cwd, input.path ?? ".");
    const info = await stat(searchPath).catch(() => undefined);
    if (!info?.isDirectory()) return toolError(`Directory does not exist: ${searchPath}`);
    // Walk from each alternative's literal directory prefix: faster, a directory the pattern names on purpose
    // ("dist/**/*.js") is searched even though .gitignore lists it, and these bases are what was approved.
    const plan = planGlobSearch(searchPath, input.pattern);
    if (typeof plan === "string") return toolError(plan);
    const found = new Set<string>();
    let hidden = 0;
    for (const search of plan) {
      const result = await searchOne(search, ctx.cwd, ctx.signal);
      hidden += result.hidden;
      for (const file of result.visible) found.add(file);
    }
    const visible = [...found];
    if (ctx.signal.aborted) return toolError("Glob was interrupted.");
    // Files a deny rule keeps from the model are left out, not just refused on Read.
    const kept = ctx.readable ? visible.filter((file) => ctx.readable!(file)) : visible;
    if (kept.length === 0) {
      const note =
        hidden > 0
          ? ` (${hidden} matching file(s) are ignored by .gitignore; name their directory in the pattern, e.g. "dist/**/*.js", to include them)`
          : "";
      return { content: `No files found${note}.` };
    }
    const newest = await newestFiles(kept, MAX_RESULTS, ctx.signal);
    if (ctx.signal.aborted) return toolError("Glob was interrupted.");
    const lines = newest.map((entry) => entry.file);
    if (kept.length > MAX_RESULTS) {
      lines.push(
        `(Showing the ${MAX_RESULTS} most recently modified of ${kept.length} files. Use a more specific pattern or path.)`,
      );
    }
    return { content: lines.join("\n") };
  },
});

/** Files stat'ed at once: a 200k-file match must not become 200k pending stat calls (about 1 GB). */
const STAT_BATCH = 256;

/** The `count` most recently modified of `files` (ties by name), stat'ing in bounded batches. */
async function newestFiles(
  files: readonly string[],
  count: number,
  signal: AbortSignal,
): Promise<{ file: string; mtime: number }[]> {
  const byNewest = (a: { file: string; mtime: number }, b: { file: string; mtime: number }) =>
    b.mtime - a.mtime || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0);
  let top: { file: string; mtime: number }[] = [];
  for (let i = 0; i < files.length && !signal.aborted; i += STAT_BATCH) {
    const batch = await Promise.all(
      files.slice(i, i + STAT_BATCH).map(async (file) => ({
        file,
        mtime: await stat(file).then(
          (s) => s.mtimeMs,
          () => 0,
        ),
      })),
    );
    top = [...top, ...batch].sort(byNewest).slice(0, count);
  }
  return top;
}

/** Matches one search's patterns under its base; names whose directory really lies outside it are dropped. */
async function searchOne(
  search: GlobSearch,
  projectRoot: string,
  signal: AbortSignal,
): Promise<{ visible: string[]; hidden: number }> {
  const { base, patterns } = search;
  if (!(await stat(base).catch(() => undefined))?.isDirectory()) return { visible: [], hidden: 0 };
  const skipped = ["node_modules", ".git"].filter(
    (name) => !patterns.some((p) => p.includes(name)) && !base.includes(name),
  );
  const matches = await tinyglob([...patterns], {
    cwd: base,
    absolute: true,
    dot: true,
    onlyFiles: true,
    expandDirectories: false,
    followSymbolicLinks: false,
    // Braces were expanded by planGlobSearch; what is left of them is escaped, literal text.
    braceExpansion: false,
    ignore: skipped.map((name) => `**/${name}/**`),
    signal,
  });
  // Defence in depth: whatever the matcher does, no name is listed from a directory outside the base that
  // permissions judged (a symlinked directory inside it leading elsewhere, say).
  const realBase = resolveForPermission(base, ".");
  const realDirs = new Map<string, boolean>();
  const within = (file: string) => {
    const dir = dirname(file);
    let inside = realDirs.get(dir);
    if (inside === undefined) {
      inside = isInside(realBase, resolveForPermission(base, dir));
      realDirs.set(dir, inside);
    }
    return inside;
  };
  const rules = gitIgnoreFor(projectRoot, base);
  const contained = matches.filter(within);
  const visible = contained.filter((file) => !rules.ignores(file, false));
  return { visible, hidden: contained.length - visible.length };
}
