import type { AgentEvent } from "../agent/events.js";
import { StreamContinuity } from "../agent/stream-continuity.js";
import { NestedProgress } from "../agents/progress.js";
import { SecretRegistry } from "../secrets/registry.js";

/**
 * `quarry-events` is Quarry's own protocol (src/protocol), one stamped event per line. `stream-json` prints
 * the same until it becomes Claude Code's message schema (docs/architecture.md#protocol).
 */
export type OutputFormat = "text" | "json" | "stream-json" | "quarry-events";

export interface PrintSink {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
}

/**
 * Renders agent events for print mode. `text`: the final answer on stdout, warnings and errors on stderr.
 * `json`: one result object at the end. `stream-json`: every event as one JSON line as it happens.
 * Everything written passes the session's SecretRegistry first (JSON as values, before it is serialised, so
 * a replacement never cuts an escape); streamed deltas arrive already scrubbed with a held-back tail
 * (src/secrets/provider.ts), so a secret split across two is caught there.
 */
export class PrintRenderer {
  private sessionId = "";
  /** Usage and cost per model, as Claude Code's result reports it (`modelUsage`). */
  private readonly modelUsage: Record<string, Record<string, number>> = {};
  private readonly out: PrintSink;
  /** stream-json never repeats text after a retry (src/agent/stream-continuity.ts). */
  private readonly continuity = new StreamContinuity();
  /** Text format: subagents' steps as prefixed lines on stderr. */
  private readonly nested = new NestedProgress();

  constructor(
    private readonly format: OutputFormat,
    private readonly sink: PrintSink,
    private readonly secrets: SecretRegistry = new SecretRegistry(),
  ) {
    this.out = {
      stdout: { write: (s: string) => sink.stdout.write(secrets.scrub(s)) },
      stderr: { write: (s: string) => sink.stderr.write(secrets.scrub(s)) },
    };
  }

  private writeJson(value: unknown): void {
    this.sink.stdout.write(`${JSON.stringify(this.secrets.scrubDeep(value))}\n`);
  }

  /** Handles one event. */
  handle(event: AgentEvent): void {
    if (event.type === "session_start") this.sessionId = event.sessionId;
    if (event.type === "usage") this.addModelUsage(event);
    if (this.format === "stream-json" || this.format === "quarry-events") {
      // A subagent's events keep their own session id (docs/architecture.md#the-protocol).
      for (const e of this.continuity.filter(event))
        this.writeJson({ ...e, session_id: (e as { session_id?: string }).session_id ?? this.sessionId });
      return;
    }
    const line = this.nested.line(event);
    if (line !== undefined) {
      if (line) this.out.stderr.write(`quarry: ${line}\n`);
      return;
    }
    switch (event.type) {
      case "warning":
        this.out.stderr.write(`quarry: warning: ${event.message}\n`);
        break;
      case "retry":
        this.out.stderr.write(`quarry: retrying (attempt ${event.attempt + 1}): ${event.message}\n`);
        break;
      case "failover":
        this.out.stderr.write(`quarry: failover: ${event.message}\n`);
        break;
      case "error":
        this.out.stderr.write(`quarry: error: ${event.message}\n${event.fix ? `  Fix: ${event.fix}\n` : ""}`);
        break;
      case "done":
        if (this.format === "json") this.writeJson(this.result(event));
        else if (event.result)
          this.out.stdout.write(event.result.endsWith("\n") ? event.result : `${event.result}\n`);
        break;
      default:
        break;
    }
  }

  private addModelUsage(event: Extract<AgentEvent, { type: "usage" }>): void {
    const m = this.modelUsage[event.model] ?? {
      inputTokens: 0,
      outputTokens: 0,
      cacheReadInputTokens: 0,
      cacheCreationInputTokens: 0,
      costUSD: 0,
    };
    this.modelUsage[event.model] = m;
    m.inputTokens! += event.usage.inputTokens;
    m.outputTokens! += event.usage.outputTokens;
    m.cacheReadInputTokens! += event.usage.cacheReadInputTokens;
    m.cacheCreationInputTokens! += event.usage.cacheCreationInputTokens;
    m.costUSD = Number((m.costUSD! + event.costUsd).toFixed(6));
  }

  private result(event: Extract<AgentEvent, { type: "done" }>) {
    const subtype =
      event.reason === "end_turn"
        ? "success"
        : event.reason === "max_turns"
          ? "error_max_turns"
          : `error_${event.reason}`;
    return {
      type: "result",
      subtype,
      is_error: event.reason !== "end_turn",
      result: event.result,
      session_id: this.sessionId,
      num_turns: event.turns,
      duration_ms: event.durationMs,
      total_cost_usd: Number(event.costUsd.toFixed(6)),
      usage: {
        input_tokens: event.usage.inputTokens,
        output_tokens: event.usage.outputTokens,
        cache_creation_input_tokens: event.usage.cacheCreationInputTokens,
        cache_read_input_tokens: event.usage.cacheReadInputTokens,
      },
      modelUsage: this.modelUsage,
    };
  }
}
