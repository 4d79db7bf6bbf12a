import { z } from "zod";
import { editFile } from "./edit-file.js";
import { resolveForPermission } from "./paths.js";
import type { Tool, ToolOptions } from "./types.js";

const editSchema = z.object({
  old_string: z.string().describe("The exact text to replace"),
  new_string: z.string().describe("The text to replace it with"),
  replace_all: z.boolean().optional().describe("Replace every occurrence (default false)"),
});

const inputSchema = z.object({
  file_path: z
    .string()
    .min(1)
    .describe("Path of the file to modify (absolute, or relative to the project root)"),
  edits: z
    .array(editSchema)
    .min(1)
    .describe("Edits applied in order; each sees the result of the previous ones"),
});

/** MultiEdit's input. */
export type MultiEditInput = z.infer<typeof inputSchema>;

/** Several replacements in one file, all or nothing. */
export const createMultiEditTool = (options: ToolOptions): Tool<MultiEditInput> => ({
  name: "MultiEdit",
  description: [
    "Makes several exact-text replacements in one file in a single step. Edits apply in order, each to the",
    "result of the previous one, with the same rules as Edit (file read first; each old_string unique unless",
    "replace_all). If any edit fails, none is applied and the file is unchanged.",
  ].join(" "),
  inputSchema,
  readOnly: false,
  permissionTarget: (input) => ({
    kind: "edit",
    paths: [resolveForPermission(options.cwd, input.file_path)],
  }),
  summarize: (input) =>
    `${input.file_path} (${input.edits.length} edit${input.edits.length === 1 ? "" : "s"})`,
  run: (input, ctx) => editFile(ctx, input.file_path, input.edits),
});
