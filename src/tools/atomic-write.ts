import { randomBytes } from "node:crypto";
import { open, realpath, rename, stat, unlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import { activeTempJournal, tempNameFor } from "./temp-journal.js";

/**
 * Writes `data` so readers see either the old file or the new one, never half of it: a temp file in the same
 * directory (same file system, so rename is atomic), fsync, rename over the target. An existing file keeps
 * its permission bits; a symlink is followed so the link itself survives. On any error the temp file is
 * removed and the target is untouched. The temp file's name carries this process's pid and is journalled
 * first (src/tools/temp-journal.ts), so one left by a `kill -9` is removed by the next session.
 */
export async function atomicWriteFile(path: string, data: string | Uint8Array): Promise<void> {
  const target = await realpath(path).catch(() => path);
  const existingMode = await stat(target).then(
    (s) => s.mode & 0o7777,
    () => undefined,
  );
  const dir = dirname(target);
  const temp = join(dir, tempNameFor(target, process.pid, randomBytes(6).toString("hex")));
  activeTempJournal()?.note("temp", temp);
  let created = false;
  try {
    const handle = await open(temp, "wx", existingMode ?? 0o666);
    created = true;
    try {
      // open() applies the umask; an existing file's exact mode must survive the replace.
      if (existingMode !== undefined) await handle.chmod(existingMode);
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
    created = false;
  } finally {
    if (created) await unlink(temp).catch(() => undefined);
  }
  await syncDirectory(dir);
}

/** Makes the rename itself durable; best effort, since some file systems refuse fsync on directories. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Durability of the directory entry is a bonus, not a requirement.
  }
}
