import { addUsage, ZERO_USAGE } from "../agent/events.js";
import type { AgentEvent } from "../protocol/events.js";

/**
 * Adds the usage of a run's subagents to the run's own `done`: their `usage` events pass through the parent's
 * stream already stamped (with their own session id), the parent's own events not yet. One per run.
 */
export class NestedUsage {
  private usage = ZERO_USAGE;
  private cost = 0;

  /** The event as the parent emits it: a subagent's usage counted, the parent's `done` with the total added. */
  fold(event: AgentEvent): AgentEvent {
    const nested = "session_id" in event;
    if (event.type === "usage" && nested) {
      this.usage = addUsage(this.usage, event.usage);
      this.cost += event.costUsd;
    } else if (event.type === "done" && !nested) {
      return { ...event, usage: addUsage(event.usage, this.usage), costUsd: event.costUsd + this.cost };
    }
    return event;
  }
}
