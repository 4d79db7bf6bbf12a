import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { projectKey, resolveDataDir } from "./locations.js";
import { acquireSessionLock, type SessionLock } from "./lock.js";
import { type LoadedSession, readTranscript } from "./reader.js";
import {
  type SessionEvent,
  type SessionHeader,
  TITLE_EVENT,
  TRANSCRIPT_VERSION,
  USER_EVENT,
} from "./types.js";
import { SessionWriter } from "./writer.js";

const EXTENSION = ".jsonl";
// Session ids become file names: refuse anything that could climb out of the sessions folder.
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/** One row of `list()`: enough to pick a session to resume. */
export interface SessionSummary {
  readonly id: string;
  readonly path: string;
  readonly title: string | undefined;
  readonly firstPrompt: string | undefined;
  readonly createdAt: string | undefined;
  /** The transcript file's modification time, ISO. */
  readonly updatedAt: string;
}

/** Thrown by `open()` for an id that matches no session; the message lists the project's recent ids. */
export class SessionNotFoundError extends Error {
  constructor(
    message: string,
    readonly recent: readonly SessionSummary[],
  ) {
    super(message);
    this.name = "SessionNotFoundError";
  }
}

/** A saved session on disk. */
export class StoredSession {
  private held: SessionLock | undefined;

  constructor(
    readonly id: string,
    readonly path: string,
    private readonly now: () => Date,
  ) {}

  /** Reads the transcript back; damaged lines become warnings, never errors. */
  load(): LoadedSession {
    return readTranscript(this.path);
  }

  /**
   * Claims the session for this process (one writer per session, src/session/lock.ts); throws
   * SessionLockedError while another live process has it. Call early to fail before any network call.
   */
  lock(): SessionLock {
    this.held ??= acquireSessionLock(lockPath(this.path), this.id);
    return this.held;
  }

  /** Continues the transcript in place, recording that it was resumed; the lock goes when the writer closes. */
  resume(): SessionWriter {
    const lock = this.lock();
    const writer = new SessionWriter(this.id, this.path, this.now, () => lock.release());
    writer.append({ type: "resumed" });
    return writer;
  }
}

/** Options for a store; the clock is injectable for tests. */
export interface SessionStoreOptions {
  readonly now?: () => Date;
}

/** Transcripts under `<dataDir>/sessions/<project-key>/<session-id>.jsonl`. */
export class SessionStore {
  private readonly now: () => Date;

  constructor(
    readonly dataDir: string,
    options: SessionStoreOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /** A store in the user's data dir ($QUARRY_DATA_DIR, $XDG_DATA_HOME/quarry, ~/.local/share/quarry). */
  static fromEnvironment(
    env: NodeJS.ProcessEnv = process.env,
    home: string = homedir(),
    options: SessionStoreOptions = {},
  ): SessionStore {
    return new SessionStore(resolveDataDir(env, home), options);
  }

  /** The folder holding one project's transcripts. */
  projectDir(projectRoot: string): string {
    return join(this.dataDir, "sessions", projectKey(projectRoot));
  }

  /** Starts a new session and writes its header. */
  create(options: { projectRoot: string; model?: string; id?: string }): SessionWriter {
    const id = options.id ?? randomUUID();
    if (!SAFE_ID.test(id))
      throw new Error(`"${id}" is not a valid session id (letters, digits, - and _ only).`);
    const dir = this.projectDir(options.projectRoot);
    // Transcripts hold code and command output: keep them private to the user.
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const path = join(dir, `${id}${EXTENSION}`);
    const lock = acquireSessionLock(lockPath(path), id);
    const writer = new SessionWriter(id, path, this.now, () => lock.release());
    const header: SessionHeader = {
      type: "session",
      id,
      projectRoot: options.projectRoot,
      createdAt: this.now().toISOString(),
      version: TRANSCRIPT_VERSION,
      ...(options.model === undefined ? {} : { model: options.model }),
    };
    writer.append(header);
    return writer;
  }

  /** The project's most recently written session (`--continue`), if any. */
  latest(projectRoot: string): StoredSession | undefined {
    const [newest] = this.files(projectRoot);
    return newest && new StoredSession(newest.id, newest.path, this.now);
  }

  /**
   * A session by id or unique id prefix (`--resume <id>`): this project's first, then any project's by exact
   * id. Throws SessionNotFoundError listing the project's recent sessions.
   */
  open(id: string, projectRoot: string): StoredSession {
    const wanted = id.trim();
    const files = this.files(projectRoot);
    if (SAFE_ID.test(wanted)) {
      const exact = files.find((f) => f.id === wanted);
      if (exact) return new StoredSession(exact.id, exact.path, this.now);
      const prefixed = files.filter((f) => f.id.startsWith(wanted));
      if (prefixed.length === 1) return new StoredSession(prefixed[0]!.id, prefixed[0]!.path, this.now);
      if (prefixed.length > 1) {
        throw new SessionNotFoundError(
          `Session id "${wanted}" is ambiguous for ${projectRoot}: it starts ${prefixed.length} sessions ` +
            `(${prefixed.map((f) => f.id).join(", ")}). Give more of the id.`,
          this.list(projectRoot),
        );
      }
      const elsewhere = this.findInOtherProjects(wanted);
      if (elsewhere) return new StoredSession(wanted, elsewhere, this.now);
    }
    const recent = this.list(projectRoot, 5);
    const message =
      recent.length === 0
        ? `No session "${wanted}" found, and ${projectRoot} has no saved sessions yet.`
        : `No session "${wanted}" found for ${projectRoot}. Recent sessions here:\n${recent
            .map((s) => `  ${s.id}  ${s.updatedAt}  ${s.title ?? s.firstPrompt ?? "(no prompt)"}`)
            .join("\n")}\nResume one with --resume <id>, or the newest with --continue.`;
    throw new SessionNotFoundError(message, recent);
  }

  /** The project's sessions, newest first, with titles and first prompts. */
  list(projectRoot: string, limit = 20): SessionSummary[] {
    return this.files(projectRoot)
      .slice(0, limit)
      .map(({ id, path, mtime }) => {
        const { header, events } = readTranscript(path);
        const title = events.findLast((e) => e.type === TITLE_EVENT && typeof e.title === "string")?.title as
          | string
          | undefined;
        const prompt = events.find((e) => e.type === USER_EVENT);
        return {
          id,
          path,
          title,
          firstPrompt: prompt && promptText(prompt),
          createdAt: header?.createdAt,
          updatedAt: mtime.toISOString(),
        };
      });
  }

  private files(projectRoot: string): { id: string; path: string; mtime: Date }[] {
    const dir = this.projectDir(projectRoot);
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((name) => name.endsWith(EXTENSION))
      .map((name) => {
        const path = join(dir, name);
        return { id: name.slice(0, -EXTENSION.length), path, mtime: statSync(path).mtime };
      })
      .sort((a, b) => b.mtime.getTime() - a.mtime.getTime() || a.id.localeCompare(b.id));
  }

  private findInOtherProjects(id: string): string | undefined {
    const root = join(this.dataDir, "sessions");
    if (!existsSync(root)) return undefined;
    for (const project of readdirSync(root)) {
      const path = join(root, project, `${id}${EXTENSION}`);
      if (existsSync(path)) return path;
    }
    return undefined;
  }
}

/** The lock file beside a transcript: `<id>.lock`. */
function lockPath(transcript: string): string {
  return `${transcript.slice(0, -EXTENSION.length)}.lock`;
}

/** The text of a user event, one line, for listings: `text`, `prompt`, or `content` (string or blocks). */
function promptText(event: SessionEvent): string | undefined {
  const raw = event.text ?? event.prompt ?? event.content;
  let text: string | undefined;
  if (typeof raw === "string") text = raw;
  else if (Array.isArray(raw)) {
    text = raw
      .map((block: unknown) =>
        typeof block === "object" && block !== null && typeof (block as { text?: unknown }).text === "string"
          ? (block as { text: string }).text
          : "",
      )
      .join(" ");
  }
  if (text === undefined) return undefined;
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 100 ? `${line.slice(0, 99)}…` : line;
}
