import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import ignore from "ignore";
import { z } from "zod";
import { gitIgnoreFor } from "./gitignore.js";
import { resolveForPermission, resolvePath } from "./paths.js";
import { type Tool, type ToolOptions, toolError } from "./types.js";

const MAX_ENTRIES = 500;

const inputSchema = z.object({
  path: z.string().optional().describe("Directory to list (default: the project root)"),
  ignore: z
    .array(z.string())
    .optional()
    .describe('Glob patterns of names to leave out, e.g. ["*.log", "dist"]'),
});

/** LS's input. */
export type LsInput = z.infer<typeof inputSchema>;

/** Lists one directory, directories first with a trailing slash. */
export const createLsTool = (options: ToolOptions): Tool<LsInput> => ({
  name: "LS",
  description: [
    "Lists the entries of one directory (not recursive): directories first, marked with a trailing /, then",
    `files. Leaves out .git and anything .gitignore ignores; ignore adds more glob patterns. At most ${MAX_ENTRIES}`,
    "entries. Use Glob to find files by pattern across directories.",
  ].join(" "),
  inputSchema,
  readOnly: true,
  permissionTarget: (input) => ({
    kind: "read",
    paths: [resolveForPermission(options.cwd, input.path ?? ".")],
  }),
  summarize: (input) => input.path ?? ".",
  async run(input, ctx) {
    const dir = resolvePath(ctx.cwd, input.path ?? ".");
    const info = await stat(dir).catch(() => undefined);
    if (!info) return toolError(`Directory does not exist: ${dir}`);
    if (!info.isDirectory()) return toolError(`${dir} is a file, not a directory; use Read to see it.`);
    const rules = gitIgnoreFor(ctx.cwd, dir);
    const extra = ignore({ ignorecase: false }).add(input.ignore ?? []);
    const entries = await readdir(dir, { withFileTypes: true });
    const dirs: string[] = [];
    const files: string[] = [];
    let hidden = 0;
    for (const entry of entries) {
      if (entry.name === ".git") continue;
      const abs = join(dir, entry.name);
      // A symlink to a directory lists as a directory: that is how the model will use it.
      const isDir =
        entry.isDirectory() ||
        (entry.isSymbolicLink() && (await stat(abs).catch(() => undefined))?.isDirectory() === true);
      if (extra.ignores(isDir ? `${entry.name}/` : entry.name)) continue;
      if (rules.ignores(abs, isDir)) {
        hidden++;
        continue;
      }
      (isDir ? dirs : files).push(isDir ? `${entry.name}/` : entry.name);
    }
    const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    const all = [...dirs.sort(byName), ...files.sort(byName)];
    const lines = [`${dir}/`, ...all.slice(0, MAX_ENTRIES).map((name) => `  ${name}`)];
    if (all.length === 0) lines.push("  (empty)");
    if (all.length > MAX_ENTRIES)
      lines.push(`(Showing ${MAX_ENTRIES} of ${all.length} entries; use Glob to narrow.)`);
    if (hidden > 0)
      lines.push(`(${hidden} entr${hidden === 1 ? "y" : "ies"} ignored by .gitignore not shown.)`);
    return { content: lines.join("\n") };
  },
});
