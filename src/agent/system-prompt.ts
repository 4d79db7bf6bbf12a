import { execFileSync } from "node:child_process";
import type { MemoryFile } from "./memory.js";

export interface EnvironmentFacts {
  cwd: string;
  platform: string;
  date: string;
  /** A short `git status` summary, or undefined outside a repository. */
  git?: string;
}

/** Reads what the model should know about where it runs. Cheap: one git call with a short timeout. */
export function environmentFacts(cwd: string, now: Date = new Date()): EnvironmentFacts {
  let git: string | undefined;
  try {
    const branch = execFileSync("git", ["rev-parse", "--abbrev-ref", "HEAD"], {
      cwd,
      timeout: 2000,
      stdio: "pipe",
    })
      .toString()
      .trim();
    const status = execFileSync("git", ["status", "--porcelain"], { cwd, timeout: 2000, stdio: "pipe" })
      .toString()
      .split("\n")
      .filter(Boolean);
    git = `branch ${branch}; ${
      status.length === 0
        ? "clean"
        : `${status.length} changed file(s): ${status
            .slice(0, 10)
            .map((l) => l.slice(3))
            .join(", ")}${status.length > 10 ? ", …" : ""}`
    }`;
  } catch {
    git = undefined;
  }
  return { cwd, platform: `${process.platform} ${process.arch}`, date: now.toISOString().slice(0, 10), git };
}

const CORE = `You are Quarry, a coding agent working in the user's repository from their terminal.
Do what the user asks: read the code you need, make the change, run what proves it works, then report briefly.

How to work:
- Read a file before you edit it. Prefer Edit (exact, unique replacements) over rewriting files with Write.
- Keep changes minimal and in the style of the surrounding code. Do not add files the task does not need.
- Use Bash for builds, tests and git; quote paths; never run destructive commands the user did not ask for.
- Use Glob and Grep to find things instead of guessing paths.
- When a tool call is refused, do not retry it unchanged: explain what you needed and continue without it.
- Your final message is shown to the user as is: say what you changed and what you verified, in a few lines.`;

/** Builds the system prompt: our instructions, the environment, and the user's memory files. */
export function buildSystemPrompt(facts: EnvironmentFacts, memory: MemoryFile[]): string {
  const env = [
    `Working directory: ${facts.cwd}`,
    `Platform: ${facts.platform}`,
    `Date: ${facts.date}`,
    facts.git ? `Git: ${facts.git}` : "Git: not a repository",
  ].join("\n");
  const parts = [CORE, `<environment>\n${env}\n</environment>`];
  for (const m of memory) {
    parts.push(`<memory file="${m.label}">\n${m.content.trim()}\n</memory>`);
  }
  return parts.join("\n\n");
}
