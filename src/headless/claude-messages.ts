import { randomBytes, randomUUID } from "node:crypto";
import type { AgentEvent } from "../agent/events.js";
import { AGENT_TOOL_INIT_NAME, AGENT_TOOL_NAME } from "../agents/definition.js";
import type { ContentBlock, Message, Usage } from "../model/types.js";
import { apiUsage, buildResult, type RunTotals } from "./result.js";
import type {
  AssistantLine,
  ClaudeMessage,
  ResultLine,
  StreamEventLine,
  SystemInit,
  UserLine,
} from "./schema.js";

/** What the renderer needs to know about the session, besides its events. */
export interface RendererContext {
  sessionId: string;
  model: string;
  /** The main model's context window (for `modelUsage`). */
  contextWindow: number;
  /** Emit `stream_event` lines (`--include-partial-messages`). */
  includePartialMessages: boolean;
  /**
   * The conversation's latest assistant message. The loop pushes it just before its `usage` event, so at that
   * event the reply's complete content blocks are known (text, thinking, every tool_use) in the model's order.
   */
  lastAssistant(): Message | undefined;
}

/** Claude Code writes these as the user's turn text when a run is interrupted (docs/headless.md). */
export const INTERRUPTED_FOR_TOOL_USE = "[Request interrupted by user for tool use]";
export const INTERRUPTED = "[Request interrupted by user]";

/**
 * Renders one run's Quarry agent events as Claude Code's stream-json messages: an assistant line per content
 * block when the reply completes (blocks of one reply share message.id), a user line per tool result, stream
 * events while text arrives, and the result. One renderer per run (one user message).
 */
export class ClaudeMessageRenderer {
  private messageId = "";
  private turnStarted = 0;
  private apiMs = 0;
  /** The open partial block: its index and kind, while deltas stream. */
  private open: { index: number; kind: "text" | "thinking" } | undefined;
  private nextIndex = 0;
  private readonly calls = new Map<string, { name: string; input: unknown }>();
  private readonly totals: RunTotals;
  private ranTool = false;
  /** Subagents' renderers, by the Agent call that runs them: their lines carry its id as parent_tool_use_id. */
  private readonly children = new Map<string, ClaudeMessageRenderer>();
  /** A subagent renderer's latest assistant message (the parent's comes from ctx.lastAssistant). */
  private lastSeen: Message | undefined;

  constructor(
    private readonly ctx: RendererContext,
    private readonly emit: (message: ClaudeMessage) => void,
    /** Set on a subagent's renderer: the Agent call's id. */
    private readonly parentToolUseId: string | null = null,
    shared?: RunTotals,
  ) {
    // A subagent's denials and model usage count in the run's result; its errors are its own call's.
    this.totals = shared ? { ...shared, errors: [] } : { denials: [], errors: [], modelUsage: {}, apiMs: 0 };
  }

  /** Handles one agent event; returns the result line when the run is done. */
  handle(event: AgentEvent): ResultLine | undefined {
    const nestedIn = (event as { parent_call_id?: string }).parent_call_id;
    if (nestedIn && this.parentToolUseId === null) return this.childFor(nestedIn).handle(event);
    switch (event.type) {
      case "message":
        if (event.message.role === "assistant") this.lastSeen = event.message;
        return undefined;
      case "turn_start":
        this.messageId = `msg_${randomBytes(12).toString("hex")}`;
        this.turnStarted = Date.now();
        this.nextIndex = 0;
        this.open = undefined;
        this.ranTool = false;
        this.partial({
          type: "message_start",
          message: {
            id: this.messageId,
            type: "message",
            role: "assistant",
            model: this.ctx.model,
            content: [],
            stop_reason: null,
            stop_sequence: null,
            usage: apiUsage(ZERO),
          },
        });
        return undefined;
      case "text_delta":
        this.delta("text", event.text);
        return undefined;
      case "thinking_delta":
        this.delta("thinking", event.text);
        return undefined;
      case "retry":
        // The attempt's streamed text is void; a consumer of partial messages sees the reply start over.
        this.closeOpen();
        return undefined;
      case "failover": {
        const { step, from, to, reason, message } = event;
        this.totals.failovers = [...(this.totals.failovers ?? []), { step, from, to, reason, message }];
        this.emit({ type: "system", subtype: "failover", step, from, to, reason, message, ...this.ids() });
        return undefined;
      }
      case "usage":
        this.apiMs += Date.now() - this.turnStarted;
        this.addModelUsage(event.model, event.usage, event.costUsd);
        if (event.region) {
          const byRegion = this.totals.costByRegion ?? {};
          this.totals.costByRegion = byRegion;
          byRegion[event.region] = (byRegion[event.region] ?? 0) + event.costUsd;
        }
        this.completeReply(event.usage, this.parentToolUseId ? event.model : this.ctx.model);
        return undefined;
      case "tool_call":
        this.calls.set(event.id, { name: event.name, input: event.input });
        return undefined;
      case "permission_decision":
        if (event.behavior === "deny") {
          const call = this.calls.get(event.id);
          this.totals.denials.push({
            tool_name: call?.name ?? "unknown",
            tool_use_id: event.id,
            tool_input: asRecord(call?.input),
          });
        }
        return undefined;
      case "tool_result":
        this.ranTool = true;
        this.emitUser([
          {
            type: "tool_result",
            tool_use_id: event.id,
            content: event.content,
            ...(event.isError ? { is_error: true } : {}),
          },
        ]);
        return undefined;
      case "error":
        this.totals.errors.push(event.fix ? `${event.message} Fix: ${event.fix}` : event.message);
        return undefined;
      case "done": {
        if (event.reason === "aborted") {
          this.emitUser([{ type: "text", text: this.ranTool ? INTERRUPTED_FOR_TOOL_USE : INTERRUPTED }]);
        }
        this.totals.apiMs = this.apiMs;
        const result = buildResult(event, this.totals, this.ctx);
        this.emit(result);
        return result;
      }
      default:
        return undefined;
    }
  }

  private delta(kind: "text" | "thinking", text: string): void {
    if (!this.ctx.includePartialMessages) return;
    if (this.open?.kind !== kind) {
      this.closeOpen();
      this.open = { index: this.nextIndex++, kind };
      this.partial({
        type: "content_block_start",
        index: this.open.index,
        content_block:
          kind === "text" ? { type: "text", text: "" } : { type: "thinking", thinking: "", signature: "" },
      });
    }
    this.partial({
      type: "content_block_delta",
      index: this.open.index,
      delta: kind === "text" ? { type: "text_delta", text } : { type: "thinking_delta", thinking: text },
    });
  }

  private closeOpen(): void {
    if (!this.open) return;
    this.partial({ type: "content_block_stop", index: this.open.index });
    this.open = undefined;
  }

  private childFor(callId: string): ClaudeMessageRenderer {
    let child = this.children.get(callId);
    if (!child) {
      child = new ClaudeMessageRenderer(this.ctx, this.emit, callId, this.totals);
      this.children.set(callId, child);
    }
    return child;
  }

  private completeReply(usage: Usage, model: string): void {
    const last = this.parentToolUseId ? this.lastSeen : this.ctx.lastAssistant();
    const content = last?.role === "assistant" && Array.isArray(last.content) ? last.content : [];
    const blocks = content.flatMap(toAssistantBlock);
    this.closeOpen();
    const hasTools = blocks.some((b) => b.type === "tool_use");
    // Tool calls arrive whole from the loop: stream each as one start, one input delta and a stop.
    for (const block of blocks) {
      if (block.type !== "tool_use") continue;
      const index = this.nextIndex++;
      this.partial({ type: "content_block_start", index, content_block: { ...block, input: {} } });
      this.partial({
        type: "content_block_delta",
        index,
        delta: { type: "input_json_delta", partial_json: JSON.stringify(block.input) },
      });
      this.partial({ type: "content_block_stop", index });
    }
    this.partial({
      type: "message_delta",
      delta: { stop_reason: hasTools ? "tool_use" : "end_turn", stop_sequence: null },
      usage: { output_tokens: usage.outputTokens },
    });
    this.partial({ type: "message_stop" });
    for (const block of blocks) {
      const line: AssistantLine = {
        type: "assistant",
        message: {
          id: this.messageId,
          type: "message",
          role: "assistant",
          model,
          content: [block],
          // Claude Code writes each block as it completes, before the reply's stop reason is known.
          stop_reason: null,
          stop_sequence: null,
          usage: apiUsage(usage),
        },
        parent_tool_use_id: this.parentToolUseId,
        session_id: this.ctx.sessionId,
        uuid: randomUUID(),
      };
      this.emit(line);
    }
  }

  private ids(): { session_id: string; uuid: string } {
    return { session_id: this.ctx.sessionId, uuid: randomUUID() };
  }

  private emitUser(content: UserLine["message"]["content"]): void {
    this.emit({
      type: "user",
      message: { role: "user", content },
      parent_tool_use_id: this.parentToolUseId,
      session_id: this.ctx.sessionId,
      uuid: randomUUID(),
    });
  }

  private partial(event: StreamEventLine["event"]): void {
    if (!this.ctx.includePartialMessages) return;
    this.emit({
      type: "stream_event",
      event,
      parent_tool_use_id: this.parentToolUseId,
      session_id: this.ctx.sessionId,
      uuid: randomUUID(),
    });
  }

  private addModelUsage(model: string, u: Usage, costUsd: number): void {
    this.totals.modelUsage[model] ??= {
      inputTokens: 0,
      outputTokens: 0,
      cacheReadInputTokens: 0,
      cacheCreationInputTokens: 0,
      webSearchRequests: 0,
      costUSD: 0,
      contextWindow: this.ctx.contextWindow,
      maxOutputTokens: 0,
    };
    const entry = this.totals.modelUsage[model];
    entry.inputTokens += u.inputTokens;
    entry.outputTokens += u.outputTokens;
    entry.cacheReadInputTokens += u.cacheReadInputTokens;
    entry.cacheCreationInputTokens += u.cacheCreationInputTokens;
    entry.costUSD += costUsd;
  }
}

/** The system/init line Claude Code writes before each turn. */
export function initMessage(o: {
  sessionId: string;
  cwd: string;
  tools: string[];
  model: string;
  permissionMode: string;
  version: string;
  /** Each MCP server's name, state ("connected", "failed", …) and config source, as Claude Code lists them. */
  mcpServers?: readonly { name: string; status: string; source?: string }[];
}): SystemInit {
  return {
    type: "system",
    subtype: "init",
    session_id: o.sessionId,
    cwd: o.cwd,
    // Claude Code's init lists the Agent tool under its older name.
    tools: o.tools.map((name) => (name === AGENT_TOOL_NAME ? AGENT_TOOL_INIT_NAME : name)),
    model: o.model,
    permissionMode: o.permissionMode,
    mcp_servers: (o.mcpServers ?? []).map(({ name, status, source }) => ({ name, status, source })),
    slash_commands: [],
    // Quarry signs requests with AWS credentials; there is no Anthropic API key.
    apiKeySource: "none",
    output_style: "default",
    claude_code_version: o.version,
    agents: [],
    skills: [],
    plugins: [],
    uuid: randomUUID(),
  };
}

const ZERO: Usage = { inputTokens: 0, outputTokens: 0, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 };

function toAssistantBlock(block: ContentBlock): AssistantLine["message"]["content"] {
  switch (block.type) {
    case "text":
      return block.text ? [{ type: "text", text: block.text }] : [];
    case "thinking":
      return [{ type: "thinking", thinking: block.thinking, signature: block.signature ?? "" }];
    case "redacted_thinking":
      return [{ type: "redacted_thinking", data: block.data }];
    case "tool_use":
      return [{ type: "tool_use", id: block.id, name: block.name, input: asRecord(block.input) }];
    default:
      return [];
  }
}

function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
