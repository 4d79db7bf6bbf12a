/** The prompt being typed: text and a cursor offset into it. Pure functions, so editing is unit-testable. */
export interface EditorState {
  text: string;
  cursor: number;
}

export const EMPTY_EDITOR: EditorState = { text: "", cursor: 0 };

export function insert(s: EditorState, chunk: string): EditorState {
  // Terminals send Enter inside a paste as \r; keep pasted newlines as newlines.
  const clean = chunk.replace(/\r\n?/g, "\n");
  return {
    text: s.text.slice(0, s.cursor) + clean + s.text.slice(s.cursor),
    cursor: s.cursor + clean.length,
  };
}

export function backspace(s: EditorState): EditorState {
  if (s.cursor === 0) return s;
  return { text: s.text.slice(0, s.cursor - 1) + s.text.slice(s.cursor), cursor: s.cursor - 1 };
}

export function moveCursor(s: EditorState, delta: number): EditorState {
  return { ...s, cursor: Math.max(0, Math.min(s.text.length, s.cursor + delta)) };
}

export function toLineStart(s: EditorState): EditorState {
  return { ...s, cursor: s.text.lastIndexOf("\n", s.cursor - 1) + 1 };
}

export function toLineEnd(s: EditorState): EditorState {
  const end = s.text.indexOf("\n", s.cursor);
  return { ...s, cursor: end === -1 ? s.text.length : end };
}

/** Ctrl-U: delete from the start of the line to the cursor. */
export function killToLineStart(s: EditorState): EditorState {
  const start = s.text.lastIndexOf("\n", s.cursor - 1) + 1;
  return { text: s.text.slice(0, start) + s.text.slice(s.cursor), cursor: start };
}

/**
 * Enter: a line ending in a backslash continues (the backslash becomes a newline); otherwise the prompt is
 * submitted. Returns the text to submit, or the edited state.
 */
export function enter(s: EditorState): { submit: string } | { state: EditorState } {
  if (s.text.slice(0, s.cursor).endsWith("\\")) {
    const text = `${s.text.slice(0, s.cursor - 1)}\n${s.text.slice(s.cursor)}`;
    return { state: { text, cursor: s.cursor } };
  }
  return { submit: s.text };
}

/** True when the cursor is on the first line (↑ walks history) / last line (↓ walks history). */
export function onFirstLine(s: EditorState): boolean {
  return !s.text.slice(0, s.cursor).includes("\n");
}
export function onLastLine(s: EditorState): boolean {
  return !s.text.slice(s.cursor).includes("\n");
}

/** Moves the cursor one line up or down, keeping the column where possible. */
export function moveLine(s: EditorState, dir: -1 | 1): EditorState {
  const lineStart = s.text.lastIndexOf("\n", s.cursor - 1) + 1;
  const column = s.cursor - lineStart;
  if (dir === -1) {
    if (lineStart === 0) return s;
    const prevStart = s.text.lastIndexOf("\n", lineStart - 2) + 1;
    return { ...s, cursor: Math.min(prevStart + column, lineStart - 1) };
  }
  const lineEnd = s.text.indexOf("\n", s.cursor);
  if (lineEnd === -1) return s;
  const nextEnd = s.text.indexOf("\n", lineEnd + 1);
  return { ...s, cursor: Math.min(lineEnd + 1 + column, nextEnd === -1 ? s.text.length : nextEnd) };
}

/** An edit that removed text: the new state and what was cut, for the kill ring (Ctrl-Y pastes it back). */
export interface Kill {
  state: EditorState;
  killed: string;
}

/** Ctrl-K: delete from the cursor to the end of the line. */
export function killToLineEnd(s: EditorState): Kill {
  const end = toLineEnd(s).cursor;
  // At the end of a line Ctrl-K joins the next line, as in readline.
  const stop = end === s.cursor && end < s.text.length ? end + 1 : end;
  return {
    state: { text: s.text.slice(0, s.cursor) + s.text.slice(stop), cursor: s.cursor },
    killed: s.text.slice(s.cursor, stop),
  };
}

/** Ctrl-U with what it cut. */
export function killLineStart(s: EditorState): Kill {
  const state = killToLineStart(s);
  return { state, killed: s.text.slice(state.cursor, s.cursor) };
}

/** Where the word before the cursor starts (readline's rule: skip spaces, then non-spaces). */
function wordStart(text: string, cursor: number): number {
  let i = cursor;
  while (i > 0 && /\s/.test(text[i - 1]!)) i--;
  while (i > 0 && !/\s/.test(text[i - 1]!)) i--;
  return i;
}

/** Where the word after the cursor ends. */
function wordEnd(text: string, cursor: number): number {
  let i = cursor;
  while (i < text.length && /\s/.test(text[i]!)) i++;
  while (i < text.length && !/\s/.test(text[i]!)) i++;
  return i;
}

/** Ctrl-W: delete the word before the cursor. */
export function killWordBefore(s: EditorState): Kill {
  const start = wordStart(s.text, s.cursor);
  return {
    state: { text: s.text.slice(0, start) + s.text.slice(s.cursor), cursor: start },
    killed: s.text.slice(start, s.cursor),
  };
}

/** Alt-B / Alt-F: move a word left or right. */
export function moveWord(s: EditorState, dir: -1 | 1): EditorState {
  return { ...s, cursor: dir === -1 ? wordStart(s.text, s.cursor) : wordEnd(s.text, s.cursor) };
}

/** Ctrl-D: delete the character under the cursor. */
export function deleteForward(s: EditorState): EditorState {
  if (s.cursor >= s.text.length) return s;
  return { ...s, text: s.text.slice(0, s.cursor) + s.text.slice(s.cursor + 1) };
}
