import { z } from "zod";
import type { TodoItem } from "./todo-store.js";
import { type Tool, toolError } from "./types.js";

const todoSchema = z.object({
  content: z.string().min(1).describe('What to do, imperative ("Run the tests")'),
  status: z.enum(["pending", "in_progress", "completed"]),
  activeForm: z
    .string()
    .optional()
    .describe('Present continuous form shown while in progress ("Running the tests")'),
});

const inputSchema = z.object({
  todos: z.array(todoSchema).describe("The complete, updated todo list (replaces the previous one)"),
});

/** TodoWrite's input. */
export type TodoWriteInput = z.infer<typeof inputSchema>;

const MARKS: Record<TodoItem["status"], string> = { pending: "[ ]", in_progress: "[~]", completed: "[x]" };

/** Replaces the session's todo list. */
export const createTodoWriteTool = (): Tool<TodoWriteInput> => ({
  name: "TodoWrite",
  description: [
    "Replaces the session's todo list with the list given. Use it for tasks with three or more steps: add the",
    "steps, mark one in_progress before starting it (at most one at a time), and mark it completed as soon as it",
    "is done. Send the whole list every time.",
  ].join(" "),
  inputSchema,
  // It changes agent state only, but two calls must not race, so it does not run in parallel.
  readOnly: false,
  permissionTarget: () => ({ kind: "none" }),
  summarize: (input) => `${input.todos.length} todo${input.todos.length === 1 ? "" : "s"}`,
  async run(input, ctx) {
    const active = input.todos.filter((t) => t.status === "in_progress");
    if (active.length > 1) {
      return toolError(
        `${active.length} todos are in_progress (${active.map((t) => JSON.stringify(t.content)).join(", ")}); ` +
          "at most one may be. Mark the others pending or completed.",
      );
    }
    ctx.todos.set(input.todos);
    const count = (status: TodoItem["status"]) => input.todos.filter((t) => t.status === status).length;
    const summary = `Todo list updated: ${count("completed")} completed, ${count("in_progress")} in progress, ${count("pending")} pending.`;
    const list = input.todos.map((t) => `${MARKS[t.status]} ${t.content}`);
    return {
      content: [summary, ...list].join("\n"),
      display: { kind: "todos", todos: ctx.todos.get() },
    };
  },
});
