// The versioned event protocol: events out, operations in (docs/architecture.md#protocol).
export {
  type AgentEvent,
  AgentEventSchema,
  type DoneReason,
  DoneReasonSchema,
  type Envelope,
  EnvelopeSchema,
  EVENT_TYPES,
  type EventOf,
  PROTOCOL_VERSION,
  type ProtocolEvent,
  ProtocolEventSchema,
  TRANSIENT_EVENT_TYPES,
} from "./events.js";
export { type Operation, OperationSchema, parseOperation } from "./operations.js";
export { EventStamper } from "./stamp.js";
