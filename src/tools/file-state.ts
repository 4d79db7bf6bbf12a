import { createHash } from "node:crypto";

/** What a file looked like when the model last read (or wrote) it. */
export interface FileSnapshot {
  mtimeMs: number;
  size: number;
  /** sha256 of the bytes, hex. */
  hash: string;
}

/** sha256 of file bytes, hex; the decisive freshness check (mtime alone misses same-second edits). */
export function hashBytes(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Remembers which files the model has seen this session, so edits can be refused when based on stale text. */
export class FileStateTracker {
  private readonly snapshots = new Map<string, FileSnapshot>();

  /** Records a read or a write of `path` (absolute, symlinks resolved). */
  record(path: string, snapshot: FileSnapshot): void {
    this.snapshots.set(path, snapshot);
  }

  /** The snapshot taken when `path` was last read or written, if ever. */
  get(path: string): FileSnapshot | undefined {
    return this.snapshots.get(path);
  }

  /** Forgets a file (e.g. after it was deleted). */
  forget(path: string): void {
    this.snapshots.delete(path);
  }

  /** Every path recorded so far. */
  paths(): string[] {
    return [...this.snapshots.keys()];
  }
}
