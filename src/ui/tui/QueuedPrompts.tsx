import { Box, Text } from "ink";

/** Prompts typed while a turn runs (or the session opens): shown above the prompt, sent in order after it. */
export function QueuedPrompts({ prompts, opening }: { prompts: readonly string[]; opening?: boolean }) {
  if (prompts.length === 0) return null;
  return (
    <Box flexDirection="column">
      {prompts.map((p, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the queue is positional
        <Text key={i} dimColor wrap="truncate-end">
          {`⧗ queued: ${p.replace(/\n/g, " ⏎ ")}`}
        </Text>
      ))}
      <Text dimColor>
        {opening
          ? "Sent once the session is open · ↑ on an empty prompt edits the last one"
          : "Sent when the turn ends · ↑ on an empty prompt edits the last one · Esc stops the turn"}
      </Text>
    </Box>
  );
}
