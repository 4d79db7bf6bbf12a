import type { AgentEvent } from "../agent/events.js";

export type OutputFormat = "text" | "json" | "stream-json" | "quarry-events";

export interface PrintSink {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
}

/**
 * Renders agent events for print mode. `text`: the final answer on stdout, warnings and errors on stderr.
 * `json`: one result object at the end. `quarry-events`: every event as one JSON line as it happens. (`json` and
 * `stream-json` in print mode speak Claude Code's protocol instead: src/headless/.)
 */
export class PrintRenderer {
  private sessionId = "";

  constructor(
    private readonly format: OutputFormat,
    private readonly sink: PrintSink,
  ) {}

  /** Handles one event. */
  handle(event: AgentEvent): void {
    if (event.type === "session_start") this.sessionId = event.sessionId;
    if (this.format === "stream-json" || this.format === "quarry-events") {
      this.sink.stdout.write(`${JSON.stringify({ ...event, session_id: this.sessionId })}\n`);
      return;
    }
    switch (event.type) {
      case "warning":
        this.sink.stderr.write(`quarry: warning: ${event.message}\n`);
        break;
      case "retry":
        this.sink.stderr.write(`quarry: retrying (attempt ${event.attempt + 1}): ${event.message}\n`);
        break;
      case "error":
        this.sink.stderr.write(
          `quarry: error: ${event.message}\n${event.fix ? `  Fix: ${event.fix}\n` : ""}`,
        );
        break;
      case "done":
        if (this.format === "json") this.sink.stdout.write(`${JSON.stringify(this.result(event))}\n`);
        else if (event.result)
          this.sink.stdout.write(event.result.endsWith("\n") ? event.result : `${event.result}\n`);
        break;
      default:
        break;
    }
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
    };
  }
}
