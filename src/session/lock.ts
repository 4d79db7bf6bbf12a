import { linkSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";

/**
 * One session, one writer (docs/decisions/0012-fault-handling.md): a `<session>.lock` file beside the
 * transcript, created exclusively and holding the owner's pid. Two processes appending to one transcript
 * interleave it into a history Bedrock refuses, so the second is stopped with a fix instead. A lock whose
 * pid is dead (a crash, kill -9) is stale and taken over.
 */

/** What the lock file records about its owner. */
interface LockOwner {
  pid: number;
  host: string;
  startedAt: string;
}

/** Thrown when another live Quarry process holds the session; a usage error (exit 2) with a fix. */
export class SessionLockedError extends Error {
  readonly fix: string;

  constructor(
    readonly sessionId: string,
    readonly owner: LockOwner,
  ) {
    super(
      `Session ${sessionId} is in use by another Quarry process (pid ${owner.pid}${owner.host === hostname() ? "" : ` on ${owner.host}`}, since ${owner.startedAt}); two runs writing one session would corrupt its history.`,
    );
    this.name = "SessionLockedError";
    this.fix = `wait for that run to finish, start a new session (drop --continue / --resume), or resume another one with --resume <id>. If no Quarry is running, delete the lock file beside the transcript (${sessionId}.lock).`;
  }
}

/** A held lock; `release()` is idempotent and also runs at process exit. */
export interface SessionLock {
  readonly path: string;
  release(): void;
}

/** Takes the lock at `path` for this process, or throws SessionLockedError naming the live owner. */
export function acquireSessionLock(path: string, sessionId: string): SessionLock {
  for (let attempt = 0; attempt < 3; attempt++) {
    const owner: LockOwner = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
    // Written to a private file first and linked into place, so the lock never exists half-written.
    const temp = `${path}.${process.pid}.${attempt}.tmp`;
    writeFileSync(temp, JSON.stringify(owner), { mode: 0o600 });
    try {
      linkSync(temp, path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const current = readOwner(path);
      if (current && current.pid === process.pid && current.host === owner.host) return heldLock(path);
      if (current && isAlive(current)) throw new SessionLockedError(sessionId, current);
      // Stale (its owner is dead) or not a lock we understand: take it over and try again.
      rmSync(path, { force: true });
      continue;
    } finally {
      rmSync(temp, { force: true });
    }
    return heldLock(path);
  }
  const current = readOwner(path);
  throw new SessionLockedError(sessionId, current ?? { pid: 0, host: "unknown", startedAt: "unknown" });
}

function heldLock(path: string): SessionLock {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off("exit", release);
    // Only remove the lock if it is still ours (a stale-lock takeover by another process replaced it).
    if (readOwner(path)?.pid === process.pid) rmSync(path, { force: true });
  };
  process.on("exit", release);
  return { path, release };
}

function readOwner(path: string): LockOwner | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, "utf8")) as Partial<LockOwner>;
    if (typeof parsed.pid !== "number") return undefined;
    return { pid: parsed.pid, host: String(parsed.host ?? ""), startedAt: String(parsed.startedAt ?? "") };
  } catch {
    return undefined;
  }
}

/** Whether the owner still runs. A lock from another host cannot be checked, so it counts as alive. */
function isAlive(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return true;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
