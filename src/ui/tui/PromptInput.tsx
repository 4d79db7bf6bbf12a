import { Box, type Key, Text, useInput } from "ink";
import { type RefObject, useRef, useState } from "react";
import { atWord } from "./complete.js";
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
import { PICKER_ROWS, rankFiles } from "./file-picker.js";
import type { PromptHistory } from "./history.js";
import { searchHistory } from "./history-search.js";
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
  /** The project's files (relative paths) for the `@` picker; without it `@` opens no picker. */
  listFiles?(): Promise<string[]>;
  /** Commands for the `/` menu (filtered as you type; ↑/↓ pick, Tab completes, Enter runs). */
  commands?: readonly MenuCommand[];
  handle?: RefObject<PromptHandle | null>;
}

/** Ctrl-R's search: what is typed, and the entry it found (its index, to search on from there). */
interface Search {
  query: string;
  found?: { index: number; text: string };
  /** The prompt before the search, restored by Esc. */
  draft: EditorState;
}

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
  // Ctrl-R: reverse search through the history while set.
  const [search, setSearchState] = useState<Search | undefined>();
  const searchRef = useRef<Search | undefined>(undefined);
  const setSearch = (next: Search | undefined) => {
    searchRef.current = next;
    setSearchState(next);
  };
  // The `@` picker: the project's files, listed once per prompt when an `@word` first appears.
  const files = useRef<string[] | undefined>(undefined);
  const listing = useRef(false);
  const [, setFilesLoaded] = useState(0);
  const pickRef = useRef({ query: "", index: 0 });
  const [pickIndex, setPickIndexState] = useState(0);
  const setPickIndex = (index: number) => {
    pickRef.current.index = index;
    setPickIndexState(index);
  };
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

  /** The `@` picker's candidates for the word at the cursor (empty when there is none). */
  const pickerFor = (state: EditorState): string[] => {
    const word = listFiles ? atWord(state) : undefined;
    if (!word) return [];
    if (!files.current && !listing.current) {
      listing.current = true;
      void listFiles!()
        .then((list) => {
          files.current = list;
          setFilesLoaded((n) => n + 1);
        })
        .catch(() => {})
        .finally(() => {
          listing.current = false;
        });
    }
    const found = rankFiles(files.current ?? [], word.query);
    // Exactly the file typed: nothing left to choose.
    return found.length === 1 && found[0] === word.query ? [] : found;
  };
  const pick = (state: EditorState, path: string) => {
    const word = atWord(state)!;
    const text = `${state.text.slice(0, word.start)}@${path} ${state.text.slice(state.cursor)}`;
    setState({ text, cursor: word.start + path.length + 2 });
  };

  const submit = (text: string) => {
    if (!text.trim()) return;
    history.add(text);
    browse.current = { index: -1, draft: EMPTY_EDITOR };
    files.current = undefined; // the next prompt lists the files afresh
    setState(EMPTY_EDITOR);
    onSubmit(text);
  };

  /** Keys while Ctrl-R searches: type to narrow, Ctrl-R for an older match, Enter takes it, Esc goes back. */
  const searchKey = (input: string, key: Key, s: Search) => {
    const entries = history.list();
    if (key.ctrl && input === "r") {
      const older = searchHistory(entries, s.query, s.found?.index ?? entries.length);
      return setSearch({ ...s, found: older ?? s.found });
    }
    if (key.escape || (key.ctrl && (input === "c" || input === "g"))) {
      setSearch(undefined);
      setState(s.draft);
      // Ctrl-C still counts towards the double press that exits (the App's onKey), and leaves the draft alone.
      if (key.ctrl && input === "c") onKey?.(input, key, true);
      return;
    }
    if (key.return || key.tab || key.leftArrow || key.rightArrow) {
      setSearch(undefined);
      const text = s.found?.text ?? s.draft.text;
      return setState({ text, cursor: text.length });
    }
    const query =
      key.backspace || key.delete ? s.query.slice(0, -1) : key.ctrl || key.meta ? s.query : s.query + input;
    setSearch({ ...s, query, found: query ? searchHistory(entries, query) : undefined });
  };

  useInput(
    (input, key) => {
      const state = ref.current;
      const searching = searchRef.current;
      if (searching) return searchKey(input, key, searching);
      if (key.ctrl && input === "r") return setSearch({ query: "", draft: state });
      if (onKey?.(input, key, state.text.length === 0)) return;
      const candidates = pickerFor(state);
      const word = atWord(state)?.query ?? "";
      if (pickRef.current.query !== word) pickRef.current = { query: word, index: 0 };
      const file = candidates[Math.min(pickRef.current.index, candidates.length - 1)];
      if (file && (key.upArrow || key.downArrow)) {
        const n = candidates.length;
        return setPickIndex((pickRef.current.index + (key.upArrow ? n - 1 : 1)) % n);
      }
      if (file && ((key.tab && !key.shift) || key.return)) return pick(state, file);
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
      if (key.ctrl || key.meta || key.escape || key.tab) return;
      if (input) setState(insert(state, input));
    },
    { isActive: active },
  );

  const menu = active ? menuFor(shown.text) : [];
  const picker = active && !search ? pickerFor(shown) : [];
  return (
    <>
      <Box borderStyle="round" borderDimColor paddingX={1} flexDirection="column">
        {search ? (
          <Text>
            <C color="blue">{"(reverse-i-search) "}</C>
            {`'${search.query}': `}
            {search.found ? search.found.text : search.query ? <Text dimColor>no match</Text> : ""}
            <Text inverse> </Text>
          </Text>
        ) : (
          <PromptText state={shown} placeholder={placeholder} showCursor={active} />
        )}
      </Box>
      {search && <Text dimColor>Ctrl-R older match · Enter takes it · Esc goes back</Text>}
      {menu.length > 0 && <CommandMenu commands={menu} selected={Math.min(menuIndex, menu.length - 1)} />}
      {picker.length > 0 && <FilePicker files={picker} selected={Math.min(pickIndex, picker.length - 1)} />}
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

/** The `@` picker: the best-ranked files for the word being typed. */
function FilePicker({ files, selected }: { files: readonly string[]; selected: number }) {
  return (
    <Box flexDirection="column" paddingLeft={2}>
      {files.slice(0, PICKER_ROWS).map((f, i) => (
        <Text key={f} wrap="truncate-end">
          {i === selected ? <C color="cyan">{`❯ @${f}`}</C> : `  @${f}`}
        </Text>
      ))}
      <Text dimColor>↑/↓ choose · Tab or Enter picks (the file is attached when sent)</Text>
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
