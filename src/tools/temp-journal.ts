import {
  appendFileSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  unlinkSync,
} from "node:fs";
import { basename, join } from "node:path";
import { processAlive } from "./process-group.js";

/**
 * What Quarry may leave in a user's folder if it is killed mid-operation: an atomic-write temp file
 * (`.name.quarry-<pid>-<hex>.tmp`) or an empty placeholder directory the sandbox mounted over a protected path
 * that did not exist (src/sandbox/mounts.ts).
 */
export type LeftoverKind = "temp" | "stub";

interface Entry {
  kind: LeftoverKind;
  path: string;
}

/**
 * A per-process list of files Quarry is creating in the user's folders, kept in Quarry's data directory
 * (`<data>/pending-writes/<pid>.jsonl`). A later session removes what a dead process listed, so a `kill -9`
 * never leaves temp files in the repository for good; finding them needs no walk of the user's tree.
 * See docs/decisions/0009-bash-sandbox.md.
 */
export class TempJournal {
  private readonly file: string;

  constructor(
    /** The journal directory, shared by every Quarry process of this user. */
    readonly dir: string,
    /** Whose list this is; only tests pass another pid than this process's. */
    readonly pid: number = process.pid,
  ) {
    this.file = join(dir, `${pid}.jsonl`);
  }

  /** Notes a path before it is created, so a kill at any later point leaves a trace to clean up. */
  note(kind: LeftoverKind, path: string): void {
    try {
      appendFileSync(this.file, `${JSON.stringify({ kind, path })}\n`);
    } catch {
      mkdirSync(this.dir, { recursive: true });
      appendFileSync(this.file, `${JSON.stringify({ kind, path })}\n`);
    }
  }

  /** Removes whatever this process listed that is still on disk, then the list itself. Synchronous (exit hook). */
  removeOwn(): void {
    removeListed(this.file, this.pid);
  }

  /**
   * Removes the leftovers of every dead Quarry process listed in `dir`, and their lists; a live process's
   * files are kept. Returns the paths removed.
   */
  static sweep(dir: string, self: number = process.pid): string[] {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return [];
    }
    const removed: string[] = [];
    for (const name of names) {
      const match = /^(\d+)\.jsonl$/.exec(name);
      if (!match) continue;
      const pid = Number(match[1]);
      if (pid === self || processAlive(pid)) continue;
      removed.push(...removeListed(join(dir, name), pid));
    }
    return removed;
  }
}

/** The temp-file name for `target`, with the owner's pid in it so a leftover says who made it. */
export function tempNameFor(target: string, pid: number, random: string): string {
  return `.${basename(target)}.quarry-${pid}-${random}.tmp`;
}

function removeListed(file: string, pid: number): string[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const line of text.split("\n")) {
    const entry = parseEntry(line);
    if (entry && removeIfLeftover(entry, pid)) removed.push(entry.path);
  }
  try {
    unlinkSync(file);
  } catch {
    // Another session swept it first.
  }
  return removed;
}

function parseEntry(line: string): Entry | undefined {
  if (!line.trim()) return undefined;
  try {
    const value = JSON.parse(line) as Partial<Entry>;
    if ((value.kind === "temp" || value.kind === "stub") && typeof value.path === "string") {
      return { kind: value.kind, path: value.path };
    }
  } catch {
    // A line cut short by a kill: nothing was created after it.
  }
  return undefined;
}

/**
 * Deletes only what is recognisably ours: a temp file whose name carries the owner's pid, or an empty
 * placeholder directory. Anything the user has since put at that path (a real `.mcp.json`) is left alone.
 */
function removeIfLeftover(entry: Entry, pid: number): boolean {
  let stat: ReturnType<typeof lstatSync>;
  try {
    stat = lstatSync(entry.path);
  } catch {
    return false;
  }
  try {
    if (entry.kind === "stub") {
      if (!stat.isDirectory()) return false;
      rmdirSync(entry.path); // fails, and keeps it, unless empty
      return true;
    }
    if (!stat.isFile() || !new RegExp(`\\.quarry-${pid}-[0-9a-f]+\\.tmp$`).test(basename(entry.path))) {
      return false;
    }
    unlinkSync(entry.path);
    return true;
  } catch {
    return false;
  }
}

let active: TempJournal | undefined;

/** Starts journalling this process's temp files in `dir` and sweeps dead processes' leftovers. */
export function useTempJournal(dir: string): string[] {
  active = new TempJournal(dir);
  return TempJournal.sweep(dir);
}

/** The journal of this process, when a session set one up (unit tests of tools run without). */
export function activeTempJournal(): TempJournal | undefined {
  return active;
}
