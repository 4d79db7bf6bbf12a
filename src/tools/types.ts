import type { z } from "zod";
import type { CommandSandbox } from "../sandbox/types.js";
import type { FileStateTracker } from "./file-state.js";
import type { PersistentShell } from "./persistent-shell.js";
import type { TodoItem, TodoStore } from "./todo-store.js";

/** Everything a tool may touch besides its input; one per session (the signal may be swapped per call). */
export interface ToolContext {
  /** Project root (workspace); relative paths resolve against it. */
  cwd: string;
  /** Ctrl-C: abort running work, kill child processes. */
  signal: AbortSignal;
  /** What was read this session (path → mtimeMs + size + content hash when read). */
  files: FileStateTracker;
  /** Bash's persistent working directory (and extra env) across calls. */
  shell: PersistentShell;
  /** TodoWrite's list. */
  todos: TodoStore;
  /**
   * Whether the user's permission rules let the model read this file (absolute path). Directory-wide searches
   * (Grep, Glob) leave out files a deny rule such as `Read(./.env)` covers; absent = everything readable.
   */
  readable?: (absolutePath: string) => boolean;
  /** The OS sandbox Bash runs commands in when it is active (src/sandbox); absent = never sandboxed. */
  sandbox?: CommandSandbox;
}

/** Structured extras for UIs; the model only sees `content`. */
export type ToolDisplay =
  | {
      kind: "diff";
      /** Absolute path of the file written. */
      path: string;
      /** Unified diff (createTwoFilesPatch). */
      patch: string;
      added: number;
      removed: number;
      created: boolean;
    }
  | {
      kind: "bash";
      exitCode: number | null;
      timedOut: boolean;
      aborted: boolean;
      /** Working directory after the command ran. */
      cwd: string;
      /** Characters cut from the middle of the output (0 when nothing was cut). */
      truncatedChars: number;
    }
  | { kind: "todos"; todos: readonly TodoItem[] };

/** What a tool returns; `content` goes back to the model as the tool_result. */
export interface ToolResult {
  content: string;
  isError?: boolean;
  /** For UIs: diff for Edit/Write, exit code for Bash. */
  display?: ToolDisplay;
}

/** What permissions are checked against. Paths are absolute, with symlinks resolved where they exist. */
export interface ToolPermissionTarget {
  kind: "read" | "edit" | "bash" | "none";
  paths?: string[];
  command?: string;
}

/** One tool the model can call. */
export interface Tool<I = unknown> {
  name: string;
  /** Written for the model: concise, precise. */
  description: string;
  inputSchema: z.ZodType<I>;
  /** Read-only tools may run in parallel. */
  readOnly: boolean;
  /** What permissions are checked against: the file path(s) it reads/writes, or the bash command. */
  permissionTarget(input: I): ToolPermissionTarget;
  /** One-line summary of the key argument for UIs (path, pattern, command). */
  summarize(input: I): string;
  run(input: I, ctx: ToolContext): Promise<ToolResult>;
}

/** What tools know when they are created: the project root, for resolving paths in permissionTarget. */
export interface ToolOptions {
  /** Project root; should equal ToolContext.cwd. */
  cwd: string;
}

/** Builds an error result; tools report refusals as values so the model can correct itself. */
export function toolError(content: string): ToolResult {
  return { content, isError: true };
}
