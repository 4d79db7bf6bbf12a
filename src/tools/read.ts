import { readFile, stat } from "node:fs/promises";
import { z } from "zod";
import { hasBinaryExtension, isImagePath, looksBinary } from "./binary.js";
import { hashBytes } from "./file-state.js";
import { isModelImagePath, readImageFile } from "./image-read.js";
import { canonicalPath, notFoundMessage, resolveForPermission, resolvePath } from "./paths.js";
import { type Tool, type ToolOptions, toolError } from "./types.js";

const DEFAULT_LIMIT = 2000;
const MAX_LINE_CHARS = 2000;
/** Beyond this many characters of output we stop early and page, so one Read cannot flood the context. */
const MAX_OUTPUT_CHARS = 100_000;
/** Larger files are paged by line but never loaded whole; the model should search them instead. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

const inputSchema = z.object({
  file_path: z
    .string()
    .min(1)
    .describe("Path of the file to read (absolute, or relative to the project root)"),
  offset: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe("1-based line number to start reading from. Only for files too large to read at once"),
  limit: z.number().int().min(1).optional().describe(`Number of lines to read (default ${DEFAULT_LIMIT})`),
});

/** Read's input. */
export type ReadInput = z.infer<typeof inputSchema>;

/** Reads a text file with `cat -n` line numbers, paging large files; records what was read for later edits. */
export const createReadTool = (options: ToolOptions): Tool<ReadInput> => ({
  name: "Read",
  description: [
    "Reads a file and returns it with line numbers (cat -n style: number, tab, line).",
    `Returns up to ${DEFAULT_LIMIT} lines from the start by default; use offset (1-based) and limit to page`,
    `through longer files. Lines longer than ${MAX_LINE_CHARS} characters are truncated.`,
    "PNG, JPEG, GIF and WebP images are shown to you as images (large ones scaled down); other binary files",
    "(archives, executables) are refused. A file must be read before Edit, MultiEdit or",
    "Write may change it. The line-number prefix is not part of the file: never include it in old_string.",
    "Read several files in parallel when you will likely need them.",
  ].join(" "),
  inputSchema,
  readOnly: true,
  permissionTarget: (input) => ({
    kind: "read",
    paths: [resolveForPermission(options.cwd, input.file_path)],
  }),
  summarize: (input) => input.file_path,
  async run(input, ctx) {
    const abs = canonicalPath(resolvePath(ctx.cwd, input.file_path));
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(abs);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return toolError(notFoundMessage(abs, ctx.cwd));
      throw error;
    }
    if (info.isDirectory()) {
      return toolError(`${abs} is a directory, not a file. Use LS to list it or Glob to find files in it.`);
    }
    if (isModelImagePath(abs)) return readImageFile(abs, info.size);
    if (hasBinaryExtension(abs)) {
      const kind = isImagePath(abs) ? "an image" : "a binary file";
      return toolError(`Cannot read ${abs}: it is ${kind}, and Read only shows text.`);
    }
    if (info.size > MAX_FILE_BYTES) {
      return toolError(
        `${abs} is ${(info.size / 1048576).toFixed(0)} MB, too large to read. ` +
          "Use Grep to find the relevant part, or Bash (e.g. `sed -n '100,200p' file`) to read a range.",
      );
    }
    const bytes = await readFile(abs);
    if (looksBinary(bytes)) {
      return toolError(`Cannot read ${abs}: it looks like a binary file (it contains NUL bytes).`);
    }
    ctx.files.record(abs, { mtimeMs: info.mtimeMs, size: bytes.length, hash: hashBytes(bytes) });
    if (bytes.length === 0) return { content: `<file ${abs} exists but is empty>` };
    return { content: numberedPage(bytes.toString("utf8"), input.offset ?? 1, input.limit ?? DEFAULT_LIMIT) };
  },
});

/** Formats lines [offset, offset+limit) as `cat -n` does, with notes on truncation and how to continue. */
function numberedPage(text: string, offset: number, limit: number): string {
  const lines = text.split("\n");
  // A trailing newline ends the last line rather than starting an empty one.
  if (lines.length > 1 && lines.at(-1) === "") lines.pop();
  const total = lines.length;
  if (offset > total) {
    return `<the file has ${total} line${total === 1 ? "" : "s"}; offset ${offset} is past its end>`;
  }
  const out: string[] = [];
  let chars = 0;
  let truncatedLines = 0;
  let last = offset - 1;
  const end = Math.min(total, offset - 1 + limit);
  for (let i = offset - 1; i < end; i++) {
    let line = lines[i]!;
    if (line.endsWith("\r")) line = line.slice(0, -1);
    if (line.length > MAX_LINE_CHARS) {
      line = `${line.slice(0, MAX_LINE_CHARS)}… [line truncated: ${line.length} characters]`;
      truncatedLines++;
    }
    const numbered = `${String(i + 1).padStart(6)}\t${line}`;
    if (out.length > 0 && chars + numbered.length > MAX_OUTPUT_CHARS) break;
    out.push(numbered);
    chars += numbered.length + 1;
    last = i + 1;
  }
  const notes: string[] = [];
  if (truncatedLines > 0) {
    notes.push(
      `${truncatedLines} line(s) longer than ${MAX_LINE_CHARS} characters were truncated; use Grep or Bash to see them in full.`,
    );
  }
  if (last < total) {
    notes.push(
      `Showing lines ${offset}-${last} of ${total}. To read more, call Read with offset=${last + 1}` +
        ` (and a limit), or use Grep to find the part you need.`,
    );
  }
  return notes.length > 0 ? `${out.join("\n")}\n\n<${notes.join(" ")}>` : out.join("\n");
}
