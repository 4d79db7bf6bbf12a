import { Box, Text, useInput } from "ink";
import { useRef, useState } from "react";
import type { PastSession } from "./backend.js";
import { age } from "./reports.js";
import { C } from "./theme.js";

/** Sessions listed at once. */
const ROWS = 10;

function size(bytes: number | undefined): string {
  if (bytes === undefined) return "";
  return bytes < 1024 ? `${bytes} B` : `${Math.round(bytes / 1024)} kB`;
}

/** `/resume` and `quarry --resume`: earlier sessions (title, age, size, first prompt); Enter resumes. */
export function SessionPicker({
  sessions,
  onPick,
}: {
  sessions: readonly PastSession[];
  /** The chosen id, or undefined when the user pressed Esc. */
  onPick(id: string | undefined): void;
}) {
  const [selected, setSelectedState] = useState(0);
  const ref = useRef(0);
  const move = (d: number) => {
    ref.current = (ref.current + d + sessions.length) % sessions.length;
    setSelectedState(ref.current);
  };
  useInput((input, key) => {
    if (key.upArrow) move(-1);
    else if (key.downArrow || key.tab) move(1);
    else if (key.return) onPick(sessions[ref.current]?.id);
    else if (key.escape || (key.ctrl && input === "c")) onPick(undefined);
  });
  const first = Math.max(0, Math.min(selected - ROWS + 1, sessions.length - ROWS));
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1}>
      <Text bold>Resume a session</Text>
      {sessions.slice(first, first + ROWS).map((s, i) => {
        const here = first + i === selected;
        const title = s.title ?? s.firstPrompt ?? "(no prompt)";
        return (
          <Box key={s.id} flexDirection="column">
            <Text wrap="truncate-end">
              {here ? <C color="cyan">{"❯ "}</C> : "  "}
              <Text bold={here}>{title}</Text>
              <Text dimColor>{`  ${age(s.updatedAt)} · ${size(s.bytes)} · ${s.id.slice(0, 8)}`}</Text>
            </Text>
            {s.title && s.firstPrompt ? (
              <Text dimColor wrap="truncate-end">{`    ${s.firstPrompt.replace(/\s+/g, " ")}`}</Text>
            ) : null}
          </Box>
        );
      })}
      <Text dimColor>↑/↓ choose · Enter resumes · Esc cancels</Text>
    </Box>
  );
}
