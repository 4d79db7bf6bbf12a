import type { TextBlock, ToolDefinition, ToolResultBlock, ToolUseBlock } from "../model/types.js";
import { resolveForNonInteractive } from "../permissions/non-interactive.js";
import type { PermissionDecision, PermissionRequest } from "../permissions/types.js";
import type { AgentEvent, EventOf } from "../protocol/events.js";
import { describeInputError } from "../tools/input-errors.js";
import type { ToolRegistry } from "../tools/tool-registry.js";
import type { Tool, ToolContext, ToolResult } from "../tools/types.js";
import { type HookRunner, NO_HOOKS } from "./hooks.js";

/** One tool call awaiting a decision, as shown to whoever is asked. */
export interface PermissionQuestion {
  id: string;
  tool: string;
  summary: string;
  input: unknown;
  reason: string;
  suggestedRules: readonly string[];
}

/** What a person (or an SDK caller) answers to a permission question. */
export interface PermissionAnswer {
  behavior: "allow" | "deny";
  reason: string;
}

/** Whoever answers "ask": a TUI dialog, an SDK callback. Without one, "ask" is print mode's denial. */
export type AskPermission = (
  question: PermissionQuestion,
  decision: PermissionDecision,
) => Promise<PermissionAnswer>;

/** What the pipeline is assembled from; one per session (a nested agent gets its own). */
export interface ToolPipelineOptions {
  sessionId: string;
  registry: ToolRegistry;
  /** The session's tool context; each call gets it with its own signal and progress callback. */
  context: ToolContext;
  /** The permission policy's decision for one call. */
  decide(request: PermissionRequest): PermissionDecision;
  /** Awaited before deciding on a command line: what the synchronous decision needs loaded (the bash grammar). */
  ready?: () => Promise<void>;
  ask?: AskPermission;
  hooks?: HookRunner;
  /** Removes secrets from what a tool returns before the model, the transcript or a screen sees it. */
  scrub?(text: string): string;
  /** Scrubs a structured value (a tool's display data) the same way; identity when absent. */
  scrubDeep?(value: unknown): unknown;
}

/** A call that went through validation, hooks and permissions, ready to run (or to report why not). */
export interface PreparedCall {
  readonly call: ToolUseBlock;
  readonly tool?: Tool;
  readonly input: unknown;
  /** Set when the call must not run: the error result the model gets instead. */
  readonly refusal?: ToolResult;
}

/** A finished call: the event for front ends and the block for the model. */
export interface FinishedCall {
  event: EventOf<"tool_result">;
  block: ToolResultBlock;
  /** Text for the model after the tool results, in the same user message (ToolResult.followUp). */
  followUp?: TextBlock;
}

/**
 * The one path every tool call takes, whatever its source (the model's built-in tools, an MCP server, a
 * nested agent): validate → pre-tool hooks → permission decision → ask → run (with progress) → post-tool
 * hooks → scrub → record (the tool_result event the session writes to its transcript). See
 * docs/architecture.md#the-tool-pipeline.
 *
 * Split in two phases so the loop can run read-only calls in parallel: `prepare` (ordered, may ask) and
 * `execute` (runs, never throws).
 */
export class ToolPipeline {
  private readonly hooks: HookRunner;

  constructor(private readonly o: ToolPipelineOptions) {
    this.hooks = o.hooks ?? NO_HOOKS;
  }

  get registry(): ToolRegistry {
    return this.o.registry;
  }

  /** The definitions the next model turn offers (the registry may have changed since the last turn). */
  definitions(): ToolDefinition[] {
    return this.o.registry.definitions();
  }

  /** Whether a call may run in parallel with its read-only neighbours. */
  isReadOnly(name: string): boolean {
    return this.o.registry.get(name)?.readOnly ?? false;
  }

  /** Validate → pre-tool hooks → permission decision → ask. Yields tool_call and permission events. */
  async *prepare(call: ToolUseBlock): AsyncGenerator<AgentEvent, PreparedCall> {
    const tool = this.o.registry.get(call.name);
    const summary = tool ? safeSummary(tool, call.input) : call.name;
    yield { type: "tool_call", id: call.id, name: call.name, input: call.input, summary };
    if (!tool) {
      const available = this.o.registry.names().join(", ");
      return refuse(call, `Unknown tool "${call.name}". Available tools: ${available || "none"}.`);
    }
    let parsed = tool.inputSchema.safeParse(call.input);
    if (!parsed.success) return refuse(call, describeInputError(call.name, parsed.error, call.input), tool);

    const hook = await this.hooks.preToolUse({
      sessionId: this.o.sessionId,
      callId: call.id,
      tool: call.name,
      input: parsed.data,
    });
    if (hook.updatedInput !== undefined) {
      parsed = tool.inputSchema.safeParse(hook.updatedInput);
      if (!parsed.success) {
        const why = describeInputError(call.name, parsed.error, hook.updatedInput);
        return refuse(call, `A PreToolUse hook changed the input into one the tool rejects: ${why}`, tool);
      }
    }
    const input = parsed.data;
    if (hook.decision === "deny") {
      const reason = `Blocked by a PreToolUse hook: ${hook.reason ?? "no reason given"}`;
      yield { type: "permission_decision", id: call.id, behavior: "deny", reason, source: "hook" };
      return refuse(call, hook.message ?? `Permission denied: ${reason}`, tool, input);
    }

    let target: PermissionRequest["target"];
    try {
      target = tool.permissionTarget(input);
    } catch (err) {
      return refuse(
        call,
        `${call.name} could not work out what it would touch: ${(err as Error).message}`,
        tool,
      );
    }
    // Rules read a command line with the shell grammar, which loads on first need (no other target waits).
    if (target.kind === "bash") await this.o.ready?.();
    let decision = this.o.decide({ tool: tool.name, readOnly: tool.readOnly, target });
    // A hook may skip the question or force one, but a deny rule always wins.
    if (decision.behavior !== "deny" && hook.decision === "allow") {
      decision = { behavior: "allow", reason: hook.reason ?? "Allowed by a PreToolUse hook." };
    } else if (decision.behavior === "allow" && hook.decision === "ask") {
      decision = { behavior: "ask", reason: hook.reason ?? "A PreToolUse hook asked for confirmation." };
    }
    if (decision.behavior === "allow") return { call, tool, input };
    if (decision.behavior === "deny") {
      yield {
        type: "permission_decision",
        id: call.id,
        behavior: "deny",
        reason: decision.reason,
        source: "policy",
      };
      return refuse(call, `Permission denied: ${decision.reason}`, tool, input);
    }

    const suggestedRules = decision.ask?.suggestedRules ?? [];
    const shown = decision.ask?.summary ?? summary;
    yield {
      type: "permission_request",
      id: call.id,
      tool: call.name,
      summary: shown,
      reason: decision.reason,
      input,
      suggestedRules: [...suggestedRules],
    };
    // Someone is asked: Notification hooks (a desktop alert) run alongside the question, not before it.
    const notified = this.o.ask
      ? this.hooks
          .notification?.({
            sessionId: this.o.sessionId,
            message: `Quarry needs your permission to use ${call.name}`,
            notificationType: "permission_prompt",
          })
          .catch(() => {})
      : undefined;
    const answer = this.o.ask
      ? await this.o.ask(
          { id: call.id, tool: call.name, summary: shown, input, reason: decision.reason, suggestedRules },
          decision,
        )
      : undefined;
    await notified;
    const resolved = answer ?? nonInteractive(decision);
    yield {
      type: "permission_decision",
      id: call.id,
      behavior: resolved.behavior,
      reason: resolved.reason,
      source: answer ? "user" : "non-interactive",
    };
    if (resolved.behavior === "allow") return { call, tool, input };
    return refuse(call, `Permission denied: ${resolved.reason}`, tool, input);
  }

  /** Run (with progress) → post-tool hooks → scrub → the tool_result. Never throws. */
  async execute(
    prepared: PreparedCall,
    signal: AbortSignal,
    onProgress: (event: AgentEvent) => void = () => {},
  ): Promise<FinishedCall> {
    const { call, tool } = prepared;
    let result: ToolResult;
    if (prepared.refusal || !tool) {
      result = prepared.refusal ?? { content: `Unknown tool "${call.name}".`, isError: true };
    } else if (signal.aborted) {
      result = { content: "Cancelled by the user before it ran.", isError: true };
    } else {
      const started = Date.now();
      result = await runGuarded(tool, prepared.input, {
        ...this.o.context,
        signal,
        callId: call.id,
        progress: (message) => onProgress({ type: "tool_progress", id: call.id, name: call.name, message }),
        emit: onProgress,
      });
      const post = await this.hooks
        .postToolUse({
          sessionId: this.o.sessionId,
          callId: call.id,
          tool: call.name,
          input: prepared.input,
          result,
          durationMs: Date.now() - started,
        })
        .catch((err: unknown) => ({
          additionalContext: `PostToolUse hook failed: ${(err as Error).message}`,
        }));
      if (post.additionalContext)
        result = { ...result, content: `${result.content}\n\n${post.additionalContext}` };
    }
    const scrub = this.o.scrub ?? ((s: string) => s);
    const content = scrub(result.content);
    const isError = Boolean(result.isError);
    const event: EventOf<"tool_result"> = {
      type: "tool_result",
      id: call.id,
      name: call.name,
      content,
      isError,
      display: this.o.scrubDeep
        ? (this.o.scrubDeep(result.display) as typeof result.display)
        : result.display,
      ...(result.images?.length ? { images: result.images } : {}),
    };
    const block: ToolResultBlock = {
      type: "tool_result",
      tool_use_id: call.id,
      content: result.images?.length ? [{ type: "text", text: content }, ...result.images] : content,
      is_error: isError || undefined,
    };
    const followUp = result.followUp ? scrub(result.followUp) : "";
    return followUp ? { event, block, followUp: { type: "text", text: followUp } } : { event, block };
  }

  /** One call start to finish, yielding its events (for callers outside the loop: SDK, nested agents). */
  async *run(call: ToolUseBlock, signal: AbortSignal): AsyncGenerator<AgentEvent, FinishedCall> {
    const prepared = yield* this.prepare(call);
    const progress: AgentEvent[] = [];
    const finished = await this.execute(prepared, signal, (e) => progress.push(e));
    yield* progress;
    yield finished.event;
    return finished;
  }
}

function refuse(call: ToolUseBlock, content: string, tool?: Tool, input: unknown = call.input): PreparedCall {
  return { call, tool, input, refusal: { content, isError: true } };
}

function nonInteractive(decision: PermissionDecision): PermissionAnswer {
  const resolved = resolveForNonInteractive(decision);
  return { behavior: resolved.behavior === "allow" ? "allow" : "deny", reason: resolved.reason };
}

/** A tool's own exception becomes an error result the model can read; an abort says it was the user. */
async function runGuarded(tool: Tool, input: unknown, ctx: ToolContext): Promise<ToolResult> {
  try {
    return await tool.run(input, ctx);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (ctx.signal.aborted)
      return { content: `${tool.name} was interrupted by the user: ${message}`, isError: true };
    return { content: `${tool.name} failed: ${message}`, isError: true };
  }
}

function safeSummary(tool: Tool, input: unknown): string {
  try {
    return tool.summarize(input);
  } catch {
    return tool.name;
  }
}
