import { Box, type Key, Text, useInput } from "ink";
import { type RefObject, useRef, useState } from "react";
import { completeAt } from "./complete.js";
import {
  backspace,
  deleteForward,
  type EditorState,
  EMPTY_EDITOR,
  enter,
  insert,
  type Kill,
  killLineStart,
  killToLineEnd,
  killWordBefore,
  moveCursor,
  moveLine,
  moveWord,
  onFirstLine,
  onLastLine,
  toLineEnd,
  toLineStart,
} from "./editor.js";
import type { PromptHistory } from "./history.js";
import { filterCommands, MENU_ROWS, type MenuCommand, menuQuery } from "./slash-menu.js";
import { C } from "./theme.js";

/** What the App may do to the prompt from outside: put a queued prompt back, clear it. */
export interface PromptHandle {
  setText(text: string): void;
  text(): string;
}

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
  /** Commands for the `/` menu (filtered as you type; ↑/↓ pick, Tab completes, Enter runs). */
  commands?: readonly MenuCommand[];
  handle?: RefObject<PromptHandle | null>;
}

/** Most `@path` candidates listed under the prompt. */
const SHOWN_MATCHES = 8;

/** The prompt: multi-line (`\` + Enter), ↑/↓ through history, a drawn cursor (no blinking timer). */
export function PromptInput({
  history,
  onSubmit,
  onKey,
  active,
  placeholder,
  listFiles,
  commands = [],
  handle,
}: PromptInputProps) {
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
  // The kill ring (one entry, as most people use it): Ctrl-K/U/W fill it, Ctrl-Y pastes it.
  const killRing = useRef("");
  const kill = (k: Kill) => {
    if (k.killed) killRing.current = k.killed;
    setState(k.state);
  };
  // The `/` menu's highlighted row; reset whenever the query changes.
  const [menuIndex, setMenuIndexState] = useState(0);
  const menuRef = useRef({ query: "", index: 0 });
  const setMenuIndex = (index: number) => {
    menuRef.current.index = index;
    setMenuIndexState(index);
  };
  if (handle) {
    handle.current = {
      setText: (text) => setState({ text, cursor: text.length }),
      text: () => ref.current.text,
    };
  }
  const menuFor = (text: string) => {
    const query = menuQuery(text);
    if (query === undefined) return [];
    const found = filterCommands(commands, query);
    // Exactly the command typed: nothing left to choose.
    return found.length === 1 && found[0]!.name === query ? [] : found;
  };

  const submit = (text: string) => {
    if (!text.trim()) return;
    history.add(text);
    browse.current = { index: -1, draft: EMPTY_EDITOR };
    setState(EMPTY_EDITOR);
    onSubmit(text);
  };

  useInput(
    (input, key) => {
      const state = ref.current;
      setMatches((m) => (m.length ? [] : m));
      if (onKey?.(input, key, state.text.length === 0)) return;
      const menu = menuFor(state.text);
      const query = menuQuery(state.text) ?? "";
      if (menuRef.current.query !== query) menuRef.current = { query, index: 0 };
      const picked = menu[Math.min(menuRef.current.index, menu.length - 1)];
      if (picked && (key.upArrow || key.downArrow)) {
        const n = menu.length;
        return setMenuIndex((menuRef.current.index + (key.upArrow ? n - 1 : 1)) % n);
      }
      if (picked && key.tab && !key.shift) return setState(insert(EMPTY_EDITOR, `/${picked.name} `));
      // Fast typists and scripts (tmux send-keys) can deliver "text\r" in one chunk: type it, then Enter.
      const typedThenEnter = input.length > 1 && /^[^\r\n]+\r$/.test(input);
      if (key.return && picked) return submit(`/${picked.name}`);
      if (key.return || typedThenEnter) {
        const r = enter(typedThenEnter ? insert(state, input.slice(0, -1)) : state);
        if ("state" in r) setState(r.state);
        else submit(r.submit);
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
      // Alt-←/→ arrive as meta + arrow; Alt-B/F as meta + the letter.
      if ((key.meta || key.ctrl) && key.leftArrow) return setState(moveWord(state, -1));
      if ((key.meta || key.ctrl) && key.rightArrow) return setState(moveWord(state, 1));
      if (key.leftArrow || (key.ctrl && input === "b")) return setState(moveCursor(state, -1));
      if (key.rightArrow || (key.ctrl && input === "f")) return setState(moveCursor(state, 1));
      if (key.meta && input === "b") return setState(moveWord(state, -1));
      if (key.meta && input === "f") return setState(moveWord(state, 1));
      if (key.home || (key.ctrl && input === "a")) return setState(toLineStart(state));
      if (key.end || (key.ctrl && input === "e")) return setState(toLineEnd(state));
      if (key.ctrl && input === "u") return kill(killLineStart(state));
      if (key.ctrl && input === "k") return kill(killToLineEnd(state));
      if ((key.ctrl && input === "w") || (key.meta && (key.backspace || key.delete)))
        return kill(killWordBefore(state));
      if (key.ctrl && input === "y") return setState(insert(state, killRing.current));
      if (key.ctrl && input === "d") return setState(deleteForward(state));
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

  const menu = active ? menuFor(shown.text) : [];
  return (
    <>
      <Box borderStyle="round" borderDimColor paddingX={1} flexDirection="column">
        <PromptText state={shown} placeholder={placeholder} showCursor={active} />
      </Box>
      {menu.length > 0 && <CommandMenu commands={menu} selected={Math.min(menuIndex, menu.length - 1)} />}
      {matches.length > 0 && (
        <Text dimColor>
          {matches.slice(0, SHOWN_MATCHES).join("  ")}
          {matches.length > SHOWN_MATCHES ? `  … ${matches.length - SHOWN_MATCHES} more` : ""}
        </Text>
      )}
    </>
  );
}

/** The `/` menu: a window of matching commands around the highlighted one, with their one-line help. */
function CommandMenu({ commands, selected }: { commands: readonly MenuCommand[]; selected: number }) {
  const first = Math.max(0, Math.min(selected - MENU_ROWS + 1, commands.length - MENU_ROWS));
  const shown = commands.slice(first, first + MENU_ROWS);
  const width = Math.max(...shown.map((c) => c.name.length)) + 2;
  return (
    <Box flexDirection="column" paddingLeft={2}>
      {shown.map((c, i) => (
        <Text key={c.name} wrap="truncate-end">
          {first + i === selected ? (
            <C color="cyan">{`❯ /${c.name.padEnd(width)}`}</C>
          ) : (
            `  /${c.name.padEnd(width)}`
          )}
          <Text dimColor>{c.help}</Text>
        </Text>
      ))}
      <Text dimColor>↑/↓ choose · Tab completes · Enter runs</Text>
    </Box>
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
