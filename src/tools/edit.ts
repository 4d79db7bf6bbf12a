import { z } from "zod";
import { editFile } from "./edit-file.js";
import { resolveForPermission } from "./paths.js";
import type { Tool, ToolOptions } from "./types.js";

const inputSchema = z.object({
  file_path: z
    .string()
    .min(1)
    .describe("Path of the file to modify (absolute, or relative to the project root)"),
  old_string: z.string().describe("The exact text to replace"),
  new_string: z.string().describe("The text to replace it with (must differ from old_string)"),
  replace_all: z.boolean().optional().describe("Replace every occurrence of old_string (default false)"),
});

/** Edit's input. */
export type EditInput = z.infer<typeof inputSchema>;

/** Exact string replacement in one file. */
export const createEditTool = (options: ToolOptions): Tool<EditInput> => ({
  name: "Edit",
  description: [
    "Replaces exact text in a file. The file must have been Read in this session and not changed since.",
    "old_string must match the file exactly (whitespace and indentation included, without Read's line-number",
    "prefix) and occur exactly once, unless replace_all is true; include enough surrounding lines to make it",
    "unique. Use replace_all to rename something throughout the file. Prefer Edit over Write for existing files.",
  ].join(" "),
  inputSchema,
  readOnly: false,
  permissionTarget: (input) => ({
    kind: "edit",
    paths: [resolveForPermission(options.cwd, input.file_path)],
  }),
  summarize: (input) => input.file_path,
  run: (input, ctx) => editFile(ctx, input.file_path, [input]),
});
