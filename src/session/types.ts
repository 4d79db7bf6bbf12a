/** One transcript line: a `type` plus whatever the agent records; `t` (ISO time) is added on write. */
export interface SessionEvent {
  readonly type: string;
  readonly [field: string]: unknown;
}

/** The first line of every transcript. */
export interface SessionHeader extends SessionEvent {
  readonly type: "session";
  readonly id: string;
  readonly projectRoot: string;
  readonly createdAt: string;
  /** Transcript format version. */
  readonly version: number;
  readonly model?: string;
}

/** The transcript format this code writes. */
export const TRANSCRIPT_VERSION = 1;

/** Event types the store itself understands: a session title and the user's prompts. */
export const TITLE_EVENT = "title";
export const USER_EVENT = "user";
