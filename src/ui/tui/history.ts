import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { projectKey } from "../../session/locations.js";

/** How many prompts are kept per project. */
const MAX_ENTRIES = 500;

/** Prompt history for ↑/↓, newest last. `path` undefined keeps it in memory only (tests). */
export class PromptHistory {
  private entries: string[];

  constructor(private readonly path?: string) {
    this.entries = path ? load(path) : [];
  }

  /** The file for one project (same key as its transcripts), so projects never see each other's prompts. */
  static forProject(dataDir: string, projectRoot: string): PromptHistory {
    return new PromptHistory(join(dataDir, "history", `${projectKey(projectRoot)}.json`));
  }

  list(): readonly string[] {
    return this.entries;
  }

  add(prompt: string): void {
    if (!prompt.trim() || this.entries.at(-1) === prompt) return;
    this.entries = [...this.entries, prompt].slice(-MAX_ENTRIES);
    if (!this.path) return;
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      writeFileSync(this.path, JSON.stringify(this.entries), { mode: 0o600 });
    } catch {
      // History is a convenience: an unwritable data dir must not break the session.
    }
  }
}

function load(path: string): string[] {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, "utf8"));
    return Array.isArray(parsed) ? parsed.filter((e): e is string => typeof e === "string") : [];
  } catch {
    return [];
  }
}
