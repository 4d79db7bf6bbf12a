import { Box, Text } from "ink";
import { C } from "./theme.js";

/** Lines of a diff shown before the rest is summarised; a huge rewrite must not flood the screen. */
export const DIFF_LINES = 40;

/** A unified diff, additions green and removals red; file headers are left out (the tool line names the file). */
export function DiffView({ patch, maxLines = DIFF_LINES }: { patch: string; maxLines?: number }) {
  const lines = patch
    .replace(/\n$/, "")
    .split("\n")
    .filter((l) => !l.startsWith("--- ") && !l.startsWith("+++ "));
  const shown = lines.slice(0, maxLines);
  return (
    <Box flexDirection="column" paddingLeft={2}>
      {shown.map((l, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: diff lines are positional
        <DiffLine key={i} line={l} />
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
