import type { ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/** How long a process group gets to exit after SIGTERM before SIGKILL. */
export const KILL_GRACE_MS = 1500;

/**
 * True while a live process of group `pgid` exists. On Linux zombies do not count: in containers whose init
 * never reaps orphans, a killed grandchild stays a zombie forever and `kill(-pgid, 0)` keeps succeeding.
 */
export function groupAlive(pgid: number): boolean {
  if (process.platform === "linux") {
    const live = liveGroupMembersLinux(pgid);
    if (live !== undefined) return live > 0;
  }
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * Ends a whole process group (the shell and everything it started): SIGTERM, bounded polling, then SIGKILL
 * for anything that ignored it. Resolves once the group is gone or has been sent SIGKILL.
 */
export async function terminateGroup(child: ChildProcess, graceMs = KILL_GRACE_MS): Promise<void> {
  const pgid = child.pid;
  if (pgid === undefined) return;
  signalGroup(pgid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!groupAlive(pgid)) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  signalGroup(pgid, "SIGKILL");
}

/** Counts non-zombie processes in the group from /proc; undefined when /proc cannot be read. */
function liveGroupMembersLinux(pgid: number): number | undefined {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return undefined;
  }
  let live = 0;
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // exited while we looked
    }
    // Fields after the command name (which may contain spaces and parens): state ppid pgrp …
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(fields[2]) === pgid && fields[0] !== "Z" && fields[0] !== "X") live++;
  }
  return live;
}
