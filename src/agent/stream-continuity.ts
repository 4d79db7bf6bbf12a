import type { AgentEvent } from "./events.js";

/**
 * Keeps a streamed turn's text free of repeats across retries, for consumers that cannot take text back
 * (stream-json; docs/decisions/0012-fault-handling.md). A retried attempt usually starts by saying again what
 * the failed one already said: that part is not emitted twice. If the new attempt says something different,
 * the next text_delta carries `keep_chars`: how many characters of this turn's text to keep before its text.
 * The `retry` event itself is passed on, marked with how much text was already shown. Events keep their
 * envelope (seq, session id), so the output still validates against src/protocol.
 */
export class StreamContinuity {
  /** Text the consumer holds for this turn. */
  private shown = "";
  /** Text of the current attempt. */
  private current = "";
  private retried = false;

  /** The events to emit in place of `event`, in order (possibly none). */
  filter(event: AgentEvent): Record<string, unknown>[] {
    switch (event.type) {
      case "turn_start":
        this.shown = "";
        this.current = "";
        this.retried = false;
        return [event];
      case "retry":
        this.current = "";
        this.retried = true;
        return [{ ...event, shown_text_chars: this.shown.length }];
      case "text_delta":
        return this.text(event);
      default:
        return [event];
    }
  }

  private text(event: Extract<AgentEvent, { type: "text_delta" }>): Record<string, unknown>[] {
    this.current += event.text;
    if (!this.retried || this.current.startsWith(this.shown)) {
      const fresh = this.current.slice(this.shown.length);
      this.shown = this.current;
      return fresh ? [{ ...event, text: fresh }] : [];
    }
    if (this.shown.startsWith(this.current)) return []; // still repeating what was shown
    let keep = 0;
    while (this.shown[keep] === this.current[keep]) keep++;
    this.shown = this.current;
    return [{ ...event, text: this.current.slice(keep), keep_chars: keep }];
  }
}
