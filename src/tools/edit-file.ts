import { mkdir, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { applyEdits, type StringEdit } from "./apply-edits.js";
import { atomicWriteFile } from "./atomic-write.js";
import { looksBinary } from "./binary.js";
import { diffDisplay } from "./diff-display.js";
import { encodingProblem, loadFile, recordWritten, staleReason } from "./file-io.js";
import { canonicalPath, resolvePath } from "./paths.js";
import { type ToolContext, type ToolResult, toolError } from "./types.js";

/**
 * The shared body of Edit and MultiEdit: load, check it was read and is unchanged, apply every edit in
 * memory, then write once atomically. Any refusal leaves the file as it was.
 */
export async function editFile(
  ctx: ToolContext,
  filePath: string,
  edits: readonly StringEdit[],
): Promise<ToolResult> {
  const abs = canonicalPath(resolvePath(ctx.cwd, filePath));
  const info = await stat(abs).catch(() => undefined);
  if (info?.isDirectory()) return toolError(`${abs} is a directory, not a file.`);
  const file = await loadFile(abs);
  if (!file) {
    if (edits[0]?.old_string !== "") {
      return toolError(
        `File does not exist: ${abs}\nTo create a file, use Write (or an edit whose old_string is empty).`,
      );
    }
    const outcome = applyEdits("", edits, abs);
    if (!outcome.ok) return toolError(outcome.message);
    await mkdir(dirname(abs), { recursive: true });
    await atomicWriteFile(abs, outcome.text);
    await recordWritten(ctx.files, abs, Buffer.from(outcome.text, "utf8"));
    return { content: `Created ${abs}.`, display: diffDisplay(abs, "", outcome.text, true) };
  }
  if (looksBinary(file.bytes))
    return toolError(`${abs} looks like a binary file; it cannot be edited as text.`);
  const refusal = encodingProblem(file, abs) ?? staleReason(ctx.files, abs, file);
  if (refusal) return toolError(refusal);
  const outcome = applyEdits(file.text, edits, abs);
  if (!outcome.ok) return toolError(outcome.message);
  await atomicWriteFile(abs, outcome.text);
  await recordWritten(ctx.files, abs, Buffer.from(outcome.text, "utf8"));
  const count = outcome.replacements;
  return {
    content: `Edited ${abs}: ${count} replacement${count === 1 ? "" : "s"}${edits.length > 1 ? ` from ${edits.length} edits` : ""}.`,
    display: diffDisplay(abs, file.text, outcome.text, false),
  };
}
