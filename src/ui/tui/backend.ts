import type { AgentEvent } from "../../agent/events.js";
import type { PermissionMode } from "../../permissions/types.js";
import type { ContextPart } from "./context-bar.js";
import type { MemoryTarget } from "./memory-note.js";
import type { NotificationChannel } from "./notify.js";
import type { MenuCommand } from "./slash-menu.js";
import type { NewItem } from "./state.js";

/** What the status line shows about the connected session. */
export interface SessionInfo {
  sessionId: string;
  model: string;
  sideModel?: string;
  region: string;
  contextWindow: number;
  /** Set when running against the built-in emulator (`--simulate`): shown on screen, always. */
  simulation?: string;
  /** The permission mode now (Shift+Tab cycles it); absent means default. */
  mode?: PermissionMode;
  /** Whether Shift+Tab may reach bypassPermissions (`--allow-dangerously-skip-permissions`). */
  bypassAllowed?: boolean;
  /** How to tell the terminal a long turn ended or a dialog waits (the `notifications` setting). */
  notifications?: NotificationChannel;
}

/** A saved session for the `/resume` list and the `--resume` picker. */
export interface PastSession {
  id: string;
  title?: string;
  firstPrompt?: string;
  /** ISO time of the last write. */
  updatedAt: string;
  /** Transcript size in bytes. */
  bytes?: number;
}

/** One gated tool call waiting for the user. */
export interface PermissionPrompt {
  tool: string;
  /** What the policy says will happen: "run `npm test`", "edit ./src/a.ts". */
  summary: string;
  reason: string;
  input: unknown;
  /** Rules "allow for this session" would add. */
  suggestedRules: readonly string[];
  /** True when switching to acceptEdits would allow this call (an edit inside the project). */
  acceptEditsWouldAllow?: boolean;
}

/** The user's answer in the permission dialog. */
export type PermissionChoice =
  | { choice: "once" }
  | { choice: "session" }
  /** Allow this call and switch to acceptEdits; the App switches the mode before answering. */
  | { choice: "acceptEdits" }
  | { choice: "deny"; note?: string };

/**
 * Everything the App needs from a running session. interactive.ts implements it over openAgentSession; tests
 * pass a fake, so components never touch AWS, files or the agent directly.
 */
export interface TuiBackend {
  /**
   * Set while the session is still opening (the UI is drawn first, src/ui/tui/deferred-backend.ts): resolves
   * with the lines for the top of the transcript once it is open. Until then info() is the pending state and
   * the App queues prompts. If opening fails it never resolves: the caller ends the UI and explains.
   */
  readonly opening?: Promise<NewItem[]>;
  info(): SessionInfo;
  /** Runs one prompt; the events end with `done`. */
  run(prompt: string): AsyncIterable<AgentEvent>;
  /** Summarises older turns now (`/compact`); ends with `compacted` or a warning. Cancelled by cancel(). */
  compact(): AsyncIterable<AgentEvent>;
  /** Cancels the running turn (tools killed); the session stays usable. */
  cancel(): void;
  permissions: PermissionBroker;
  /** Starts a new conversation (a new transcript). */
  clear(): Promise<SessionInfo>;
  /** Switches the main model, keeping the conversation; rejects (session unchanged) if it does not resolve. */
  switchModel(model: string): Promise<SessionInfo>;
  /** Resumes a session by id, or the most recent one in this project. */
  resume(id?: string): Promise<SessionInfo>;
  /** Switches the permission mode for the next decisions (also of the running turn). */
  setMode?(mode: PermissionMode): SessionInfo;
  /** The project's saved sessions with a prompt, newest first. */
  sessions?(): Promise<PastSession[]>;
  /** The current session's transcript events so far (for redrawing a resumed conversation). */
  pastEvents?(): Promise<readonly { type: string; [k: string]: unknown }[]>;
  /** The preflight report as text. */
  doctor(): Promise<string>;
  /** Usable models as text (`quarry models`). */
  models(): Promise<string>;
  /** `/agents`: the subagents this session's Agent tool can run, as text. */
  agents?(): Promise<string>;
  /** `/sandbox [off|on|ask]`: the Bash sandbox's status, after switching the mode for the session if given. */
  sandbox(arg: string): Promise<string>;
  /** `!command`: runs it as the Bash tool would (permission rules, hooks, sandbox); the user typed it. */
  shell?(command: string): Promise<{ ok: boolean; output: string }>;
  /** Whether an `@file` may be attached: the permission policy's Read verdict is not deny. */
  attachable?(absPath: string): boolean;
  /** Custom commands (`.quarry/commands`, `.claude/commands`, the user's) for the `/` menu; run() expands them. */
  customCommands?(): MenuCommand[];
  /** `/context`: the parts the next request is made of, estimated. */
  contextParts?(): ContextPart[];
  /** `/status`: provider, endpoint, region, identity (if /doctor fetched it), model, settings sources. */
  status?(): Promise<string>;
  /** `/hooks`: the hooks in force and where each comes from. */
  hooks?(): string;
  /** `/mcp [reconnect NAME]`: the MCP servers' states, or reconnect one. */
  mcp?(arg: string): Promise<string>;
  /** `#` and `/memory`: the files a note can go to, and the memory files the session loaded. */
  memory?(): { targets: MemoryTarget[]; loaded: MemoryTarget[] };
  close(): Promise<void>;
}

/**
 * Hands permission questions from the agent (which awaits an answer) to the UI (which shows one dialog at a
 * time). A plain observable so the App subscribes without polling.
 */
export class PermissionBroker {
  private queue: { prompt: PermissionPrompt; resolve(c: PermissionChoice): void }[] = [];
  private listeners = new Set<() => void>();

  /** Called by the backend's ask callback; resolves when the user answers. */
  ask(prompt: PermissionPrompt): Promise<PermissionChoice> {
    return new Promise((resolve) => {
      this.queue.push({ prompt, resolve });
      this.emit();
    });
  }

  /** The question on screen, if any. */
  current(): PermissionPrompt | undefined {
    return this.queue[0]?.prompt;
  }

  answer(choice: PermissionChoice): void {
    const head = this.queue.shift();
    head?.resolve(choice);
    this.emit();
  }

  /** A cancelled turn denies whatever was still waiting, so the agent can unwind. */
  denyAll(note: string): void {
    const waiting = this.queue.splice(0);
    for (const w of waiting) w.resolve({ choice: "deny", note });
    this.emit();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(): void {
    for (const l of this.listeners) l();
  }
}
