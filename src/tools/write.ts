import { mkdir, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { z } from "zod";
import { atomicWriteFile } from "./atomic-write.js";
import { diffDisplay } from "./diff-display.js";
import { loadFile, recordWritten, staleReason } from "./file-io.js";
import { canonicalPath, resolveForPermission, resolvePath } from "./paths.js";
import { type Tool, type ToolOptions, toolError } from "./types.js";

const inputSchema = z.object({
  file_path: z
    .string()
    .min(1)
    .describe("Path of the file to write (absolute, or relative to the project root)"),
  content: z.string().describe("The complete new content of the file"),
});

/** Write's input. */
export type WriteInput = z.infer<typeof inputSchema>;

/** Creates or replaces a whole file, atomically. */
export const createWriteTool = (options: ToolOptions): Tool<WriteInput> => ({
  name: "Write",
  description: [
    "Writes a file with the given content, creating parent directories as needed, replacing it if it exists.",
    "An existing file must have been Read in this session and not changed since. Prefer Edit for changing",
    "part of an existing file; use Write for new files or complete rewrites.",
  ].join(" "),
  inputSchema,
  readOnly: false,
  permissionTarget: (input) => ({
    kind: "edit",
    paths: [resolveForPermission(options.cwd, input.file_path)],
  }),
  summarize: (input) => input.file_path,
  async run(input, ctx) {
    const abs = canonicalPath(resolvePath(ctx.cwd, input.file_path));
    const info = await stat(abs).catch(() => undefined);
    if (info?.isDirectory()) return toolError(`${abs} is a directory; give the path of a file inside it.`);
    const existing = await loadFile(abs);
    if (existing) {
      const refusal = staleReason(ctx.files, abs, existing);
      if (refusal) return toolError(refusal);
    } else {
      await mkdir(dirname(abs), { recursive: true });
    }
    await atomicWriteFile(abs, input.content);
    await recordWritten(ctx.files, abs, Buffer.from(input.content, "utf8"));
    const lines =
      input.content === "" ? 0 : input.content.split("\n").length - (input.content.endsWith("\n") ? 1 : 0);
    return {
      content: `${existing ? "Wrote" : "Created"} ${abs} (${lines} line${lines === 1 ? "" : "s"}).`,
      display: diffDisplay(abs, existing?.text ?? "", input.content, !existing),
    };
  },
});
