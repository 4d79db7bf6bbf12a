import type { ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/** How long a process group gets to exit after SIGTERM before SIGKILL. */
export const KILL_GRACE_MS = 1500;

// Every process group Quarry started that may still have live members (a background job can outlive its
// shell). Ended when Quarry exits or is signalled; see src/tools/exit-cleanup.ts.
const startedGroups = new Set<number>();

/** Remembers a process group Quarry started (the pid of a child spawned with `detached: true`). */
export function trackGroup(pgid: number): void {
  startedGroups.add(pgid);
}

/** Forgets a group once nothing in it is alive, so a reused pid is never signalled by mistake. */
export function forgetGroupIfDone(pgid: number): void {
  if (!groupAlive(pgid)) startedGroups.delete(pgid);
}

/** The tracked groups that still have live members (dead ones are dropped on the way). */
export function liveTrackedGroups(): number[] {
  for (const pgid of startedGroups) forgetGroupIfDone(pgid);
  return [...startedGroups];
}

/**
 * Ends every tracked group: SIGTERM to all at once, one shared grace period, then SIGKILL for what is left.
 * Used on exit and on SIGINT/SIGTERM/SIGHUP.
 */
export async function endAllGroups(graceMs = KILL_GRACE_MS): Promise<void> {
  const groups = liveTrackedGroups();
  await Promise.all(groups.map((pgid) => terminatePgid(pgid, graceMs)));
  for (const pgid of groups) startedGroups.delete(pgid);
}

/** SIGKILLs every tracked group now; for the synchronous `exit` hook, where nothing can be awaited. */
export function killAllGroupsNow(): void {
  for (const pgid of liveTrackedGroups()) signalGroup(pgid, "SIGKILL");
  startedGroups.clear();
}

/** True while process `pid` exists and is not a zombie (a dead process nobody reaped). */
export function processAlive(pid: number): boolean {
  if (process.platform === "linux") {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const state = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0];
      return state !== "Z" && state !== "X";
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

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
  if (child.pid !== undefined) await terminatePgid(child.pid, graceMs);
}

async function terminatePgid(pgid: number, graceMs: number): Promise<void> {
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
