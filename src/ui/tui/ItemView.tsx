import { Box, Text } from "ink";
import { useContext } from "react";
import { Markdown } from "./markdown.js";
import type { Item } from "./state.js";
import { ToolBlock } from "./ToolBlock.js";
import { C, ColorContext } from "./theme.js";

/** One transcript block, with a blank line above it. */
export function ItemView({ item }: { item: Item }) {
  return (
    <Box flexDirection="column" marginTop={1}>
      <ItemBody item={item} />
    </Box>
  );
}

function ItemBody({ item }: { item: Item }) {
  switch (item.kind) {
    case "user":
      return (
        <Text>
          <C color="blue" bold>
            {"› "}
          </C>
          {item.text}
        </Text>
      );
    case "assistant":
      return <Markdown text={item.text} />;
    case "tool":
      return <ToolBlock item={item} />;
    case "warning":
      return <C color="yellow">{`warning: ${item.text}`}</C>;
    case "error":
      return <ErrorPanel message={item.message} fix={item.fix} />;
    case "info":
      return <Text dimColor>{item.text}</Text>;
    case "interrupted":
      return <C color="red">⎿ Interrupted · the session is kept; type to go on</C>;
  }
}

/** An error as a panel: what happened, and the exact next step. The session goes on below it. */
export function ErrorPanel({ message, fix }: { message: string; fix?: string }) {
  const color = useContext(ColorContext);
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={color ? "red" : undefined} paddingX={1}>
      <C color="red" bold>
        Error
      </C>
      <Text>{message}</Text>
      {fix && (
        <Text>
          <Text bold>Fix: </Text>
          {fix}
        </Text>
      )}
    </Box>
  );
}
