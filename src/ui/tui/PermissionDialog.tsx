import { Box, Text, useInput } from "ink";
import { useContext, useRef, useState } from "react";
import type { PermissionChoice, PermissionPrompt } from "./backend.js";
import { backspace, type EditorState, EMPTY_EDITOR, insert } from "./editor.js";
import { dialogOptions } from "./permission-options.js";
import { permissionPreview } from "./permission-preview.js";
import { C, ColorContext } from "./theme.js";

/**
 * The dialog for one gated call: what will run or change, then allow once / for this session (or accept edits
 * from now on) / deny. Esc stops the whole turn, as it does at the prompt.
 */
export function PermissionDialog({
  prompt,
  onAnswer,
  onCancel,
}: {
  prompt: PermissionPrompt;
  onAnswer(choice: PermissionChoice): void;
  /** Esc: deny this call and stop the turn. */
  onCancel(): void;
}) {
  const color = useContext(ColorContext);
  // Refs mirror the state: keys can arrive faster than re-renders, and must not act on stale values.
  const [selected, setSelectedState] = useState(0);
  const selectedRef = useRef(0);
  const setSelected = (f: (s: number) => number) => {
    selectedRef.current = f(selectedRef.current);
    setSelectedState(selectedRef.current);
  };
  // After choosing "deny", the user may type a note for the model; undefined until then.
  const [note, setNoteState] = useState<EditorState | undefined>();
  const noteRef = useRef<EditorState | undefined>(undefined);
  const setNote = (n: EditorState) => {
    noteRef.current = n;
    setNoteState(n);
  };
  const options = dialogOptions(prompt);

  const choose = (i: number) => {
    const c = options[i]!.choice;
    if (c === "deny") setNote(EMPTY_EDITOR);
    else onAnswer({ choice: c });
  };

  useInput((input, key) => {
    const note = noteRef.current;
    if (note) {
      // A pasted or fast-typed note can arrive with its Enter in one chunk ("use yarn\r").
      const typedThenEnter = input.length > 1 && /^[^\r\n]+\r$/.test(input);
      const text = typedThenEnter ? insert(note, input.slice(0, -1)).text : note.text;
      if (key.return || typedThenEnter) onAnswer({ choice: "deny", note: text.trim() || undefined });
      else if (key.escape) onCancel();
      else if (key.backspace || key.delete) setNote(backspace(note));
      else if (input && !key.ctrl && !key.meta) setNote(insert(note, input));
      return;
    }
    if (key.upArrow) setSelected((s) => (s + options.length - 1) % options.length);
    else if (key.downArrow || key.tab) setSelected((s) => (s + 1) % options.length);
    else if (key.return) choose(selectedRef.current);
    else if (key.escape) onCancel();
    else if (/^[1-9]$/.test(input) && Number(input) <= options.length) choose(Number(input) - 1);
  });

  const preview = permissionPreview(prompt.tool, prompt.input);
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={color ? "yellow" : undefined} paddingX={1}>
      <Text bold>
        {prompt.tool}: {prompt.summary}
      </Text>
      <Box flexDirection="column" marginY={1} paddingLeft={1}>
        {preview.map((l, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: preview lines are positional
          <C key={i} color={l.sign === "+" ? "green" : l.sign === "-" ? "red" : undefined}>
            {l.sign === " " ? l.text || " " : `${l.sign} ${l.text}`}
          </C>
        ))}
      </Box>
      <Text dimColor>{prompt.reason}</Text>
      {note ? (
        <Text>
          Note to the model (Enter to send, empty for none): {note.text}
          <Text inverse> </Text>
        </Text>
      ) : (
        <Box flexDirection="column" marginTop={1}>
          <Text>Allow this?</Text>
          {options.map((o, i) => (
            <Text key={o.choice}>
              {i === selected ? <C color="cyan">{"❯ "}</C> : "  "}
              {i + 1}. {o.label}
            </Text>
          ))}
          <Text dimColor>↑/↓ and Enter, or 1–{options.length}; Esc stops the turn</Text>
        </Box>
      )}
    </Box>
  );
}
