import { readFile, stat } from "node:fs/promises";
import { type FileSnapshot, type FileStateTracker, hashBytes } from "./file-state.js";

/** A text file as the edit tools see it: bytes, decoded text and the snapshot to compare against. */
export interface LoadedFile {
  bytes: Buffer;
  text: string;
  snapshot: FileSnapshot;
}

/** Reads a file and takes its snapshot; undefined when it does not exist. Other errors propagate. */
export async function loadFile(abs: string): Promise<LoadedFile | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(abs);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const info = await stat(abs);
  return {
    bytes,
    text: bytes.toString("utf8"),
    snapshot: { mtimeMs: info.mtimeMs, size: info.size, hash: hashBytes(bytes) },
  };
}

/** Records the state of a file just written, so the next edit sees it as fresh. */
export async function recordWritten(files: FileStateTracker, abs: string, bytes: Uint8Array): Promise<void> {
  const info = await stat(abs);
  files.record(abs, { mtimeMs: info.mtimeMs, size: info.size, hash: hashBytes(bytes) });
}

/**
 * Why an existing file may not be changed, or undefined when it may: it must have been read this session,
 * and its bytes must still be the ones read. The hash decides, so a `touch` does not block an edit but a
 * same-second, same-size change does.
 */
export function staleReason(files: FileStateTracker, abs: string, current: LoadedFile): string | undefined {
  const seen = files.get(abs);
  if (!seen) {
    return (
      `File has not been read in this session: ${abs}\n` +
      "Read it first, so the change is based on its current content."
    );
  }
  if (seen.hash !== current.snapshot.hash) {
    return (
      `File has been modified since it was last read (by the user, a formatter or another command): ${abs}\n` +
      "Read it again before changing it."
    );
  }
  return undefined;
}

/** Refuses files that are not valid UTF-8: decoding and re-encoding would silently corrupt them. */
export function encodingProblem(file: LoadedFile, abs: string): string | undefined {
  if (Buffer.from(file.text, "utf8").equals(file.bytes)) return undefined;
  return `File is not valid UTF-8 text, so editing it as text would corrupt it: ${abs}\nUse Bash (e.g. sed or a script) to change it.`;
}
