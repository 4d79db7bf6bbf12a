import type {
  HookRunner,
  PostToolHookInput,
  PostToolHookOutcome,
  PreToolHookInput,
  PreToolHookOutcome,
  PromptHookOutcome,
  SessionHookInput,
} from "../runtime/hooks.js";
import { runHookProcess } from "./command.js";
import { compileMatcher } from "./matcher.js";
import type { ConfiguredHook, HookEventName } from "./settings.js";

/** What every hook process is given besides its event's own fields. */
export interface HookRunnerOptions {
  hooks: readonly ConfiguredHook[];
  /** The project folder: the hooks' cwd, `$CLAUDE_PROJECT_DIR` and the `cwd` field. */
  projectDir: string;
  env: NodeJS.ProcessEnv;
  permissionMode(): string;
  transcriptPath(): string;
  /** Non-blocking problems (a hook exited 1, timed out, printed bad JSON), shown to the user as warnings. */
  warn(message: string): void;
  signal?: AbortSignal;
}

/** One hook's answer, parsed: its exit, its JSON (if stdout held one) or its plain text. */
interface HookAnswer {
  hook: ConfiguredHook;
  exitCode: number | undefined;
  stderr: string;
  stdout: string;
  json?: HookJson;
}

/** The JSON a hook may print on stdout (Claude Code's fields; docs/extensibility.md#hook-output). */
interface HookJson {
  continue?: boolean;
  stopReason?: string;
  suppressOutput?: boolean;
  systemMessage?: string;
  decision?: string;
  reason?: string;
  hookSpecificOutput?: {
    permissionDecision?: string;
    permissionDecisionReason?: string;
    updatedInput?: unknown;
    additionalContext?: string;
  };
}

/**
 * The hook runner built from settings files: runs the matching command hooks of an event in parallel and
 * folds their answers into one outcome (a block or deny from any hook wins). See docs/extensibility.md#hooks.
 */
export class CommandHookRunner implements HookRunner {
  private readonly matchers = new Map<ConfiguredHook, (name: string) => boolean>();

  constructor(private readonly o: HookRunnerOptions) {
    for (const hook of o.hooks) {
      const match = compileMatcher(hook.matcher);
      if (match) this.matchers.set(hook, match);
      else
        o.warn(
          `${hook.source}: hook matcher "${hook.matcher}" is not a valid regular expression; that hook never runs`,
        );
    }
  }

  /** The hooks in force, for `/hooks`-style listings. */
  list(): readonly ConfiguredHook[] {
    return [...this.matchers.keys()];
  }

  async preToolUse(input: PreToolHookInput): Promise<PreToolHookOutcome> {
    const answers = await this.fire("PreToolUse", input.tool, input.sessionId, {
      tool_name: input.tool,
      tool_input: input.input,
      tool_use_id: input.callId,
    });
    const outcome: PreToolHookOutcome = {};
    for (const a of answers) {
      if (a.exitCode === 2) {
        // Claude Code's wording, so prompts and scripts written for it read the same (docs/extensibility.md).
        return {
          decision: "deny",
          reason: a.stderr.trim() || "no reason given",
          message: `PreToolUse:${input.tool} hook error: [${a.hook.command}]: ${a.stderr.trim()}`,
        };
      }
      const j = a.json;
      if (!j) continue;
      const specific = j.hookSpecificOutput ?? {};
      const decision =
        specific.permissionDecision ??
        (j.decision === "block" ? "deny" : j.decision === "approve" ? "allow" : undefined);
      const reason = specific.permissionDecisionReason ?? j.reason;
      if (j.continue === false || decision === "deny") {
        return { decision: "deny", reason: j.stopReason ?? reason ?? `denied by ${a.hook.command}` };
      }
      if (decision === "ask" || (decision === "allow" && outcome.decision !== "ask")) {
        outcome.decision = decision;
        outcome.reason = reason ?? outcome.reason;
      }
      if (specific.updatedInput !== undefined) outcome.updatedInput = specific.updatedInput;
    }
    return outcome;
  }

  async postToolUse(input: PostToolHookInput): Promise<PostToolHookOutcome> {
    const answers = await this.fire("PostToolUse", input.tool, input.sessionId, {
      tool_name: input.tool,
      tool_input: input.input,
      tool_use_id: input.callId,
      tool_response: input.result.display ?? {
        content: input.result.content,
        is_error: Boolean(input.result.isError),
      },
      duration_ms: input.durationMs,
    });
    const context: string[] = [];
    for (const a of answers) {
      // The tool already ran: exit 2 and `decision: block` can only tell the model about it.
      if (a.exitCode === 2)
        context.push(`PostToolUse:${input.tool} hook error: [${a.hook.command}]: ${a.stderr.trim()}`);
      const j = a.json;
      if (j?.decision === "block" && j.reason) context.push(j.reason);
      if (j?.hookSpecificOutput?.additionalContext) context.push(j.hookSpecificOutput.additionalContext);
    }
    return context.length ? { additionalContext: context.join("\n") } : {};
  }

  async userPromptSubmit(input: SessionHookInput & { prompt: string }): Promise<PromptHookOutcome> {
    return this.promptLike("UserPromptSubmit", input.sessionId, { prompt: input.prompt });
  }

  async sessionStart(input: SessionHookInput & { source: string }): Promise<PromptHookOutcome> {
    return this.promptLike("SessionStart", input.sessionId, { source: input.source }, input.source);
  }

  async stop(input: SessionHookInput): Promise<void> {
    await this.fire("Stop", undefined, input.sessionId, { stop_hook_active: false });
  }

  async subagentStop(
    input: SessionHookInput & {
      agentId: string;
      agentType: string;
      agentTranscriptPath: string;
      lastAssistantMessage: string;
    },
  ): Promise<void> {
    // The matcher is about the agent's type (`reviewer`), as in Claude Code.
    await this.fire("SubagentStop", input.agentType, input.sessionId, {
      stop_hook_active: false,
      agent_id: input.agentId,
      agent_type: input.agentType,
      agent_transcript_path: input.agentTranscriptPath,
      last_assistant_message: input.lastAssistantMessage,
    });
  }

  async sessionEnd(input: SessionHookInput & { reason: string }): Promise<void> {
    await this.fire("SessionEnd", undefined, input.sessionId, { reason: input.reason });
  }

  async preCompact(
    input: SessionHookInput & { trigger: "manual" | "auto"; customInstructions: string },
  ): Promise<void> {
    await this.fire("PreCompact", input.trigger, input.sessionId, {
      trigger: input.trigger,
      custom_instructions: input.customInstructions,
    });
  }

  async notification(input: SessionHookInput & { message: string; notificationType: string }): Promise<void> {
    await this.fire("Notification", input.notificationType, input.sessionId, {
      message: input.message,
      notification_type: input.notificationType,
    });
  }

  /** UserPromptSubmit and SessionStart: exit 2 or `continue: false` blocks; plain stdout becomes context. */
  private async promptLike(
    event: HookEventName,
    sessionId: string,
    fields: Record<string, unknown>,
    subject?: string,
  ): Promise<PromptHookOutcome> {
    const answers = await this.fire(event, subject, sessionId, fields);
    const context: string[] = [];
    for (const a of answers) {
      if (a.exitCode === 2)
        return { block: `${event} hook [${a.hook.command}] blocked this: ${a.stderr.trim()}` };
      const j = a.json;
      if (j?.continue === false || j?.decision === "block") {
        return {
          block: `${event} hook [${a.hook.command}] blocked this: ${j.stopReason ?? j.reason ?? "no reason given"}`,
        };
      }
      if (j?.hookSpecificOutput?.additionalContext) context.push(j.hookSpecificOutput.additionalContext);
      else if (!j && a.exitCode === 0 && a.stdout.trim()) context.push(a.stdout.trim());
    }
    return context.length ? { additionalContext: context.join("\n") } : {};
  }

  /** Runs every hook of `event` whose matcher accepts `subject` (all of them without one), in parallel. */
  private async fire(
    event: HookEventName,
    subject: string | undefined,
    sessionId: string,
    fields: Record<string, unknown>,
  ): Promise<HookAnswer[]> {
    const selected = [...this.matchers].filter(
      ([hook, match]) => hook.event === event && (subject === undefined || match(subject)),
    );
    if (selected.length === 0) return [];
    const input = JSON.stringify({
      session_id: sessionId,
      transcript_path: this.o.transcriptPath(),
      cwd: this.o.projectDir,
      permission_mode: this.o.permissionMode(),
      hook_event_name: event,
      ...fields,
    });
    const env = {
      ...this.o.env,
      CLAUDE_PROJECT_DIR: this.o.projectDir,
      CLAUDECODE: "1",
      CLAUDE_CODE_SESSION_ID: sessionId,
    };
    return Promise.all(
      selected.map(async ([hook]) => {
        const r = await runHookProcess({
          command: hook.command,
          cwd: this.o.projectDir,
          env,
          input,
          timeoutMs: hook.timeoutSeconds * 1000,
          signal: this.o.signal,
        });
        const answer: HookAnswer = { hook, exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr };
        const where = `${event} hook [${hook.command}] (${hook.source})`;
        if (r.spawnError) this.o.warn(`${where} could not start: ${r.spawnError}`);
        else if (r.timedOut) this.o.warn(`${where} timed out after ${hook.timeoutSeconds}s and was killed`);
        else if (r.exitCode !== 0 && r.exitCode !== 2)
          this.o.warn(
            `${where} failed with exit code ${r.exitCode ?? "signal"}: ${r.stderr.trim() || "no output"}`,
          );
        if (r.exitCode === 0) {
          const parsed = parseHookJson(r.stdout);
          if (parsed === "invalid")
            this.o.warn(`${where} printed JSON that does not parse; its output is ignored`);
          else if (parsed) {
            answer.json = parsed;
            if (parsed.systemMessage) this.o.warn(`${where}: ${parsed.systemMessage}`);
          }
        }
        return answer;
      }),
    );
  }
}

/** A hook's stdout as its JSON answer; plain text (not starting with `{`) is not JSON and not an error. */
function parseHookJson(stdout: string): HookJson | undefined | "invalid" {
  const text = stdout.trim();
  if (!text.startsWith("{")) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null ? (value as HookJson) : "invalid";
  } catch {
    return "invalid";
  }
}
