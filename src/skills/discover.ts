import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { globSync } from "tinyglobby";
import { type CommandFolders, type CommandScope, extensionFolders } from "../commands/discover.js";
import { readFrontMatter, stringField } from "../commands/front-matter.js";
import { howToTrust } from "../trust/decide.js";

/** Where a skill came from: the repository (loaded only in a trusted folder) or the user's own folders. */
export type SkillScope = CommandScope;

/** One skill: `<folder>/<name>/SKILL.md`, announced by name and description, its body loaded on use. */
export interface Skill {
  name: string;
  description: string;
  scope: SkillScope;
  /** The skill's folder: the model reads bundled files from here (docs/extensibility.md#skills). */
  baseDir: string;
  /** The SKILL.md file. */
  path: string;
  /** SKILL.md without its front matter. */
  body: string;
}

/** Where skills are looked for (as commands) and whether the project's own may be used. */
export interface SkillFolders extends CommandFolders {
  /** Whether the project folder is trusted; a repository's skills are instructions it gives the model. */
  projectTrusted: boolean;
}

/** The folders skills come from, highest priority first (as commands: a project skill beats a user one). */
export function skillFolders(o: SkillFolders): { dir: string; scope: SkillScope }[] {
  return extensionFolders(o, "skills");
}

/**
 * Every skill (`.claude/skills/<name>/SKILL.md`, `.quarry/skills/…`, and the user's), sorted by name. In an
 * untrusted folder the project's skills are left out with one warning per folder; a SKILL.md whose front
 * matter does not parse is skipped with a warning naming it.
 */
export function listSkills(o: SkillFolders, warnings: string[] = []): Skill[] {
  const byName = new Map<string, Skill>();
  for (const { dir, scope } of skillFolders(o)) {
    const files = globSync("*/SKILL.md", { cwd: dir, onlyFiles: true }).sort();
    if (files.length === 0) continue;
    if (scope === "project" && !o.projectTrusted) {
      const count = `${files.length} skill${files.length === 1 ? "" : "s"}`;
      warnings.push(
        `${dir}: ignored ${count} (instructions the repository gives the model): ${o.projectRoot} is not a trusted folder; ${howToTrust(o.projectRoot)}`,
      );
      continue;
    }
    for (const file of files) {
      const path = join(dir, file);
      const folderName = dirname(file);
      try {
        const { data, body } = readFrontMatter(readFileSync(path, "utf8"), path);
        const name = stringField(data, "name") ?? folderName;
        if (byName.has(name)) continue;
        byName.set(name, {
          name,
          description: stringField(data, "description") ?? firstLine(body),
          scope,
          baseDir: join(dir, folderName),
          path,
          body: body.trim(),
        });
      } catch (err) {
        warnings.push(`${(err as Error).message}; the ${folderName} skill is not available`);
      }
    }
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

function firstLine(body: string): string {
  const line = body.split("\n").find((l) => l.trim() !== "" && !l.startsWith("#")) ?? "";
  return line.trim().slice(0, 200);
}
