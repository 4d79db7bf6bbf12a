import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createWorkspace, type Workspace } from "../../test/support/tool-workspace.js";

let ws: Workspace;
beforeEach(() => {
  ws = createWorkspace();
});
afterEach(() => ws.cleanup());

describe("TodoWrite", () => {
  it("replaces the list and returns a summary", async () => {
    const seen: number[] = [];
    ws.ctx.todos.subscribe((todos) => seen.push(todos.length));
    const todos = [
      { content: "Read the code", status: "completed" },
      { content: "Fix the bug", status: "in_progress", activeForm: "Fixing the bug" },
      { content: "Run the tests", status: "pending" },
    ];
    const result = await ws.call("TodoWrite", { todos });
    expect(result.isError).toBeFalsy();
    expect(result.content).toBe(
      [
        "Todo list updated: 1 completed, 1 in progress, 1 pending.",
        "[x] Read the code",
        "[~] Fix the bug",
        "[ ] Run the tests",
      ].join("\n"),
    );
    expect(ws.ctx.todos.get()).toEqual(todos);
    expect(result.display).toEqual({ kind: "todos", todos });
    await ws.call("TodoWrite", { todos: [] });
    expect(ws.ctx.todos.get()).toEqual([]);
    expect(seen).toEqual([3, 0]);
  });

  it("refuses more than one in_progress item", async () => {
    const result = await ws.call("TodoWrite", {
      todos: [
        { content: "A", status: "in_progress" },
        { content: "B", status: "in_progress" },
      ],
    });
    expect(result.isError).toBe(true);
    expect(result.content).toContain('2 todos are in_progress ("A", "B"); at most one may be');
    expect(ws.ctx.todos.get()).toEqual([]);
  });

  it("rejects an unknown status naming the field", async () => {
    const result = await ws.call("TodoWrite", { todos: [{ content: "A", status: "doing" }] });
    expect(result.isError).toBe(true);
    expect(result.content).toContain("- todos.0.status:");
  });
});
