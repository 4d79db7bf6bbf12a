import { Box, Text } from "ink";

/** Prompts typed while a turn runs: shown above the prompt, sent in order when it ends. */
export function QueuedPrompts({ prompts }: { prompts: readonly string[] }) {
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
        Sent when the turn ends · ↑ on an empty prompt edits the last one · Esc stops the turn
      </Text>
    </Box>
  );
}
