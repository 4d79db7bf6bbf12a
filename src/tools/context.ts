import { FileStateTracker } from "./file-state.js";
import { PersistentShell } from "./persistent-shell.js";
import { TodoStore } from "./todo-store.js";
import type { ToolContext } from "./types.js";

/** What a session provides to build its tool context. */
export interface ToolContextOptions {
  cwd: string;
  signal?: AbortSignal;
  /** Extra environment for Bash commands. */
  env?: Record<string, string>;
}

/** A fresh context for one session: nothing read yet, the shell in the project root, no todos. */
export function createToolContext(options: ToolContextOptions): ToolContext {
  return {
    cwd: options.cwd,
    signal: options.signal ?? new AbortController().signal,
    files: new FileStateTracker(),
    shell: new PersistentShell(options.cwd, options.env),
    todos: new TodoStore(),
  };
}
