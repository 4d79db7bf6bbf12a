import type { AgentEvent } from "../protocol/events.js";
import { AGENT_TOOL_NAME, DEFAULT_AGENT } from "./definition.js";

/**
 * Print mode's text lines for subagents: each nested step on its own line, prefixed with the agent's name
 * (`[reviewer] Read src/a.ts`), so the answer on stdout stays the parent's alone.
 */
export class NestedProgress {
  private readonly names = new Map<string, string>();

  /** The line for a subagent's event ("" = nothing to show), or undefined when the event is not a subagent's. */
  line(event: AgentEvent): string | undefined {
    if (event.type === "tool_call" && event.name === AGENT_TOOL_NAME) {
      const type = (event.input as { subagent_type?: unknown } | undefined)?.subagent_type;
      this.names.set(event.id, typeof type === "string" ? type : DEFAULT_AGENT);
    }
    const parent = (event as { parent_call_id?: string }).parent_call_id;
    if (!parent) return undefined;
    const prefix = `[${this.names.get(parent) ?? "agent"}]`;
    switch (event.type) {
      case "tool_call":
        return `${prefix} ${event.name} ${event.summary}`.trimEnd();
      case "permission_decision":
        return event.behavior === "deny" ? `${prefix} denied: ${event.reason}` : "";
      case "warning":
        return `warning: ${prefix} ${event.message}`;
      case "retry":
        return `${prefix} retrying (attempt ${event.attempt + 1}): ${event.message}`;
      case "error":
        return `error: ${prefix} ${event.message}${event.fix ? ` Fix: ${event.fix}` : ""}`;
      default:
        return "";
    }
  }
}
