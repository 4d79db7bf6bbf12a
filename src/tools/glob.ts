import { stat } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import { glob as tinyglob } from "tinyglobby";
import { z } from "zod";
import { gitIgnoreFor } from "./gitignore.js";
import { resolveForPermission, resolvePath } from "./paths.js";
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
  permissionTarget: (input) => ({
    kind: "read",
    paths: [resolveForPermission(options.cwd, input.path ?? ".")],
  }),
  summarize: (input) => (input.path ? `${input.pattern} in ${input.path}` : input.pattern),
  async run(input, ctx) {
    const searchPath = resolvePath(ctx.cwd, input.path ?? ".");
    const info = await stat(searchPath).catch(() => undefined);
    if (!info?.isDirectory()) return toolError(`Directory does not exist: ${searchPath}`);
    // Walk from the pattern's literal directory prefix: faster, and a directory the pattern names on purpose
    // ("dist/**/*.js") is searched even though .gitignore lists it, as when it is given as path.
    const { base, pattern } = splitStaticPrefix(searchPath, input.pattern);
    if (!(await stat(base).catch(() => undefined))?.isDirectory()) return { content: "No files found." };
    const skipped = ["node_modules", ".git"].filter(
      (name) => !pattern.includes(name) && !base.includes(name),
    );
    const matches = await tinyglob(pattern, {
      cwd: base,
      absolute: true,
      dot: true,
      onlyFiles: true,
      expandDirectories: false,
      followSymbolicLinks: false,
      ignore: skipped.map((name) => `**/${name}/**`),
      signal: ctx.signal,
    });
    if (ctx.signal.aborted) return toolError("Glob was interrupted.");
    const rules = gitIgnoreFor(ctx.cwd, base);
    const visible = matches.filter((file) => !rules.ignores(file, false));
    const hidden = matches.length - visible.length;
    // Files a deny rule keeps from the model are left out, not just refused on Read.
    const kept = ctx.readable ? visible.filter((file) => ctx.readable!(file)) : visible;
    if (kept.length === 0) {
      const note =
        hidden > 0
          ? ` (${hidden} matching file(s) are ignored by .gitignore; name their directory in the pattern, e.g. "dist/**/*.js", to include them)`
          : "";
      return { content: `No files found${note}.` };
    }
    const withTimes = await Promise.all(
      kept.map(async (file) => ({
        file,
        mtime: await stat(file).then(
          (s) => s.mtimeMs,
          () => 0,
        ),
      })),
    );
    withTimes.sort((a, b) => b.mtime - a.mtime || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
    const lines = withTimes.slice(0, MAX_RESULTS).map((entry) => entry.file);
    if (withTimes.length > MAX_RESULTS) {
      lines.push(
        `(Showing the ${MAX_RESULTS} most recently modified of ${withTimes.length} files. Use a more specific pattern or path.)`,
      );
    }
    return { content: lines.join("\n") };
  },
});

/** ("/p", "src/**\/*.ts") → base "/p/src", pattern "**\/*.ts"; absolute patterns replace the base. */
function splitStaticPrefix(searchPath: string, pattern: string): { base: string; pattern: string } {
  const segments = pattern.split("/");
  let literal = 0;
  while (literal < segments.length - 1 && !/[*?[\]{}()!]/.test(segments[literal]!)) literal++;
  const prefix = segments.slice(0, literal).join("/");
  const rest = segments.slice(literal).join("/");
  if (isAbsolute(pattern)) return { base: prefix || "/", pattern: rest };
  return { base: resolve(searchPath, prefix), pattern: rest };
}
