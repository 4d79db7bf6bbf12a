import { constants } from "node:os";
import { endAllGroups, killAllGroupsNow } from "./process-group.js";
import { activeTempJournal } from "./temp-journal.js";

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
let installed = false;
let ending = false;

/**
 * Makes Quarry end every process group it started, and remove its temp files, however it stops: on
 * SIGINT/SIGTERM/SIGHUP it cleans up and exits with 128+signal number; on any exit the synchronous hook
 * SIGKILLs what is left. Installed once, by the CLI entry (bin/quarry.js) — never in library code or tests.
 *
 * The TUI reads Ctrl-C as a key (Ink's raw mode), so this SIGINT handler only sees a signal sent from
 * outside; print mode's own SIGINT listener still runs and aborts the turn alongside it.
 */
export function installExitCleanup(): void {
  if (installed) return;
  installed = true;
  for (const signal of SIGNALS) process.on(signal, () => void exitOnSignal(signal));
  process.on("exit", () => {
    killAllGroupsNow();
    activeTempJournal()?.removeOwn();
  });
}

/** Ends children gracefully (SIGTERM, grace, SIGKILL) before a normal exit; background jobs included. */
export async function endChildProcesses(): Promise<void> {
  await endAllGroups();
}

async function exitOnSignal(signal: (typeof SIGNALS)[number]): Promise<void> {
  const code = 128 + (constants.signals[signal] ?? 0);
  if (ending) {
    // A second signal while cleaning up: stop waiting.
    killAllGroupsNow();
    process.exit(code);
  }
  ending = true;
  try {
    await endAllGroups();
  } finally {
    process.exit(code);
  }
}
