import { Box, Text } from "ink";
import { C } from "./theme.js";

/** Lines of a diff shown before the rest is summarised; a huge rewrite must not flood the screen. */
export const DIFF_LINES = 40;

/** One diff line with the line number it has in the file: the new file's, the old one's for a removal. */
export interface NumberedLine {
  no?: number;
  line: string;
}

/**
 * Numbers a unified diff's lines from its hunk headers (`@@ -12,3 +12,4 @@`), as Claude Code shows edits;
 * file headers are left out (the tool line names the file).
 */
export function numberDiff(patch: string): NumberedLine[] {
  let oldNo = 0;
  let newNo = 0;
  const out: NumberedLine[] = [];
  for (const line of patch.replace(/\n$/, "").split("\n")) {
    if (line.startsWith("--- ") || line.startsWith("+++ ")) continue;
    const hunk = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
    if (hunk) {
      oldNo = Number(hunk[1]);
      newNo = Number(hunk[2]);
      out.push({ line });
    } else if (line.startsWith("+")) out.push({ no: newNo++, line });
    else if (line.startsWith("-")) out.push({ no: oldNo++, line });
    else if (line.startsWith("\\")) out.push({ line });
    else {
      out.push({ no: newNo, line });
      oldNo++;
      newNo++;
    }
  }
  return out;
}

/** A unified diff with line numbers, additions green and removals red. */
export function DiffView({ patch, maxLines = DIFF_LINES }: { patch: string; maxLines?: number }) {
  const lines = numberDiff(patch);
  const shown = lines.slice(0, maxLines);
  const width = String(Math.max(0, ...shown.map((l) => l.no ?? 0))).length;
  return (
    <Box flexDirection="column" paddingLeft={2}>
      {shown.map((l, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: diff lines are positional
        <Text key={i}>
          <Text dimColor>{`${l.no === undefined ? "" : l.no}`.padStart(width)} </Text>
          <DiffLine line={l.line} />
        </Text>
      ))}
      {lines.length > shown.length && <Text dimColor>… {lines.length - shown.length} more lines</Text>}
    </Box>
  );
}

function DiffLine({ line }: { line: string }) {
  if (line.startsWith("@@")) return <C color="cyan">{line}</C>;
  if (line.startsWith("+")) return <C color="green">{line}</C>;
  if (line.startsWith("-")) return <C color="red">{line}</C>;
  return <Text dimColor>{line || " "}</Text>;
}
