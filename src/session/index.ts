// Sessions: append-only, redacted JSONL transcripts per project, and resume.

export { DATA_DIR_ENV, projectKey, resolveDataDir } from "./locations.js";
export { type SessionLock, SessionLockedError } from "./lock.js";
export { type LoadedSession, readTranscript } from "./reader.js";
export {
  SessionNotFoundError,
  SessionStore,
  type SessionStoreOptions,
  type SessionSummary,
  StoredSession,
} from "./store.js";
export {
  type SessionEvent,
  type SessionHeader,
  TITLE_EVENT,
  TRANSCRIPT_VERSION,
  USER_EVENT,
} from "./types.js";
export { DURABLE_EVENT_TYPES, SessionWriter } from "./writer.js";
