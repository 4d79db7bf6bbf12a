import { structuredPatch } from "diff";
import type { ToolDisplay } from "./types.js";

/** A unified diff of one file for UIs, with added/removed line counts. */
export function diffDisplay(path: string, before: string, after: string, created: boolean): ToolDisplay {
  const patch = structuredPatch(path, path, before, after, "", "", { context: 3 });
  let added = 0;
  let removed = 0;
  const lines = [`--- ${created ? "/dev/null" : path}`, `+++ ${path}`];
  for (const hunk of patch.hunks) {
    lines.push(`@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`);
    for (const line of hunk.lines) {
      if (line.startsWith("+")) added++;
      else if (line.startsWith("-")) removed++;
      lines.push(line);
    }
  }
  return { kind: "diff", path, patch: `${lines.join("\n")}\n`, added, removed, created };
}
