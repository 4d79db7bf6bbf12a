/** Lines of a file's new content shown in the dialog before the rest is counted. */
const PREVIEW_LINES = 20;

/** A preview line: `+` added, `-` removed, ` ` plain (a command, a path). */
export interface PreviewLine {
  sign: "+" | "-" | " ";
  text: string;
}

function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

function capped(lines: PreviewLine[]): PreviewLine[] {
  if (lines.length <= PREVIEW_LINES) return lines;
  return [
    ...lines.slice(0, PREVIEW_LINES),
    { sign: " ", text: `… ${lines.length - PREVIEW_LINES} more lines` },
  ];
}

function signed(sign: "+" | "-", text: string): PreviewLine[] {
  return text
    .replace(/\n$/, "")
    .split("\n")
    .map((t) => ({ sign, text: t }));
}

/**
 * What exactly a gated call will run or change, from its input: the full command for Bash, the new content
 * for Write, the replaced and replacing text for Edit/MultiEdit, the raw input for anything else.
 */
export function permissionPreview(tool: string, input: unknown): PreviewLine[] {
  const o = (input ?? {}) as Record<string, unknown>;
  if (tool === "Bash" && str(o.command) !== undefined) {
    return signed("+", str(o.command)!).map((l) => ({ ...l, sign: " " }));
  }
  if (tool === "Write" && str(o.content) !== undefined) return capped(signed("+", str(o.content)!));
  if (tool === "Edit" && str(o.old_string) !== undefined) {
    return capped([...signed("-", str(o.old_string)!), ...signed("+", str(o.new_string) ?? "")]);
  }
  if (tool === "MultiEdit" && Array.isArray(o.edits)) {
    const lines: PreviewLine[] = [];
    for (const e of o.edits as Record<string, unknown>[]) {
      lines.push(...signed("-", str(e.old_string) ?? ""), ...signed("+", str(e.new_string) ?? ""));
    }
    return capped(lines);
  }
  return capped(
    JSON.stringify(input, null, 2)
      .split("\n")
      .map((text) => ({ sign: " ", text })),
  );
}
