import { runSafeGit, runSafeGitAsync } from "./git.js";
import type { MemoryFile } from "./memory.js";

export interface EnvironmentFacts {
  cwd: string;
  platform: string;
  date: string;
  /** A short `git status` summary, or undefined outside a repository. */
  git?: string;
}

/**
 * Reads what the model should know about where it runs. Cheap: one `git status` (plus the config read
 * runSafeGit does first) with a short timeout, so a repository's own config cannot make it run anything.
 */
export function environmentFacts(cwd: string, now: Date = new Date()): EnvironmentFacts {
  return {
    cwd,
    platform: `${process.platform} ${process.arch}`,
    date: now.toISOString().slice(0, 10),
    git: gitSummary(cwd),
  };
}

/** {@link environmentFacts} with git run in the background (session start-up gathers it beside connecting). */
export async function gatherEnvironmentFacts(cwd: string, now: Date = new Date()): Promise<EnvironmentFacts> {
  const status = await runSafeGitAsync(cwd, GIT_STATUS);
  return {
    cwd,
    platform: `${process.platform} ${process.arch}`,
    date: now.toISOString().slice(0, 10),
    git: summarizeStatus(status),
  };
}

// Submodules have config of their own, which runSafeGit has not read; they are left out.
const GIT_STATUS = ["status", "--porcelain=v2", "--branch", "--ignore-submodules=all"];

function gitSummary(cwd: string): string | undefined {
  return summarizeStatus(runSafeGit(cwd, GIT_STATUS));
}

function summarizeStatus(status: string | undefined): string | undefined {
  if (status === undefined) return undefined;
  let branch = "(unknown)";
  const changed: string[] = [];
  for (const line of status.split("\n")) {
    if (line.startsWith("# branch.head ")) branch = line.slice("# branch.head ".length);
    else if (line !== "" && !line.startsWith("#")) changed.push(changedPath(line));
  }
  return `branch ${branch}; ${
    changed.length === 0
      ? "clean"
      : `${changed.length} changed file(s): ${changed.slice(0, 10).join(", ")}${changed.length > 10 ? ", …" : ""}`
  }`;
}

/** The path in one `git status --porcelain=v2` entry (ordinary `1`, renamed `2`, unmerged `u`, untracked `?`). */
function changedPath(line: string): string {
  const fields = line.split(" ");
  const skip: Record<string, number> = { "1": 8, "2": 9, u: 10 };
  const rest = fields.slice(skip[fields[0]!] ?? 1).join(" ");
  return fields[0] === "2" ? rest.split("\t")[0]! : rest;
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
