import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import {
  deleteForward,
  type EditorState,
  killToLineEnd,
  killWordBefore,
  moveWord,
} from "../../src/ui/tui/editor.js";
import { hasCodeFence, highlightCode, loadHighlighter } from "../../src/ui/tui/highlight.js";
import { ItemView } from "../../src/ui/tui/ItemView.js";
import { Markdown } from "../../src/ui/tui/markdown.js";
import { shortModelName } from "../../src/ui/tui/model-name.js";
import { nextMode } from "../../src/ui/tui/modes.js";
import { presentWarning, sideModelWarningHidden } from "../../src/ui/tui/notices.js";
import { describeRule, dialogOptions, dialogSummary } from "../../src/ui/tui/permission-options.js";
import { filterCommands, menuQuery } from "../../src/ui/tui/slash-menu.js";
import { applyEvent, INITIAL_STATE, startTurn } from "../../src/ui/tui/state.js";
import { ColorContext } from "../../src/ui/tui/theme.js";

const at = (text: string, cursor = text.length): EditorState => ({ text, cursor });

describe("readline editing", () => {
  it("Ctrl-W deletes the word before the cursor and keeps it for Ctrl-Y", () => {
    expect(killWordBefore(at("git commit -m  "))).toEqual({ state: at("git commit "), killed: "-m  " });
    expect(killWordBefore(at("one two", 3))).toEqual({ state: { text: " two", cursor: 0 }, killed: "one" });
  });
  it("Ctrl-K deletes to the end of the line, joining the next line at its end", () => {
    expect(killToLineEnd(at("abc def", 3))).toEqual({ state: at("abc", 3), killed: " def" });
    expect(killToLineEnd(at("ab\ncd", 2))).toEqual({ state: at("abcd", 2), killed: "\n" });
  });
  it("Alt-B / Alt-F move by words; Ctrl-D deletes forward", () => {
    expect(moveWord(at("one two three", 13), -1).cursor).toBe(8);
    expect(moveWord(at("one two three", 0), 1).cursor).toBe(3);
    expect(deleteForward(at("abc", 1))).toEqual(at("ac", 1));
  });
});

describe("modes and names", () => {
  it("cycles modes, with bypass only when allowed", () => {
    expect(["default", "acceptEdits", "plan"].map((m) => nextMode(m as never, false))).toEqual([
      "acceptEdits",
      "plan",
      "default",
    ]);
    expect(nextMode("plan", true)).toBe("bypassPermissions");
    expect(nextMode("bypassPermissions", true)).toBe("default");
  });
  it("shortens model IDs, profiles and ARNs; unknown IDs keep their name", () => {
    expect(shortModelName("us.anthropic.claude-sonnet-4-6")).toBe("Sonnet 4.6");
    expect(shortModelName("global.anthropic.claude-haiku-4-5-20251001-v1:0")).toBe("Haiku 4.5");
    expect(shortModelName("us.anthropic.claude-haiku-4-5")).toBe("Haiku 4.5");
    expect(shortModelName("arn:aws:bedrock:us-east-1:123:application-inference-profile/my-prof")).toBe(
      "my-prof",
    );
    expect(shortModelName("anthropic.claude-future-9")).toBe("claude-future-9");
  });
});

describe("/ menu filtering", () => {
  const commands = [
    { name: "clear", help: "" },
    { name: "compact", help: "" },
    { name: "cost", help: "" },
    { name: "doctor", help: "" },
  ];
  it("matches prefixes first, then substrings, then letters in order", () => {
    expect(filterCommands(commands, "co").map((c) => c.name)).toEqual(["compact", "cost", "doctor"]);
    expect(filterCommands(commands, "st").map((c) => c.name)).toEqual(["cost"]);
    expect(filterCommands(commands, "zz")).toEqual([]);
  });
  it("is open only while the command name is typed", () => {
    expect(menuQuery("/Co")).toBe("co");
    expect(menuQuery("/model opus")).toBeUndefined();
    expect(menuQuery("hello /x")).toBeUndefined();
  });
});

describe("permission dialog options", () => {
  const base = {
    tool: "Edit",
    summary: "edit ./a.ts",
    reason: "",
    input: {},
    suggestedRules: ["Edit(./a.ts)"],
  };
  it("offers accept-edits mode for an edit in the project instead of a one-file rule", () => {
    const labels = dialogOptions({ ...base, acceptEditsWouldAllow: true }).map((o) => o.choice);
    expect(labels).toEqual(["once", "acceptEdits", "deny"]);
  });
  it("names what a session rule covers, in words", () => {
    expect(describeRule("Bash(npm test:*)")).toBe("commands starting with `npm test`");
    expect(describeRule("Edit(/etc/hosts)")).toBe("edits to /etc/hosts");
    expect(dialogOptions(base)[1]!.label).toBe("Yes, and allow edits to ./a.ts for this session");
  });
  it("says create for a Write to a file that does not exist", () => {
    expect(dialogSummary("Write", "edit ./new.md", { file_path: "/p/new.md" }, () => false)).toBe(
      "create ./new.md",
    );
    expect(dialogSummary("Write", "edit ./old.md", { file_path: "/p/old.md" }, () => true)).toBe(
      "edit ./old.md",
    );
    expect(dialogSummary("Edit", "edit ./x.md", { file_path: "/p/x.md" }, () => false)).toBe("edit ./x.md");
  });
});

describe("markdown", () => {
  it("draws a table as a box table with aligned columns", () => {
    const r = render(<Markdown text={"| File | Lines |\n|---|--:|\n| a.ts | 12 |\n| **b.ts** | 3 |"} />);
    const lines = r.lastFrame()!.split("\n");
    expect(lines).toEqual([
      "┌──────┬───────┐",
      "│ File │ Lines │",
      "├──────┼───────┤",
      "│ a.ts │    12 │",
      "│ b.ts │     3 │",
      "└──────┴───────┘",
    ]);
  });

  it("renders lists, headings and inline code without markers", () => {
    const frame = render(<Markdown text={"# Title\n\n- one `x`\n- [x] done\n\n1. first"} />).lastFrame()!;
    expect(frame).toContain("Title");
    expect(frame).not.toContain("#");
    expect(frame).toContain("• one x");
    expect(frame).toContain("☒ done");
    expect(frame).toContain("1. first");
  });

  it("highlights a fenced code block once the highlighter has loaded (colour on)", async () => {
    const code = "```ts\nconst x: number = 1;\n```";
    expect(hasCodeFence(code)).toBe(true);
    await loadHighlighter();
    expect(highlightCode("const x = 1;", "ts")).toContain("\x1b[");
    expect(highlightCode("const x = 1;", "no-such-language")).toBeUndefined();
    const colored = render(
      <ColorContext.Provider value={true}>
        <Markdown text={code} />
      </ColorContext.Provider>,
    ).lastFrame()!;
    expect(colored).toContain("const");
    expect(colored).toMatch(/\x1b\[\d+mconst\x1b\[39m/);
  });
});

describe("tool views", () => {
  it("shows TodoWrite's checklist while it runs and after", () => {
    const todos = [
      { content: "Read the code", status: "completed" },
      { content: "Fix the bug", status: "in_progress" },
      { content: "Run the tests", status: "pending" },
    ];
    let s = startTurn(INITIAL_STATE, "plan it");
    s = applyEvent(s, {
      type: "tool_call",
      id: "t",
      name: "TodoWrite",
      input: { todos },
      summary: "3 todos",
    });
    const running = render(<ItemView item={s.live.at(-1)!} />).lastFrame()!;
    expect(running).toContain("☒ Read the code");
    expect(running).toContain("◼ Fix the bug");
    expect(running).toContain("☐ Run the tests");
    s = applyEvent(s, {
      type: "tool_result",
      id: "t",
      name: "TodoWrite",
      content: "ok",
      isError: false,
      display: { kind: "todos", todos: todos.map((t) => ({ ...t, status: "completed" })) },
    });
    const done = render(<ItemView item={s.done.at(-1)!} />).lastFrame()!;
    expect(done).toContain("☒ Run the tests");
    expect(done).not.toContain("☐");
  });

  it("marks an interrupted answer", () => {
    let s = startTurn(INITIAL_STATE, "go");
    s = applyEvent(s, { type: "text_delta", text: "half an ans" });
    s = applyEvent(s, {
      type: "done",
      reason: "aborted",
      result: "",
      turns: 1,
      usage: { inputTokens: 0, outputTokens: 0, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 },
      costUsd: 0,
      durationMs: 1,
    });
    expect(s.done.map((i) => i.kind)).toEqual(["user", "assistant", "interrupted"]);
    expect(render(<ItemView item={s.done.at(-1)!} />).lastFrame()).toContain("Interrupted");
  });
});

describe("side-model warning", () => {
  const notice =
    "Side-task model us.anthropic.claude-haiku-4-5 is unavailable in us-east-1: access denied. Using the main model for side tasks this session. Fix: request access.";
  it("names ANTHROPIC_SMALL_FAST_MODEL and how to hide it; hidden when asked", () => {
    expect(presentWarning(notice, false)).toContain("set ANTHROPIC_SMALL_FAST_MODEL");
    expect(presentWarning(notice, false)).toContain("QUARRY_HIDE_SIDE_MODEL_WARNING=1");
    expect(presentWarning(notice, true)).toBeUndefined();
    expect(presentWarning("Prompt caching is not available", true)).toBe("Prompt caching is not available");
    expect(sideModelWarningHidden({ QUARRY_HIDE_SIDE_MODEL_WARNING: "1" })).toBe(true);
    expect(sideModelWarningHidden({ QUARRY_HIDE_SIDE_MODEL_WARNING: "0" })).toBe(false);
    expect(sideModelWarningHidden({})).toBe(false);
  });
});
