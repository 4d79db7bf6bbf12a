import { stat } from "node:fs/promises";
import { sep } from "node:path";
import { z } from "zod";
import { splitGlobs } from "./glob-match.js";
import { grepWithJs } from "./grep-js.js";
import { grepWithRipgrep, ripgrepAvailable } from "./grep-rg.js";
import { FILE_TYPES, type FileHits, type GrepOutcome, type GrepQuery, typeGlobs } from "./grep-types.js";
import { resolveForPermission, resolvePath } from "./paths.js";
import { type Tool, type ToolOptions, toolError } from "./types.js";

const DEFAULT_HEAD_LIMIT = 250;
const MAX_LINE_CHARS = 500;
const MAX_OUTPUT_CHARS = 30_000;
/** Lines collected before engines stop; sorting needs them all in memory. */
const MAX_COLLECTED_LINES = 20_000;

const inputSchema = z.object({
  pattern: z.string().min(1).describe("Regular expression to search file contents for"),
  path: z.string().optional().describe("File or directory to search (default: the project root)"),
  glob: z
    .string()
    .optional()
    .describe('Only search files matching this glob, e.g. "*.ts" or "src/**/*.{ts,tsx}"'),
  type: z
    .string()
    .optional()
    .describe(`File type to search: ${Object.keys(FILE_TYPES).join(", ")}`),
  output_mode: z
    .enum(["content", "files_with_matches", "count"])
    .optional()
    .describe(
      "files_with_matches (default): paths of matching files; content: matching lines; count: matches per file",
    ),
  "-i": z.boolean().optional().describe("Case-insensitive search"),
  "-n": z.boolean().optional().describe("Show line numbers (content mode; default true)"),
  "-A": z.number().int().min(0).optional().describe("Lines of context after each match (content mode)"),
  "-B": z.number().int().min(0).optional().describe("Lines of context before each match (content mode)"),
  "-C": z
    .number()
    .int()
    .min(0)
    .optional()
    .describe("Lines of context before and after each match (content mode)"),
  head_limit: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe(`Return only the first N lines / files / counts (default ${DEFAULT_HEAD_LIMIT})`),
});

/** Grep's input. */
export type GrepInput = z.infer<typeof inputSchema>;

/** Which search implementation to use: ripgrep when installed ("auto"), or one forced (tests, benchmarks). */
export type GrepEngine = "auto" | "rg" | "js";

/** Regex search over file contents; ripgrep when present, a JavaScript fallback otherwise. */
export const createGrepTool = (options: ToolOptions & { engine?: GrepEngine }): Tool<GrepInput> => ({
  name: "Grep",
  description: [
    "Searches file contents with a regular expression (ripgrep syntax: escape literal braces, e.g.",
    "`interface\\{\\}`). Respects .gitignore and skips binary files, .git and node_modules. Filter files with",
    "glob or type. output_mode: files_with_matches (default; newest first), content (file:line:text, with -A/-B/-C",
    "context), or count. Lines are matched one at a time. Use this instead of grep or rg in Bash.",
  ].join(" "),
  inputSchema,
  readOnly: true,
  permissionTarget: (input) => ({
    kind: "read",
    paths: [resolveForPermission(options.cwd, input.path ?? ".")],
  }),
  summarize: (input) => `"${input.pattern}"${input.path ? ` in ${input.path}` : ""}`,
  async run(input, ctx) {
    const root = resolvePath(ctx.cwd, input.path ?? ".");
    const info = await stat(root).catch(() => undefined);
    if (!info) return toolError(`Path does not exist: ${root}`);
    let types: string[] | undefined;
    if (input.type) {
      types = typeGlobs(input.type);
      const canAskRipgrep = options.engine !== "js" && (await ripgrepAvailable());
      if (!types && !canAskRipgrep) {
        return toolError(
          `Unknown file type "${input.type}". Known types: ${Object.keys(FILE_TYPES).join(", ")}. Or use glob, e.g. "*.ext".`,
        );
      }
    }
    const globs = input.glob ? splitGlobs(input.glob) : [];
    const namesNodeModules =
      root.split(sep).includes("node_modules") || globs.some((g) => g.includes("node_modules"));
    const mode = input.output_mode ?? "files_with_matches";
    const query: GrepQuery = {
      pattern: input.pattern,
      root,
      rootIsFile: !info.isDirectory(),
      projectRoot: ctx.cwd,
      caseInsensitive: input["-i"] ?? false,
      globs,
      typeGlobs: types,
      typeName: input.type,
      before: input["-B"] ?? input["-C"] ?? 0,
      after: input["-A"] ?? input["-C"] ?? 0,
      mode,
      skipNames: namesNodeModules ? [".git"] : [".git", "node_modules"],
      maxLines: MAX_COLLECTED_LINES,
      signal: ctx.signal,
    };
    const outcome = await runEngine(query, options.engine ?? "auto");
    if (outcome.error) return toolError(outcome.error);
    if (ctx.signal.aborted) return toolError("Grep was interrupted.");
    const readable = ctx.readable;
    const allowed = readable
      ? { ...outcome, files: outcome.files.filter((f) => readable(resolvePath(query.root, f.path))) }
      : outcome;
    const withheld = outcome.files.length - allowed.files.length;
    const content = await formatOutcome(allowed, query, input["-n"] ?? true, input.head_limit);
    return {
      content: withheld > 0 ? `${content}\n(${withheld} matching file(s) withheld by deny rules.)` : content,
    };
  },
});

/** Runs the chosen engine; exported so tests and benchmarks can compare them on the same query. */
export async function runEngine(query: GrepQuery, engine: GrepEngine): Promise<GrepOutcome> {
  const useRipgrep = engine === "rg" || (engine === "auto" && (await ripgrepAvailable()));
  if (!useRipgrep) return grepWithJs(query);
  const outcome = await grepWithRipgrep(query);
  // ripgrep's default engine lacks look-around and backreferences, which models use out of JavaScript
  // habit; the JavaScript engine has them and applies the same filters.
  if (outcome.error && /look-?around|backreference/i.test(outcome.error)) return grepWithJs(query);
  return outcome;
}

/** Turns an engine's hits into the text the model sees; both engines share it, so their output is identical. */
export async function formatOutcome(
  outcome: GrepOutcome,
  query: GrepQuery,
  lineNumbers: boolean,
  headLimit = DEFAULT_HEAD_LIMIT,
): Promise<string> {
  const files = outcome.files;
  if (files.length === 0) return "No matches found.";
  const out: string[] = [];
  let shown = 0;
  let total = 0;
  if (query.mode === "files_with_matches") {
    const times = await Promise.all(
      files.map((f) =>
        stat(f.path).then(
          (s) => s.mtimeMs,
          () => 0,
        ),
      ),
    );
    const order = files.map((f, i) => ({ path: f.path, mtime: times[i]! }));
    order.sort((a, b) => b.mtime - a.mtime || compare(a.path, b.path));
    total = order.length;
    out.push(...order.slice(0, headLimit).map((f) => f.path));
    shown = out.length;
    out.unshift(`Found ${total} file${total === 1 ? "" : "s"}`);
  } else {
    const sorted = [...files].sort((a, b) => compare(a.path, b.path));
    if (query.mode === "count") {
      total = sorted.length;
      out.push(...sorted.slice(0, headLimit).map((f) => `${f.path}:${f.matchedLines}`));
      shown = out.length;
      const sum = sorted.reduce((n, f) => n + f.matchedLines, 0);
      out.push(
        "",
        `Found ${sum} matching line${sum === 1 ? "" : "s"} in ${total} file${total === 1 ? "" : "s"}.`,
      );
    } else {
      const withContext = query.before > 0 || query.after > 0;
      const lines = contentLines(sorted, withContext, lineNumbers);
      total = lines.filter((l) => l !== "--").length;
      for (const line of lines) {
        if (line !== "--") {
          if (shown === headLimit) break;
          shown++;
        }
        out.push(line);
      }
      if (out.at(-1) === "--") out.pop();
    }
  }
  const notes: string[] = [];
  if (shown < total) {
    notes.push(`Showing the first ${shown} of ${total}; raise head_limit or narrow the search to see more.`);
  }
  if (outcome.truncated) {
    notes.push(
      `The search stopped after ${query.maxLines} lines; results are incomplete. Narrow the search.`,
    );
  }
  let text = out.join("\n");
  if (text.length > MAX_OUTPUT_CHARS) {
    const cut = text.lastIndexOf("\n", MAX_OUTPUT_CHARS);
    text = text.slice(0, cut > 0 ? cut : MAX_OUTPUT_CHARS);
    notes.push(
      `Output was cut at ${MAX_OUTPUT_CHARS} characters; use head_limit, glob or path to narrow it.`,
    );
  }
  return notes.length > 0 ? `${text}\n\n(${notes.join(" ")})` : text;
}

/** ripgrep's format: `path:line:text` for matches, `path-line-text` for context, `--` between groups. */
function contentLines(files: FileHits[], withContext: boolean, lineNumbers: boolean): string[] {
  const out: string[] = [];
  for (const file of files) {
    const lines = [...file.lines].sort((a, b) => a.line - b.line);
    let previous: number | undefined;
    for (const hit of lines) {
      if (withContext && out.length > 0 && (previous === undefined || hit.line !== previous + 1))
        out.push("--");
      const separator = hit.match ? ":" : "-";
      const text =
        hit.text.length > MAX_LINE_CHARS
          ? `${hit.text.slice(0, MAX_LINE_CHARS)}… [line truncated]`
          : hit.text;
      out.push(
        lineNumbers
          ? `${file.path}${separator}${hit.line}${separator}${text}`
          : `${file.path}${separator}${text}`,
      );
      previous = hit.line;
    }
  }
  return out;
}

/** Byte-order comparison, so the order does not depend on the locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
