import { Box, Text, useInput } from "ink";
import { useContext, useRef, useState } from "react";
import type { TrustAnswer, TrustQuestion } from "../../trust/first-run.js";
import { C, ColorContext } from "./theme.js";

// The safe answer comes first and is selected: Enter alone never trusts a folder.
const OPTIONS: { label: string; answer: TrustAnswer }[] = [
  { label: "Continue untrusted (its settings may only narrow; not asked again)", answer: "untrusted" },
  { label: "Trust this folder (its settings apply from now on)", answer: "trust" },
  { label: "Quit", answer: "quit" },
];

/** Asked once per folder before the first session: what the folder's own settings would enable. */
export function TrustDialog({
  question,
  onAnswer,
}: {
  question: TrustQuestion;
  onAnswer(a: TrustAnswer): void;
}) {
  const color = useContext(ColorContext);
  // A ref mirrors the state: keys can arrive faster than re-renders.
  const [selected, setSelectedState] = useState(0);
  const selectedRef = useRef(0);
  const select = (i: number) => {
    selectedRef.current = (i + OPTIONS.length) % OPTIONS.length;
    setSelectedState(selectedRef.current);
  };
  useInput((input, key) => {
    if (key.upArrow) select(selectedRef.current - 1);
    else if (key.downArrow || key.tab) select(selectedRef.current + 1);
    else if (key.return) onAnswer(OPTIONS[selectedRef.current]!.answer);
    else if (key.escape || (key.ctrl && input === "c")) onAnswer("quit");
    else if (/^[1-3]$/.test(input)) onAnswer(OPTIONS[Number(input) - 1]!.answer);
  });
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={color ? "yellow" : undefined} paddingX={1}>
      <Text bold>Do you trust the settings in {question.folder}?</Text>
      <Text>This folder's .quarry settings would:</Text>
      <Box flexDirection="column" marginY={1} paddingLeft={1}>
        {question.enables.map((item) => (
          <Text key={`${item.file}:${item.key}`}>
            • {item.effect}: <Text bold>{item.key}</Text> = {item.shown}
          </Text>
        ))}
      </Box>
      <Text dimColor>Only trust folders whose contents you know. Until then these settings are ignored.</Text>
      <Box flexDirection="column" marginTop={1}>
        {OPTIONS.map((option, i) => (
          <C key={option.answer} color={i === selected ? "cyan" : undefined}>
            {i === selected ? "❯" : " "} {i + 1}. {option.label}
          </C>
        ))}
      </Box>
    </Box>
  );
}
