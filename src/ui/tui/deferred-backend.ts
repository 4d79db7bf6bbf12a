import type { AgentEvent } from "../../agent/events.js";
import type { PermissionMode } from "../../permissions/types.js";
import type { PastSession, PermissionBroker, SessionInfo, TuiBackend } from "./backend.js";
import type { ContextPart } from "./context-bar.js";
import type { MemoryTarget } from "./memory-note.js";
import type { MenuCommand } from "./slash-menu.js";
import type { NewItem } from "./state.js";

/** What the footer shows until the session is open: no model, no region yet. */
export function pendingInfo(
  o: { simulation?: boolean; bypassAllowed?: boolean; mode?: PermissionMode } = {},
): SessionInfo {
  return {
    sessionId: "",
    model: "",
    region: "",
    contextWindow: 0,
    simulation: o.simulation ? "simulation" : undefined,
    mode: o.mode,
    bypassAllowed: o.bypassAllowed,
  };
}

/**
 * The TUI's backend before its session exists (docs/decisions/0029-tui-draws-first.md): the App is drawn at
 * once over this object while the session opens in the background; `open()` hands it the real backend and
 * resolves `opening`. The App queues every prompt until then, so the calls that need a session only come
 * after it; the few made while pending (info, Shift+Tab's setMode, cancel, close) answer for the pending state.
 */
export class DeferredBackend implements TuiBackend {
  readonly opening: Promise<NewItem[]>;
  private real: TuiBackend | undefined;
  private closed = false;
  private settle!: (intro: NewItem[]) => void;
  /** A mode picked with Shift+Tab before the session was open: the session starts in it. */
  private chosenMode: PermissionMode | undefined;

  constructor(
    /** Shared with the real backend, so the App subscribes once to the broker that asks. */
    readonly permissions: PermissionBroker,
    private pending: SessionInfo,
  ) {
    this.opening = new Promise((resolve) => {
      this.settle = resolve;
    });
  }

  /** The session is open: from now on every call goes to `real`; `intro` goes at the top of the transcript. */
  open(real: TuiBackend, intro: NewItem[]): void {
    this.real = real;
    if (this.chosenMode && real.setMode) real.setMode(this.chosenMode);
    // The user left while it was opening: nothing will use it, so it closes (MCP servers, locks) at once.
    if (this.closed) void real.close();
    else this.settle(intro);
  }

  private get session(): TuiBackend {
    if (!this.real) throw new Error("The session is still opening; try again in a moment.");
    return this.real;
  }

  info(): SessionInfo {
    return this.real?.info() ?? this.pending;
  }
  run(prompt: string): AsyncIterable<AgentEvent> {
    return this.session.run(prompt);
  }
  compact(): AsyncIterable<AgentEvent> {
    return this.session.compact();
  }
  cancel(): void {
    this.real?.cancel();
  }
  clear(): Promise<SessionInfo> {
    return this.session.clear();
  }
  switchModel(model: string): Promise<SessionInfo> {
    return this.session.switchModel(model);
  }
  resume(id?: string): Promise<SessionInfo> {
    return this.session.resume(id);
  }
  /** Shift+Tab before the session is open: the footer shows the mode now, and the session starts in it. */
  setMode(mode: PermissionMode): SessionInfo {
    if (this.real) return this.real.setMode ? this.real.setMode(mode) : this.real.info();
    this.chosenMode = mode;
    this.pending = { ...this.pending, mode };
    return this.pending;
  }
  async sessions(): Promise<PastSession[]> {
    return (await this.session.sessions?.()) ?? [];
  }
  async pastEvents(): Promise<readonly { type: string; [k: string]: unknown }[]> {
    return (await this.session.pastEvents?.()) ?? [];
  }
  doctor(): Promise<string> {
    return this.session.doctor();
  }
  models(): Promise<string> {
    return this.session.models();
  }
  async agents(): Promise<string> {
    return (await this.session.agents?.()) ?? "No agents in this session.";
  }
  sandbox(arg: string): Promise<string> {
    return this.session.sandbox(arg);
  }
  async shell(command: string): Promise<{ ok: boolean; output: string }> {
    const s = this.session;
    if (!s.shell) return { ok: false, output: "Shell commands are not available here." };
    return s.shell(command);
  }
  attachable(absPath: string): boolean {
    return this.real?.attachable?.(absPath) ?? true;
  }
  customCommands(): MenuCommand[] {
    return this.real?.customCommands?.() ?? [];
  }
  contextParts(): ContextPart[] {
    return this.real?.contextParts?.() ?? [];
  }
  async status(): Promise<string> {
    return (await this.session.status?.()) ?? "No status available.";
  }
  hooks(): string {
    return this.real?.hooks?.() ?? "No hooks are active.";
  }
  async mcp(arg: string): Promise<string> {
    return (await this.session.mcp?.(arg)) ?? "No MCP servers in this session.";
  }
  memory(): { targets: MemoryTarget[]; loaded: MemoryTarget[] } {
    return this.real?.memory?.() ?? { targets: [], loaded: [] };
  }
  /** Closing before the session is open closes it when it arrives, without waiting for it here. */
  async close(): Promise<void> {
    this.closed = true;
    await this.real?.close();
  }
}
