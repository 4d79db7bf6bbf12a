import { Box, Text } from "ink";
import { createContext, useContext } from "react";
import type { TodoItem } from "../../tools/todo-store.js";
import type { ToolDisplay } from "../../tools/types.js";
import { DiffView } from "./DiffView.js";
import { compactNumber } from "./format.js";
import type { Item } from "./state.js";
import { C } from "./theme.js";

/** Lines of Bash (or other) output kept on screen: the tail, where errors and summaries usually are. */
export const OUTPUT_TAIL_LINES = 5;

/** Ctrl-O: tool output shown in full instead of its tail. */
export const ExpandedOutput = createContext(false);

type ToolItem = Extract<Item, { kind: "tool" }>;

const MARKS: Record<ToolItem["status"], { mark: string; color: string }> = {
  running: { mark: "…", color: "yellow" },
  waiting: { mark: "?", color: "yellow" },
  ok: { mark: "✓", color: "green" },
  error: { mark: "✗", color: "red" },
  denied: { mark: "⊘", color: "red" },
};

/** One tool call: status mark, tool, key argument; then its diff, collapsed output, or refusal. */
export function ToolBlock({ item }: { item: ToolItem }) {
  const { mark, color } = MARKS[item.status];
  const display = item.display as ToolDisplay | undefined;
  if (item.name === "Agent") return <AgentLine item={item} mark={mark} color={color} display={display} />;
  return (
    <Box flexDirection="column">
      <Text>
        <C color={color}>{mark}</C> <Text bold>{item.name}</Text> <Text dimColor>{item.summary}</Text>
        {display?.kind === "diff" && (
          <Text>
            {" "}
            <C color="green">+{display.added}</C> <C color="red">-{display.removed}</C>
          </Text>
        )}
        {display?.kind === "bash" && display.exitCode !== null && display.exitCode !== 0 && (
          <C color="red"> exit {display.exitCode}</C>
        )}
        {display?.kind === "bash" && display.timedOut && <C color="red"> timed out</C>}
      </Text>
      <ToolBody item={item} display={display} />
    </Box>
  );
}

function ToolBody({ item, display }: { item: ToolItem; display: ToolDisplay | undefined }) {
  if (item.status === "denied") return <Text dimColor>{`  denied: ${item.output ?? ""}`}</Text>;
  // The list as the model just wrote it: from the result once done, from the call's input while it runs.
  const todos =
    display?.kind === "todos"
      ? display.todos
      : item.name === "TodoWrite"
        ? inputTodos(item.input)
        : undefined;
  if (todos && item.status !== "error") return <Checklist todos={todos} />;
  if (display?.kind === "diff" && item.status === "ok") return <DiffView patch={display.patch} />;
  if (item.status === "error" && item.output) return <OutputTail text={item.output} color="red" />;
  if (item.name === "Bash" && item.output && item.status === "ok") return <OutputTail text={item.output} />;
  return null;
}

/** A subagent's call, collapsed to one line: `Agent(reviewer) … 3 tool uses · 1.2k tokens`. */
function AgentLine(p: { item: ToolItem; mark: string; color: string; display: ToolDisplay | undefined }) {
  const done = p.display?.kind === "agent" ? p.display : undefined;
  const stats = done ?? p.item.agent ?? { toolUses: 0, tokens: 0 };
  const [type, ...what] = p.item.summary.split(": ");
  const uses = `${stats.toolUses} tool use${stats.toolUses === 1 ? "" : "s"}`;
  return (
    <Text>
      <C color={p.color}>{p.mark}</C> <Text bold>{`Agent(${type})`}</Text>{" "}
      <Text dimColor>{`${what.join(": ")} … ${uses} · ${compactNumber(stats.tokens)} tokens`}</Text>
      {p.item.status === "denied" || p.item.status === "error" ? <C color="red">{" failed"}</C> : null}
    </Text>
  );
}

/** The last lines of some output, with a count of what was folded away (all of it after Ctrl-O). */
export function OutputTail({ text, color }: { text: string; color?: string }) {
  const expanded = useContext(ExpandedOutput);
  const lines = text.replace(/\n+$/, "").split("\n");
  const tail = expanded ? lines : lines.slice(-OUTPUT_TAIL_LINES);
  const hidden = lines.length - tail.length;
  return (
    <Box flexDirection="column" paddingLeft={2}>
      {hidden > 0 && <Text dimColor>… {hidden} earlier lines (Ctrl-O shows all)</Text>}
      {tail.map((l, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: output lines are positional
        <C key={i} color={color} dimColor={!color}>
          {l || " "}
        </C>
      ))}
    </Box>
  );
}

function inputTodos(input: unknown): readonly TodoItem[] | undefined {
  const todos = (input as { todos?: unknown } | undefined)?.todos;
  return Array.isArray(todos) ? (todos as TodoItem[]) : undefined;
}

/** TodoWrite's list as a checklist: ☒ done (struck through), ◼ in progress (bold), ☐ pending. */
export function Checklist({ todos }: { todos: readonly TodoItem[] }) {
  return (
    <Box flexDirection="column" paddingLeft={2}>
      {todos.map((t, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: todos have no id
        <Text key={i}>
          {t.status === "completed" ? (
            <Text dimColor strikethrough>
              {`☒ ${t.content}`}
            </Text>
          ) : t.status === "in_progress" ? (
            <Text bold>{`◼ ${t.content}`}</Text>
          ) : (
            `☐ ${t.content}`
          )}
        </Text>
      ))}
    </Box>
  );
}
