import type { AgentEvent } from "../agent/events.js";
import type { TextSink } from "./writer.js";

/**
 * Lists every permission denial of a print-mode run on stderr, each with what would allow it (the reason
 * Quarry gives the model names the `--allowedTools` rule or mode), then a count at the end. The exit code is
 * unchanged (0 after a successful run), as in Claude Code: docs/decisions/0014-claude-compatible-headless.md.
 */
export class DenialReporter {
  private readonly summaries = new Map<string, string>();
  private count = 0;

  constructor(private readonly stderr: TextSink) {}

  /** Takes one agent event. */
  handle(event: AgentEvent): void {
    if (event.type === "tool_call") this.summaries.set(event.id, event.summary);
    if (event.type !== "permission_decision" || event.behavior !== "deny") return;
    this.count++;
    const summary = this.summaries.get(event.id) ?? "a tool call";
    const line = event.reason.startsWith("Permission to") ? event.reason : `${summary}: ${event.reason}`;
    this.stderr.write(`quarry: denied: ${line}\n`);
  }

  /** Writes the closing count, if anything was denied; returns how many were. */
  finish(): number {
    if (this.count > 0) {
      const calls = this.count === 1 ? "1 tool call was" : `${this.count} tool calls were`;
      this.stderr.write(`quarry: ${calls} denied (listed above); the answer may be incomplete.\n`);
    }
    const n = this.count;
    this.count = 0;
    return n;
  }
}
