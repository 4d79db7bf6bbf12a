import { Box, type Key, Text, useInput } from "ink";
import { useRef, useState } from "react";
import { completeAt } from "./complete.js";
import {
  backspace,
  type EditorState,
  EMPTY_EDITOR,
  enter,
  insert,
  killToLineStart,
  moveCursor,
  moveLine,
  onFirstLine,
  onLastLine,
  toLineEnd,
  toLineStart,
} from "./editor.js";
import type { PromptHistory } from "./history.js";
import { C } from "./theme.js";

export interface PromptInputProps {
  history: PromptHistory;
  onSubmit(text: string): void;
  /** Keys the App handles itself (Ctrl-C, Esc, Ctrl-L) see the input first; return true to consume. */
  onKey?(input: string, key: Key, empty: boolean): boolean;
  /** While a dialog is open the prompt keeps its text but ignores keys. */
  active: boolean;
  placeholder?: string;
  /** The project's files (relative paths) for `@path` + Tab completion; without it Tab does nothing. */
  listFiles?(): Promise<string[]>;
}

/** Most `@path` candidates listed under the prompt. */
const SHOWN_MATCHES = 8;

/** The prompt: multi-line (`\` + Enter), ↑/↓ through history, a drawn cursor (no blinking timer). */
export function PromptInput({ history, onSubmit, onKey, active, placeholder, listFiles }: PromptInputProps) {
  const [shown, setShown] = useState<EditorState>(EMPTY_EDITOR);
  const [matches, setMatches] = useState<string[]>([]);
  // Keys can arrive faster than React re-renders: edit the ref, so no keystroke works on a stale state.
  const ref = useRef<EditorState>(EMPTY_EDITOR);
  const setState = (next: EditorState) => {
    ref.current = next;
    setShown(next);
  };
  // Position in history while browsing (-1: editing a new prompt), and the draft to return to.
  const browse = useRef({ index: -1, draft: EMPTY_EDITOR });

  useInput(
    (input, key) => {
      const state = ref.current;
      setMatches((m) => (m.length ? [] : m));
      if (onKey?.(input, key, state.text.length === 0)) {
        if (key.ctrl && input === "c") setState(EMPTY_EDITOR);
        return;
      }
      // Fast typists and scripts (tmux send-keys) can deliver "text\r" in one chunk: type it, then Enter.
      const typedThenEnter = input.length > 1 && /^[^\r\n]+\r$/.test(input);
      if (key.return || typedThenEnter) {
        const r = enter(typedThenEnter ? insert(state, input.slice(0, -1)) : state);
        if ("state" in r) setState(r.state);
        else if (r.submit.trim()) {
          history.add(r.submit);
          browse.current = { index: -1, draft: EMPTY_EDITOR };
          setState(EMPTY_EDITOR);
          onSubmit(r.submit);
        }
        return;
      }
      if (key.upArrow) {
        if (!onFirstLine(state)) return setState(moveLine(state, -1));
        const entries = history.list();
        const b = browse.current;
        const next = b.index === -1 ? entries.length - 1 : b.index - 1;
        if (next < 0) return;
        if (b.index === -1) b.draft = state;
        b.index = next;
        const text = entries[next]!;
        return setState({ text, cursor: text.length });
      }
      if (key.downArrow) {
        if (!onLastLine(state)) return setState(moveLine(state, 1));
        const b = browse.current;
        if (b.index === -1) return;
        const entries = history.list();
        b.index = b.index + 1 >= entries.length ? -1 : b.index + 1;
        if (b.index === -1) return setState(b.draft);
        const text = entries[b.index]!;
        return setState({ text, cursor: text.length });
      }
      if (key.leftArrow) return setState(moveCursor(state, -1));
      if (key.rightArrow) return setState(moveCursor(state, 1));
      if (key.home || (key.ctrl && input === "a")) return setState(toLineStart(state));
      if (key.end || (key.ctrl && input === "e")) return setState(toLineEnd(state));
      if (key.ctrl && input === "u") return setState(killToLineStart(state));
      // Most terminals send DEL (0x7f) for the Backspace key, which Ink reports as `delete`.
      if (key.backspace || key.delete) return setState(backspace(state));
      if (key.tab && listFiles) {
        // Listing is asynchronous: apply it only if nothing was typed meanwhile.
        void listFiles()
          .then((files) => {
            const done = ref.current === state ? completeAt(state, files) : undefined;
            if (!done) return;
            setState(done.state);
            setMatches(done.matches);
          })
          .catch(() => {});
        return;
      }
      if (key.ctrl || key.meta || key.escape || key.tab) return;
      if (input) setState(insert(state, input));
    },
    { isActive: active },
  );

  return (
    <>
      <Box borderStyle="round" borderDimColor paddingX={1} flexDirection="column">
        <PromptText state={shown} placeholder={placeholder} showCursor={active} />
      </Box>
      {matches.length > 0 && (
        <Text dimColor>
          {matches.slice(0, SHOWN_MATCHES).join("  ")}
          {matches.length > SHOWN_MATCHES ? `  … ${matches.length - SHOWN_MATCHES} more` : ""}
        </Text>
      )}
    </>
  );
}

/** The text with an inverse-video cursor cell, line by line. */
function PromptText({
  state,
  placeholder,
  showCursor,
}: {
  state: EditorState;
  placeholder?: string;
  showCursor: boolean;
}) {
  if (!state.text) {
    return (
      <Text>
        <C color="blue">{"› "}</C>
        {showCursor && <Text inverse> </Text>}
        <Text dimColor>{placeholder ?? ""}</Text>
      </Text>
    );
  }
  const lines = state.text.split("\n");
  let offset = 0;
  return (
    <>
      {lines.map((line, i) => {
        const start = offset;
        offset += line.length + 1;
        const here = showCursor && state.cursor >= start && state.cursor <= start + line.length;
        const col = state.cursor - start;
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: lines of the prompt are positional
          <Text key={i}>
            <C color="blue">{i === 0 ? "› " : "  "}</C>
            {here ? (
              <>
                {line.slice(0, col)}
                <Text inverse>{line[col] ?? " "}</Text>
                {line.slice(col + 1)}
              </>
            ) : (
              line
            )}
          </Text>
        );
      })}
    </>
  );
}
