import { type AgentEvent, PROTOCOL_VERSION, type ProtocolEvent } from "./events.js";

/** Adds the envelope to a session's events: protocol version, a sequence number, session and parent ids. */
export class EventStamper {
  constructor(
    readonly sessionId: string,
    readonly parentCallId?: string,
    /** The last sequence number already used (a resumed transcript continues from it). */
    private seq = 0,
  ) {}

  /** The event with its envelope; sequence numbers start at 1 and never repeat within a session. */
  stamp(event: AgentEvent): ProtocolEvent {
    this.seq++;
    const envelope = { v: PROTOCOL_VERSION, seq: this.seq, session_id: this.sessionId } as const;
    return this.parentCallId
      ? { ...event, ...envelope, parent_call_id: this.parentCallId }
      : { ...event, ...envelope };
  }
}
