import { readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { globSync } from "tinyglobby";
// The modules, not the commands index: it also exports the session-level expansion (an import cycle).
import type { CommandFolders } from "../commands/discover.js";
import { listField, readFrontMatter, stringField } from "../commands/front-matter.js";
import { claudeSettingsPath } from "../config/index.js";
import { howToTrust } from "../trust/decide.js";
import { BUILT_IN_AGENTS } from "./builtins.js";
import type { AgentDefinition, AgentSource } from "./definition.js";

/** Where agents are looked for, and whether the repository's own may be used. */
export interface AgentFolders extends CommandFolders {
  /** Whether the project folder is trusted (docs/security/trust.md); untrusted = its agents are ignored. */
  projectTrusted: boolean;
}

/** The agents in force, and what the user should be told (ignored project agents, unreadable files). */
export interface AgentCatalog {
  agents: AgentDefinition[];
  warnings: string[];
}

/** The folders agent files come from, highest priority first (a project agent beats a user one of its name). */
export function agentFolders(o: CommandFolders): { dir: string; source: Exclude<AgentSource, "built-in"> }[] {
  return [
    { dir: join(o.projectRoot, ".quarry", "agents"), source: "project" },
    { dir: join(o.projectRoot, ".claude", "agents"), source: "project" },
    { dir: join(o.userConfigDir, "agents"), source: "user" },
    { dir: join(dirname(claudeSettingsPath(o.env, o.home, o.cwd)), "agents"), source: "user" },
  ];
}

/**
 * Every agent: the built-ins, then `*.md` files from the user's and (in a trusted folder) the project's agent
 * folders, a file overriding a built-in or lower-priority file of the same name. In an untrusted folder the
 * project's agents are left out with one warning per folder: an agent file is instructions and a tool set the
 * repository chooses, like its hooks.
 */
export function loadAgents(o: AgentFolders): AgentCatalog {
  const warnings: string[] = [];
  const byName = new Map<string, AgentDefinition>();
  for (const { dir, source } of agentFolders(o)) {
    const files = globSync("*.md", { cwd: dir, onlyFiles: true }).sort();
    if (files.length === 0) continue;
    if (source === "project" && !o.projectTrusted) {
      const names = files.map((f) => f.slice(0, -".md".length)).join(", ");
      warnings.push(
        `${dir}: ignored ${files.length} agent${files.length === 1 ? "" : "s"} (${names}; a system prompt and tools chosen by the repository): ${o.projectRoot} is not a trusted folder; ${howToTrust(o.projectRoot)}`,
      );
      continue;
    }
    for (const file of files) {
      const path = join(dir, file);
      try {
        const def = readAgentFile(path, source);
        if (!byName.has(def.name)) byName.set(def.name, def);
      } catch (err) {
        warnings.push(`${(err as Error).message}; that agent is not available`);
      }
    }
  }
  const builtIns = BUILT_IN_AGENTS.filter((b) => !byName.has(b.name));
  const custom = [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  return { agents: [...builtIns, ...custom], warnings };
}

/** One agent file: front matter `name` (default: the file name), `description`, `tools`, `model`; body = prompt. */
export function readAgentFile(path: string, source: Exclude<AgentSource, "built-in">): AgentDefinition {
  const { data, body } = readFrontMatter(readFileSync(path, "utf8"), path);
  const name = stringField(data, "name") ?? basename(path, ".md");
  if (!/^[\w.:-]+$/.test(name)) {
    throw new Error(`${path}: the agent name "${name}" may hold only letters, digits, "_", "-", "." and ":"`);
  }
  const system = body.trim();
  if (!system) throw new Error(`${path}: the agent has no system prompt (the text after the front matter)`);
  const model = stringField(data, "model");
  const tools = listField(data, "tools");
  return {
    name,
    description: stringField(data, "description") ?? system.split("\n")[0]!.slice(0, 100),
    // `tools: "*"` is Claude Code's way of writing "all of them".
    tools: tools && !(tools.length === 1 && tools[0] === "*") ? tools : undefined,
    model: model === "inherit" ? undefined : model,
    system,
    source,
    path,
  };
}
