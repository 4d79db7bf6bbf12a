import { statSync } from "node:fs";
import { findRepoRoot } from "../../agent/memory.js";
import { SessionStore } from "../../session/index.js";
import type { PastSession } from "./backend.js";
import type { TranscriptEvent } from "./conversation.js";

/** How many sessions the picker offers. */
const LISTED = 30;

/** Reads saved sessions for the TUI: the picker's list and a resumed conversation's events. */
export function sessionFiles(env: NodeJS.ProcessEnv, cwd: string) {
  const store = SessionStore.fromEnvironment(env);
  const projectRoot = findRepoRoot(cwd) ?? cwd;
  return {
    /** This project's sessions that have a prompt (empty ones are noise), newest first. */
    async sessions(): Promise<PastSession[]> {
      return store
        .list(projectRoot, LISTED)
        .filter((s) => s.firstPrompt)
        .map((s) => ({
          id: s.id,
          title: s.title,
          firstPrompt: s.firstPrompt,
          updatedAt: s.updatedAt,
          bytes: sizeOf(s.path),
        }));
    },
    /** The transcript of session `id` as written so far. */
    async events(id: string): Promise<readonly TranscriptEvent[]> {
      return store.open(id, projectRoot).load().events;
    },
  };
}

function sizeOf(path: string): number | undefined {
  try {
    return statSync(path).size;
  } catch {
    return undefined;
  }
}
