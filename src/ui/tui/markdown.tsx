import { Box, Text } from "ink";
import { C } from "./theme.js";

/**
 * A light markdown renderer: headings, bullets, fenced code blocks and inline `code` / **bold**. Enough to read
 * an answer comfortably without a parser dependency; anything else shows as written.
 */
export function Markdown({ text }: { text: string }) {
  const blocks: { code: boolean; lines: string[]; lang?: string }[] = [];
  let current: { code: boolean; lines: string[]; lang?: string } = { code: false, lines: [] };
  for (const line of text.split("\n")) {
    const fence = /^\s*```(\S*)/.exec(line);
    if (fence) {
      if (current.lines.length || current.code) blocks.push(current);
      current = current.code ? { code: false, lines: [] } : { code: true, lines: [], lang: fence[1] };
      continue;
    }
    current.lines.push(line);
  }
  if (current.lines.length) blocks.push(current);
  return (
    <Box flexDirection="column">
      {blocks.map((b, i) =>
        b.code ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: blocks have no identity beyond their position
          <Box key={i} flexDirection="column" paddingLeft={2}>
            {b.lines.map((l, j) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: lines of a code block
              <C key={j} color="cyan">
                {l || " "}
              </C>
            ))}
          </Box>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: blocks have no identity beyond their position
          <Box key={i} flexDirection="column">
            {b.lines.map((l, j) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: lines of a paragraph
              <MarkdownLine key={j} line={l} />
            ))}
          </Box>
        ),
      )}
    </Box>
  );
}

function MarkdownLine({ line }: { line: string }) {
  const heading = /^(#{1,6})\s+(.*)$/.exec(line);
  if (heading) return <Text bold>{heading[2]}</Text>;
  const bullet = /^(\s*)[-*]\s+(.*)$/.exec(line);
  if (bullet) {
    return (
      <Text>
        {bullet[1]}• <Inline text={bullet[2]!} />
      </Text>
    );
  }
  return (
    <Text>
      <Inline text={line || " "} />
    </Text>
  );
}

/** `code` and **bold** spans. */
function Inline({ text }: { text: string }) {
  const parts = text.split(/(`[^`]+`|\*\*[^*]+\*\*)/);
  return (
    <>
      {parts.map((p, i) => {
        if (p.startsWith("`") && p.endsWith("`") && p.length > 1)
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: spans of one line
            <C key={i} color="cyan">
              {p.slice(1, -1)}
            </C>
          );
        if (p.startsWith("**") && p.endsWith("**") && p.length > 3)
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: spans of one line
            <Text key={i} bold>
              {p.slice(2, -2)}
            </Text>
          );
        return p;
      })}
    </>
  );
}
