import { randomBytes } from "node:crypto";
import {
  chmodSync,
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  realpathSync,
  renameSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { dirname, join, resolve, sep } from "node:path";
import { z } from "zod";

/** The trust store's file name inside the user config dir (see docs/security/trust.md). */
export const TRUST_FILE = "trusted-folders.json";

const entrySchema = z.object({ path: z.string().min(1), since: z.string() });
const storeSchema = z.object({
  version: z.literal(1),
  /** Folders whose own settings apply in full, with every subfolder. */
  trusted: z.array(entrySchema),
  /** Folders where the user chose "continue untrusted" in the dialog: not asked again, still untrusted. */
  declined: z.array(entrySchema).default([]),
});

/** One remembered folder: its real path and when it was recorded. */
export type TrustEntry = z.infer<typeof entrySchema>;
/** The whole store as it is on disk. */
export type TrustData = z.infer<typeof storeSchema>;

/** The trust store file is unreadable or malformed; nothing is trusted until it is fixed. */
export class TrustStoreError extends Error {
  override readonly name = "TrustStoreError";
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
  }
}

/** The real path of `path` (symlinks resolved), or the absolute path when it does not exist. */
export function realFolder(path: string): string {
  const absolute = resolve(path);
  try {
    return realpathSync.native(absolute);
  } catch {
    return absolute;
  }
}

/** True when `folder` is `root` itself or inside it. Both must be real, absolute paths. */
function covers(root: string, folder: string): boolean {
  return folder === root || folder.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** The trusted folders kept in one user config dir, keyed by real path. */
export class TrustStore {
  readonly file: string;

  constructor(readonly configDir: string) {
    this.file = join(configDir, TRUST_FILE);
  }

  /** Reads the store; a missing file is an empty store, a malformed one a TrustStoreError. */
  read(): TrustData {
    let text: string;
    try {
      text = readFileSync(this.file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return { version: 1, trusted: [], declined: [] };
      throw new TrustStoreError(
        `cannot read the trust store ${this.file}: ${(err as Error).message}`,
        `Check the permissions of ${this.file}.`,
      );
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const checked = storeSchema.safeParse(parsed);
    if (!checked.success) {
      throw new TrustStoreError(
        `the trust store ${this.file} is not valid (expected { "version": 1, "trusted": [ … ] })`,
        `Delete ${this.file} and trust your folders again with \`quarry trust <folder>\`.`,
      );
    }
    return checked.data;
  }

  /** The trusted entry covering `folder` (itself or a parent), if any. */
  trustedBy(folder: string): TrustEntry | undefined {
    const real = realFolder(folder);
    return this.read().trusted.find((entry) => covers(entry.path, real));
  }

  /** Whether the user chose "continue untrusted" for exactly this folder before. */
  declined(folder: string): boolean {
    const real = realFolder(folder);
    return this.read().declined.some((entry) => entry.path === real);
  }

  /** Trusts `folder` and its subfolders; returns the real path stored. */
  trust(folder: string, now: Date = new Date()): string {
    const real = realFolder(folder);
    const data = this.read();
    const others = (list: TrustEntry[]) => list.filter((entry) => entry.path !== real);
    this.write({
      version: 1,
      trusted: [...others(data.trusted), { path: real, since: now.toISOString() }],
      declined: others(data.declined),
    });
    return real;
  }

  /** Remembers that the user chose to continue untrusted in `folder`, so the dialog does not ask again. */
  decline(folder: string, now: Date = new Date()): void {
    const real = realFolder(folder);
    const data = this.read();
    if (data.declined.some((entry) => entry.path === real)) return;
    this.write({ ...data, declined: [...data.declined, { path: real, since: now.toISOString() }] });
  }

  /** Removes what is recorded for exactly `folder` (trust and any "continue untrusted"); true if it was trusted. */
  revoke(folder: string): boolean {
    const real = realFolder(folder);
    const data = this.read();
    const keep = (list: TrustEntry[]) => list.filter((entry) => entry.path !== real);
    const trusted = keep(data.trusted);
    const declined = keep(data.declined);
    if (trusted.length === data.trusted.length && declined.length === data.declined.length) return false;
    this.write({ version: 1, trusted, declined });
    return trusted.length !== data.trusted.length;
  }

  /** Trusted folders, sorted by path. */
  list(): TrustEntry[] {
    return [...this.read().trusted].sort((a, b) => a.path.localeCompare(b.path));
  }

  /**
   * Replaces the file atomically (temp file in the same dir, fsync, rename), readable by the user only:
   * whoever can write this file decides which repositories may run commands.
   */
  private write(data: TrustData): void {
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    const temp = `${this.file}.${randomBytes(6).toString("hex")}.tmp`;
    const fd = openSync(temp, "wx", 0o600);
    try {
      writeSync(fd, `${JSON.stringify(data, null, 2)}\n`);
      fsyncSync(fd);
    } catch (err) {
      closeSync(fd);
      unlinkSync(temp);
      throw err;
    }
    closeSync(fd);
    try {
      chmodSync(temp, 0o600); // openSync's mode is filtered by the umask; this one is not
      renameSync(temp, this.file);
    } catch (err) {
      unlinkSync(temp);
      throw err;
    }
  }
}
