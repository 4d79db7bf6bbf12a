import { mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { createInterface } from "node:readline/promises";
import { createTwoFilesPatch } from "diff";
import { atomicWriteFile } from "../tools/atomic-write.js";
import { type ClaudeCodeSetup, settingsFiles } from "./claude-code/setup.js";

/**
 * `quarry doctor --fix`: writes the env lines doctor found into the `env` block of a Claude Code settings
 * file (Quarry reads the same block, so one edit fixes both tools), showing a unified diff and asking first
 * (docs/decisions/0023-doctor-plus.md). A file Quarry cannot rewrite byte for byte is never touched.
 */

/** One planned edit of a settings file. */
export interface SettingsEdit {
  path: string;
  before: string;
  after: string;
  diff: string;
  set: Record<string, string>;
}

/** A plan: the edits, and the lines no file edit can fix (the variable is exported in the shell). */
export interface FixPlan {
  edits: SettingsEdit[];
  /** Files that hold content Quarry can't round-trip, with the lines to add by hand. */
  refused: string[];
  /** Lines set in the shell, which override nothing in a file: the user changes the export. */
  shell: string[];
}

function detectIndent(text: string): string | number {
  const m = /^\{\s*\n([ \t]+)"/.exec(text);
  if (!m) return 2;
  return m[1]!.startsWith("\t") ? "\t" : m[1]!.length;
}

/** The edited text, or why the file can't be rewritten safely (comments, custom layout, not an object). */
export function editEnvBlock(
  text: string,
  set: Record<string, string>,
): { after: string } | { refused: string } {
  const body = text.startsWith("\uFEFF") ? text.slice(1) : text;
  if (body.trim() === "") return { after: `${JSON.stringify({ env: set }, null, 2)}\n` };
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    return { refused: "it is not plain JSON (comments or trailing commas?)" };
  }
  if (typeof data !== "object" || data === null || Array.isArray(data))
    return { refused: "its top level is not an object" };
  const indent = detectIndent(body);
  // Only a file that re-serialises to exactly its own text is rewritten: nothing else in it can change.
  if (JSON.stringify(data, null, indent) !== body.trimEnd()) {
    return { refused: "its layout differs from JSON.stringify's, so rewriting it would change other lines" };
  }
  const obj = data as Record<string, unknown>;
  const env = obj.env;
  if (env !== undefined && (typeof env !== "object" || env === null || Array.isArray(env)))
    return { refused: '"env" is not an object' };
  const next = { ...obj, env: { ...(env as Record<string, unknown> | undefined), ...set } };
  const newline = body.endsWith("\n") || !body.includes("\n") ? "\n" : "";
  return { after: `${JSON.stringify(next, null, indent)}${newline}` };
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return "";
    throw err;
  }
}

/**
 * Decides where each line goes: the settings file that already sets the variable (so the edit takes
 * effect), else the user's ~/.claude/settings.json; a variable exported in the shell is reported instead.
 */
export function planFixes(
  env: Record<string, string>,
  setup: ClaudeCodeSetup,
  procEnv: NodeJS.ProcessEnv,
  home: string,
  cwd: string,
): FixPlan {
  const userFile = settingsFiles(procEnv, home, cwd)[0]!;
  const byFile = new Map<string, Record<string, string>>();
  const shell: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    const current = setup.vars.get(name);
    if (current?.source.kind === "shell") {
      shell.push(`${name}=${value} (it is exported in your shell as ${current.value}: change that export)`);
      continue;
    }
    const path = current?.source.kind === "file" ? current.source.path : userFile;
    byFile.set(path, { ...byFile.get(path), [name]: value });
  }
  const plan: FixPlan = { edits: [], refused: [], shell };
  for (const [path, set] of byFile) {
    const before = readOrEmpty(path);
    const edited = editEnvBlock(before, set);
    if ("refused" in edited) {
      const lines = Object.entries(set).map(([k, v]) => `  "${k}": "${v}"`);
      plan.refused.push(
        `${path}: not changed because ${edited.refused}; add to its "env" block by hand:\n${lines.join(",\n")}`,
      );
      continue;
    }
    if (edited.after === before) continue;
    const diff = createTwoFilesPatch(path, path, before, edited.after, "", "", { context: 3 });
    plan.edits.push({ path, before, after: edited.after, diff, set });
  }
  return plan;
}

/** How `applyPlan` talks to the user. */
export interface FixIo {
  yes: boolean;
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/**
 * Shows every diff, then writes after a "y" on a TTY, or at once with --yes. Without a TTY and without
 * --yes nothing is written and the exit code is 1. Returns the exit code.
 */
export async function applyPlan(plan: FixPlan, io: FixIo): Promise<number> {
  for (const line of plan.shell) io.stderr.write(`quarry: not written: ${line}\n`);
  for (const line of plan.refused) io.stderr.write(`quarry: ${line}\n`);
  if (plan.edits.length === 0) {
    io.stdout.write(plan.refused.length || plan.shell.length ? "Nothing written.\n" : "Nothing to fix.\n");
    return plan.refused.length ? 1 : 0;
  }
  for (const edit of plan.edits) io.stdout.write(edit.diff);
  if (!io.yes) {
    if (!io.stdin.isTTY) {
      io.stderr.write("quarry: not written: no terminal to ask; re-run with --yes to write these changes\n");
      return 1;
    }
    const rl = createInterface({ input: io.stdin, output: io.stdout });
    const answer = await rl.question(`Write ${plan.edits.map((e) => e.path).join(", ")}? [y/N] `);
    rl.close();
    if (!/^y(es)?$/i.test(answer.trim())) {
      io.stdout.write("Nothing written.\n");
      return 1;
    }
  }
  for (const edit of plan.edits) {
    // The file must still be what the diff was made from; anything else changed it meanwhile.
    if (readOrEmpty(edit.path) !== edit.before) {
      io.stderr.write(
        `quarry: ${edit.path} changed while waiting; nothing written to it. Run doctor --fix again.\n`,
      );
      return 1;
    }
    mkdirSync(dirname(edit.path), { recursive: true });
    await atomicWriteFile(edit.path, edit.after);
    io.stdout.write(`Wrote ${edit.path}\n`);
  }
  return plan.refused.length ? 1 : 0;
}
