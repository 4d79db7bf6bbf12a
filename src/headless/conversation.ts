import { isDeepStrictEqual } from "node:util";
import type { AgentEvent } from "../agent/events.js";
import type { PrintOptions } from "../cli/options.js";
import { sessionConfigFromFlags } from "../cli/session-flags.js";
import { readPackageVersion } from "../cli/version.js";
import { expandForSession } from "../commands/index.js";
import { PERMISSION_MODES, type PermissionMode } from "../permissions/index.js";
import { UsageError } from "../runtime/errors.js";
import {
  openSession,
  type PermissionAnswer,
  type PermissionQuestion,
  type PolicyDecision,
  type Session,
} from "../runtime/session.js";
import type { SecretRegistry } from "../secrets/index.js";
import { ClaudeMessageRenderer, initMessage } from "./claude-messages.js";
import type { ClaudeMessage, ResultLine } from "./schema.js";

/** A permission question put to the controlling program (the SDK's `canUseTool`). */
export interface ToolPermissionRequest {
  toolName: string;
  input: Record<string, unknown>;
  toolUseId: string;
  /** What the call does, in Quarry's words ("run npm test"). */
  description: string;
  /** Why Quarry's rules ask. */
  reason: string;
  /** Rules that would allow this call next time (Claude Code's permission_suggestions, as rule strings). */
  suggestions: string[];
  /** Aborted when the run is interrupted while the question is open. */
  signal: AbortSignal;
}

/** The controlling program's answer. */
export type ToolPermissionAnswer =
  | { behavior: "allow"; updatedInput?: Record<string, unknown> }
  | { behavior: "deny"; message: string };

export interface ConversationOptions {
  options: PrintOptions;
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Session-wide cancellation (SIGINT, the SDK's AbortController). */
  signal: AbortSignal;
  includePartialMessages: boolean;
  /** Asked when Quarry's own rules say "ask"; without it such calls are denied as in print mode. */
  canUseTool?: (request: ToolPermissionRequest) => Promise<ToolPermissionAnswer>;
  systemPrompt?: { replace?: string; append?: string };
  /** Non-fatal notes (ignored flags, warnings): print mode writes them to stderr. */
  onNote?: (message: string) => void;
  /** Every agent event, as it happens (print mode lists denials from them). */
  onEvent?: (event: AgentEvent) => void;
  /** The session's secrets; the front end passes its own so what it prints is scrubbed with the same values. */
  secrets?: SecretRegistry;
}

/**
 * One headless conversation: opens the session on first use, runs each user message as one run (rendered as
 * Claude Code messages, ending in a result), keeps history between runs, and takes control requests
 * (interrupt, permission mode, model) between and during runs. Print mode and the in-process SDK share it.
 */
export class HeadlessConversation {
  private session: Session | undefined;
  private opening: Promise<Session> | undefined;
  private run: AbortController | undefined;
  private pendingModel: string | undefined;
  private pendingMode: PermissionMode | undefined;

  constructor(private readonly o: ConversationOptions) {}

  /** The session id, once the session is open. */
  get sessionId(): string | undefined {
    return this.session?.id;
  }

  /** Runs one user message; yields its Claude Code messages, ending with the result line. */
  async *send(input: string): AsyncGenerator<ClaudeMessage, ResultLine> {
    const session = await this.ensureOpen();
    // `/name args` becomes the custom command's text before anything is sent (docs/extensibility.md).
    const text = await expandForSession(session, input, {
      cwd: this.o.cwd,
      env: this.o.env ?? process.env,
      trustProject: this.o.options.trustProject,
      signal: this.o.signal,
    });
    const start = session.startEvent;
    yield initMessage({
      sessionId: start.sessionId,
      cwd: start.cwd,
      tools: session.registry.names(),
      model: start.model,
      permissionMode: session.policy.mode,
      version: readPackageVersion(),
      mcpServers: start.mcpServers,
    });
    const controller = new AbortController();
    this.run = controller;
    const onSessionAbort = () => controller.abort();
    this.o.signal.addEventListener("abort", onSessionAbort, { once: true });
    const queue: ClaudeMessage[] = [];
    const renderer = new ClaudeMessageRenderer(
      {
        sessionId: start.sessionId,
        model: start.model,
        contextWindow: session.contextWindow,
        includePartialMessages: this.o.includePartialMessages,
        lastAssistant: () => session.agent.messages.at(-1),
      },
      (m) => queue.push(m),
    );
    let result: ResultLine | undefined;
    try {
      for await (const event of session.run(text, controller.signal)) {
        this.o.onEvent?.(event);
        if (event.type === "warning") this.o.onNote?.(`warning: ${event.message}`);
        if (event.type === "error")
          this.o.onNote?.(`error: ${event.message}${event.fix ? ` Fix: ${event.fix}` : ""}`);
        result = renderer.handle(event) ?? result;
        yield* queue.splice(0, queue.length);
      }
    } finally {
      this.o.signal.removeEventListener("abort", onSessionAbort);
      this.run = undefined;
    }
    if (!result) throw new Error("the agent ended a run without a done event");
    return result;
  }

  /** Interrupts the running turn (kills a running tool); a no-op between runs. */
  interrupt(): void {
    this.run?.abort();
  }

  /** Changes the permission mode now, or for the session about to open. */
  setPermissionMode(mode: string): void {
    if (!PERMISSION_MODES.includes(mode as PermissionMode)) {
      throw new UsageError(`permission mode must be one of ${PERMISSION_MODES.join(", ")} (got "${mode}")`);
    }
    if (mode === "bypassPermissions" && !this.bypassAllowed()) {
      throw new UsageError(
        "bypassPermissions was not enabled for this session",
        "start it with --allow-dangerously-skip-permissions (allowDangerouslySkipPermissions in the SDK)",
      );
    }
    if (this.session) this.session.policy.setMode(mode as PermissionMode);
    else this.pendingMode = mode as PermissionMode;
  }

  /**
   * Switches the model for the next run. The session is reopened on the same transcript with the new model
   * (history replays from it), since a session's provider is fixed when it opens.
   */
  setModel(model: string | undefined): void {
    this.pendingModel = model ?? "";
  }

  /** Closes the session's transcript. */
  async close(): Promise<void> {
    await this.session?.close();
  }

  private bypassAllowed(): boolean {
    const opts = this.o.options;
    return Boolean(
      opts.allowDangerouslySkipPermissions ||
        opts.dangerouslySkipPermissions ||
        opts.permissionMode === "bypassPermissions",
    );
  }

  private async ensureOpen(): Promise<Session> {
    if (this.session && this.pendingModel !== undefined) {
      const id = this.sessionId;
      const mode = this.session.policy.mode;
      await this.session.close();
      this.session = undefined;
      this.opening = undefined;
      this.o.options = {
        ...this.o.options,
        model: this.pendingModel || undefined,
        resume: id,
        continue: false,
        permissionMode: mode,
      };
      this.pendingModel = undefined;
    }
    if (this.session) return this.session;
    if (this.pendingModel !== undefined) {
      this.o.options = { ...this.o.options, model: this.pendingModel || undefined };
      this.pendingModel = undefined;
    }
    const config = sessionConfigFromFlags(this.o.options, { cwd: this.o.cwd, env: this.o.env });
    this.opening ??= openSession(
      { ...config, systemPrompt: this.o.systemPrompt ?? config.systemPrompt },
      {
        signal: this.o.signal,
        secrets: this.o.secrets,
        ask: this.o.canUseTool ? (q, d) => this.ask(q, d) : undefined,
      },
    );
    this.session = await this.opening;
    // Recorded in the transcript like every front end's session start (src/runtime/session.ts).
    this.session.start();
    for (const w of this.session.warnings) this.o.onNote?.(`warning: ${w}`);
    if (this.pendingMode) this.session.policy.setMode(this.pendingMode);
    this.pendingMode = undefined;
    return this.session;
  }

  private async ask(question: PermissionQuestion, decision: PolicyDecision): Promise<PermissionAnswer> {
    const signal = this.run?.signal ?? this.o.signal;
    const input = (question.input ?? {}) as Record<string, unknown>;
    const canUseTool = this.o.canUseTool!;
    let answer: ToolPermissionAnswer;
    try {
      answer = await canUseTool({
        toolName: question.tool,
        input,
        toolUseId: question.id,
        description: question.summary,
        reason: question.reason,
        suggestions: [...(decision.ask?.suggestedRules ?? question.suggestedRules ?? [])],
        signal,
      });
    } catch (err) {
      return { behavior: "deny", reason: `the permission callback failed: ${(err as Error).message}` };
    }
    if (answer.behavior === "deny")
      return { behavior: "deny", reason: answer.message || "denied by the caller" };
    // The pipeline runs the call as the model made it; a changed input cannot be honoured yet, and running
    // the original instead of what the caller approved would be wrong, so a changed input is refused.
    if (answer.updatedInput && !isDeepStrictEqual(answer.updatedInput, input)) {
      return {
        behavior: "deny",
        reason:
          "the caller approved a modified input, which Quarry cannot apply yet; make the call again as approved",
      };
    }
    return { behavior: "allow", reason: "allowed by the caller" };
  }
}
