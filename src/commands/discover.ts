import { readFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { globSync } from "tinyglobby";
import { claudeSettingsPath } from "../config/index.js";
import { listField, readFrontMatter, stringField } from "./front-matter.js";

/** Where a command file came from: the repository (trust-gated `!` lines) or the user's own folders. */
export type CommandScope = "project" | "user";

/** One custom slash command, as the `/` menu and `system/init` list it and as expansion uses it. */
export interface CustomCommand {
  /** `greet`, or `frontend:build` for `frontend/build.md`. */
  name: string;
  description: string;
  argumentHint?: string;
  allowedTools?: string[];
  model?: string;
  scope: CommandScope;
  path: string;
  /** The body, front matter removed. */
  body: string;
}

/** Where commands are looked for. */
export interface CommandFolders {
  projectRoot: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  home: string;
  /** Quarry's user config dir (its `commands/` is user scope). */
  userConfigDir: string;
}

/** The folders commands come from, highest priority first (a project command beats a user one of its name). */
export function commandFolders(o: CommandFolders): { dir: string; scope: CommandScope }[] {
  return extensionFolders(o, "commands");
}

/** `<sub>` under `.quarry/`, `.claude/` (project), the user config dir and `~/.claude/` (user), in that order. */
export function extensionFolders(o: CommandFolders, sub: string): { dir: string; scope: CommandScope }[] {
  return [
    { dir: join(o.projectRoot, ".quarry", sub), scope: "project" },
    { dir: join(o.projectRoot, ".claude", sub), scope: "project" },
    { dir: join(o.userConfigDir, sub), scope: "user" },
    { dir: join(dirname(claudeSettingsPath(o.env, o.home, o.cwd)), sub), scope: "user" },
  ];
}

/**
 * Every custom command (`.claude/commands/**\/*.md`, `.quarry/commands/**\/*.md`, and the user's), sorted by
 * name. A file whose front matter does not parse is skipped with a warning.
 */
export function listCustomCommands(o: CommandFolders, warnings: string[] = []): CustomCommand[] {
  const byName = new Map<string, CustomCommand>();
  for (const { dir, scope } of commandFolders(o)) {
    for (const file of globSync("**/*.md", { cwd: dir, onlyFiles: true }).sort()) {
      const name = relative(".", file).slice(0, -".md".length).split(sep).join(":");
      if (byName.has(name)) continue;
      const path = join(dir, file);
      try {
        const { data, body } = readFrontMatter(readFileSync(path, "utf8"), path);
        byName.set(name, {
          name,
          // Claude Code shows the body's first line when a command has no description.
          description: stringField(data, "description") ?? firstLine(body),
          argumentHint: stringField(data, "argument-hint"),
          allowedTools: listField(data, "allowed-tools"),
          model: stringField(data, "model"),
          scope,
          path,
          body,
        });
      } catch (err) {
        warnings.push(`${(err as Error).message}; the /${name} command is not available`);
      }
    }
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

function firstLine(body: string): string {
  const line = body.split("\n").find((l) => l.trim() !== "") ?? "";
  return line.trim().slice(0, 100);
}
