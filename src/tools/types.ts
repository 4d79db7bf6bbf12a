import type { z } from "zod";
import type { ImageBlock } from "../model/types.js";
import type { PermissionTarget } from "../permissions/types.js";
import type { AgentEvent } from "../protocol/events.js";
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
  /** Reports progress while the tool runs (shown by UIs as tool_progress events; never sent to the model). */
  progress?: (message: string) => void;
  /** The tool call being run (set by the tool pipeline); a nested agent names it as its parent. */
  callId?: string;
  /** Passes a nested agent's (already stamped) events on to the session's stream. */
  emit?: (event: AgentEvent) => void;
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
  | { kind: "todos"; todos: readonly TodoItem[] }
  /** A subagent's run (src/tools/agent.ts), for one collapsed line. */
  | { kind: "agent"; agent: string; agentId: string; toolUses: number; tokens: number; durationMs: number };

/** What a tool returns; `content` goes back to the model as the tool_result. */
export interface ToolResult {
  content: string;
  isError?: boolean;
  /** Images sent to the model after the text (screenshots, rendered pages, an MCP tool's image content). */
  images?: ImageBlock[];
  /**
   * Text the model sees after the tool results, as a text block of the same user message (a skill's
   * instructions: Claude Code sends them there, not inside the tool result).
   */
  followUp?: string;
  /** For UIs: diff for Edit/Write, exit code for Bash. */
  display?: ToolDisplay;
}

/** What permissions are checked against: the permission layer's target, declared once. */
export type ToolPermissionTarget = PermissionTarget;

/** One tool the model can call. */
export interface Tool<I = unknown> {
  name: string;
  /** Written for the model: concise, precise. */
  description: string;
  inputSchema: z.ZodType<I>;
  /**
   * The JSON Schema the model sees. Built-in tools leave it out (it is derived from `inputSchema`); external
   * tools (MCP) give theirs so it reaches the model unchanged.
   */
  inputJsonSchema?: Record<string, unknown>;
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
