import { readFileSync, realpathSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import { UsageError } from "../runtime/errors.js";
import type { CustomCommand } from "./discover.js";

/** What expanding a command needs from the session. */
export interface ExpandOptions {
  /** The workspace (project root): `@file` includes must stay inside it. */
  workspace: string;
  cwd: string;
  /** Whether the folder is trusted: a project command's `!` lines run only then. */
  projectTrusted: boolean;
  /**
   * Runs one `!` command through the session's tool pipeline (hooks, permission policy, sandbox); `ok` is
   * false when it was denied or failed, with the reason as output.
   */
  runShell(command: string): Promise<{ ok: boolean; output: string }>;
  /** Whether the permission policy lets the session read a file (deny rules, protected secrets). */
  readable?(path: string): boolean;
}

/** `/name args` split, or undefined when the prompt is not a slash command (`/usr/bin is …` is not). */
export function parseSlashPrompt(prompt: string): { name: string; args: string } | undefined {
  const m = /^\/([\w.-]+(?::[\w.-]+)*)(?:\s+([\s\S]*))?$/.exec(prompt.trim());
  return m ? { name: m[1] as string, args: (m[2] ?? "").trim() } : undefined;
}

/**
 * The user message for `/name args`, as Claude Code sends it: the command tags, then the body with
 * `$ARGUMENTS` / `$1…$9` filled in, `!`cmd`` replaced by the command's output and `@file` by the file.
 * Throws a UsageError for an unknown command (listing the known ones) or a refused `!` line.
 */
export async function expandSlashPrompt(
  prompt: string,
  commands: readonly CustomCommand[],
  o: ExpandOptions,
): Promise<string | undefined> {
  const slash = parseSlashPrompt(prompt);
  if (!slash) return undefined;
  const command = commands.find((c) => c.name === slash.name);
  if (!command) {
    const known = commands.map((c) => `/${c.name}`).join(", ");
    throw new UsageError(
      `Unknown command /${slash.name}. ${known ? `Available commands: ${known}.` : "No custom commands are defined."}`,
      "add it as .claude/commands/<name>.md (or ~/.claude/commands/<name>.md), or start the prompt with something other than /",
    );
  }
  const body = await expandBody(command, slash.args, o);
  const header =
    `<command-message>${command.name}</command-message>\n<command-name>/${command.name}</command-name>\n` +
    `<command-args>${slash.args}</command-args>`;
  return `${header}\n\n${body}`;
}

/** The command's body with arguments, `!` output and `@file` contents filled in. */
export async function expandBody(command: CustomCommand, args: string, o: ExpandOptions): Promise<string> {
  const words = args === "" ? [] : args.split(/\s+/);
  let text = command.body.trim();
  const hasPlaceholder = /\$ARGUMENTS|\$[1-9]/.test(text);
  text = text
    .replaceAll("$ARGUMENTS", args)
    .replace(/\$([1-9])/g, (_, n: string) => words[Number(n) - 1] ?? "");
  if (!hasPlaceholder && args !== "") text += `\n\nARGUMENTS: ${args}`;
  text = await replaceAsync(text, /!`([^`\n]+)`/g, async (_, shell: string) => {
    if (command.scope === "project" && !o.projectTrusted) {
      throw new UsageError(
        `/${command.name} (${command.path}) runs \`${shell}\`, and project commands run nothing in an untrusted folder.`,
        `trust the folder with \`quarry trust ${o.workspace}\` (or --trust-project for one run)`,
      );
    }
    const result = await o.runShell(shell);
    if (!result.ok) {
      throw new UsageError(
        `/${command.name} could not run \`${shell}\`: ${result.output}`,
        `allow it, e.g. --allowedTools "Bash(${shell})", or remove the line from ${command.path}`,
      );
    }
    return result.output.trimEnd();
  });
  return text.replace(/(^|\s)@([^\s`'"]+)/g, (whole, lead: string, ref: string) => {
    const included = includeFile(ref, o);
    return included === undefined ? whole : `${lead}${included}`;
  });
}

/** An `@path` include: the file inside a fence, or undefined when there is no such file (a mention). */
function includeFile(ref: string, o: ExpandOptions): string | undefined {
  const path = resolve(o.cwd, ref);
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    return undefined;
  }
  const root = realpathSync(o.workspace);
  const rel = relative(root, real);
  if (rel.startsWith("..") || isAbsolute(rel)) {
    throw new UsageError(
      `@${ref} is outside the workspace (${o.workspace}); commands include only files inside it.`,
      "copy the file into the project, or remove the @ reference",
    );
  }
  if (o.readable && !o.readable(real)) {
    throw new UsageError(
      `@${ref} is denied by the permission rules; the command cannot include it.`,
      "remove the @ reference, or change the deny rule that covers the file",
    );
  }
  let content: string;
  try {
    content = readFileSync(real, "utf8");
  } catch {
    return undefined; // a directory or unreadable: left as written
  }
  return `@${ref}\n\`\`\`\n${content.trimEnd()}\n\`\`\``;
}

/** `text.replace` with an async replacer, run one match at a time: `!` lines run in the order written. */
async function replaceAsync(
  text: string,
  re: RegExp,
  fn: (...groups: string[]) => Promise<string>,
): Promise<string> {
  let out = "";
  let last = 0;
  for (const m of [...text.matchAll(re)]) {
    out += text.slice(last, m.index) + (await fn(...(m as unknown as string[])));
    last = (m.index ?? 0) + m[0].length;
  }
  return out + text.slice(last);
}
