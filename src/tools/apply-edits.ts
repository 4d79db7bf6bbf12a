/** One exact-string replacement, as Edit and MultiEdit receive it. */
export interface StringEdit {
  old_string: string;
  new_string: string;
  replace_all?: boolean;
}

/** The outcome of applying edits in memory: the new text, or a message the model can act on. */
export type EditOutcome = { ok: true; text: string; replacements: number } | { ok: false; message: string };

/**
 * Applies edits in order to `original`, each against the text the previous ones produced. Nothing is
 * written here, so a failing edit leaves the file untouched (MultiEdit's all-or-nothing). Files that use CRLF
 * throughout are edited with LF and converted back, because the model sees and writes `\n`.
 */
export function applyEdits(original: string, edits: readonly StringEdit[], path: string): EditOutcome {
  const crlf = usesCrlf(original);
  let text = crlf ? original.replaceAll("\r\n", "\n") : original;
  let replacements = 0;
  for (const [index, edit] of edits.entries()) {
    const prefix = edits.length > 1 ? `Edit #${index + 1} of ${edits.length}: ` : "";
    if (edit.old_string === edit.new_string) {
      return {
        ok: false,
        message: `${prefix}old_string and new_string are identical, so there is nothing to change.`,
      };
    }
    let oldString = crlf ? edit.old_string.replaceAll("\r\n", "\n") : edit.old_string;
    let newString = crlf ? edit.new_string.replaceAll("\r\n", "\n") : edit.new_string;
    if (oldString === "") {
      if (text !== "") {
        return {
          ok: false,
          message: `${prefix}old_string is empty, which only creates a file or fills an empty one; ${path} already has content. Give the exact text to replace.`,
        };
      }
      text = newString;
      replacements++;
      continue;
    }
    let positions = occurrences(text, oldString);
    // Mixed line endings: the model writes \n, the region it means may use \r\n.
    if (positions.length === 0 && !crlf && oldString.includes("\n") && !oldString.includes("\r\n")) {
      const asCrlf = oldString.replaceAll("\n", "\r\n");
      const crlfPositions = occurrences(text, asCrlf);
      if (crlfPositions.length > 0) {
        oldString = asCrlf;
        newString = newString.replaceAll("\r\n", "\n").replaceAll("\n", "\r\n");
        positions = crlfPositions;
      }
    }
    if (positions.length === 0) return { ok: false, message: prefix + notFound(text, oldString, path) };
    if (positions.length > 1 && !edit.replace_all) {
      const lines = positions.slice(0, 10).map((p) => lineOf(text, p));
      const more = positions.length > 10 ? ", …" : "";
      return {
        ok: false,
        message:
          `${prefix}Found ${positions.length} occurrences of old_string in ${path} (lines ${lines.join(", ")}${more}), ` +
          "but replace_all is false. Include more surrounding context in old_string so it matches exactly one " +
          "place, or set replace_all to true to replace every occurrence.",
      };
    }
    text = replaceAt(text, positions, oldString.length, newString);
    replacements += positions.length;
  }
  return { ok: true, text: crlf ? text.replaceAll("\n", "\r\n") : text, replacements };
}

/** A file "uses CRLF" when every line break is CRLF (mixed files are edited as they are). */
function usesCrlf(text: string): boolean {
  const lf = countOf(text, "\n");
  return lf > 0 && countOf(text, "\r\n") === lf;
}

function countOf(text: string, needle: string): number {
  let count = 0;
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + needle.length)) count++;
  return count;
}

/** Non-overlapping start offsets of `needle`, left to right. */
function occurrences(text: string, needle: string): number[] {
  const found: number[] = [];
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + needle.length)) found.push(i);
  return found;
}

/** Splices by offset; String.replace would interpret `$&` and friends in the model's new_string. */
function replaceAt(text: string, positions: number[], length: number, replacement: string): string {
  const parts: string[] = [];
  let from = 0;
  for (const p of positions) {
    parts.push(text.slice(from, p), replacement);
    from = p + length;
  }
  parts.push(text.slice(from));
  return parts.join("");
}

/** 1-based line number of an offset. */
export function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) line++;
  return line;
}

/** The "not found" message, with hints for the two usual causes: whitespace drift and Read's line numbers. */
function notFound(text: string, oldString: string, path: string): string {
  const hints: string[] = [];
  if (/^\s*\d+\t/m.test(oldString)) {
    hints.push("old_string seems to include Read's line-number prefix (number + tab); remove it.");
  }
  const firstLine = oldString
    .split("\n")
    .find((l) => l.trim() !== "")
    ?.trim();
  if (firstLine) {
    const lines = text.split("\n");
    const similar: number[] = [];
    for (const [i, line] of lines.entries()) {
      if (line.trim() === firstLine && similar.length < 5) similar.push(i + 1);
    }
    if (similar.length > 0) {
      hints.push(
        `Its first line appears (ignoring indentation) at line ${similar.join(", ")}; compare whitespace and the following lines exactly.`,
      );
    }
  }
  return [
    `old_string was not found in ${path}. It must match the file exactly, including whitespace and indentation.`,
    ...hints,
    "Read the file again to see its current text.",
  ].join(" ");
}
