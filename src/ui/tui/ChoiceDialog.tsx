import { Box, Text, useInput } from "ink";
import { useRef, useState } from "react";
import { C } from "./theme.js";

/** A question with numbered answers (`#`: which memory file; `/memory`: which file to edit). */
export interface Choice {
  title: string;
  options: readonly { label: string; detail?: string }[];
  /** The chosen option's index, or undefined on Esc. */
  onPick(index: number | undefined): void;
}

/** The dialog for a Choice: ↑/↓ and Enter, or the option's number; Esc cancels. */
export function ChoiceDialog({ choice }: { choice: Choice }) {
  const { options, onPick } = choice;
  const [selected, setSelectedState] = useState(0);
  const ref = useRef(0);
  const move = (d: number) => {
    ref.current = (ref.current + d + options.length) % options.length;
    setSelectedState(ref.current);
  };
  useInput((input, key) => {
    if (key.upArrow) move(-1);
    else if (key.downArrow || key.tab) move(1);
    else if (key.return) onPick(ref.current);
    else if (key.escape || (key.ctrl && input === "c")) onPick(undefined);
    else if (/^[1-9]$/.test(input) && Number(input) <= options.length) onPick(Number(input) - 1);
  });
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1}>
      <Text bold>{choice.title}</Text>
      {options.map((o, i) => (
        <Text key={o.label} wrap="truncate-end">
          {i === selected ? <C color="cyan">{"❯ "}</C> : "  "}
          {i + 1}. {o.label}
          {o.detail ? <Text dimColor>{`  ${o.detail}`}</Text> : null}
        </Text>
      ))}
      <Text dimColor>↑/↓ and Enter, or 1–{options.length} · Esc cancels</Text>
    </Box>
  );
}
