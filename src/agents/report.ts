import { homedir } from "node:os";
import { relative } from "node:path";
import { findRepoRoot } from "../agent/memory.js";
import type { Settings } from "../config/index.js";
import { folderTrust } from "../hooks/load.js";
import type { AgentDefinition } from "./definition.js";
import { type AgentCatalog, loadAgents } from "./discover.js";

/** The agents a session in `cwd` would have, with the warnings it would show (untrusted project agents). */
export function agentsFor(o: {
  settings: Settings;
  cwd: string;
  env: NodeJS.ProcessEnv;
  home?: string;
  trustProject?: boolean;
}): AgentCatalog {
  const projectRoot = findRepoRoot(o.cwd) ?? o.cwd;
  const home = o.home ?? homedir();
  return loadAgents({
    projectRoot,
    cwd: o.cwd,
    env: o.env,
    home,
    userConfigDir: o.settings.userConfigDir.value,
    projectTrusted: folderTrust({
      settings: o.settings,
      projectRoot,
      env: o.env,
      trustProject: o.trustProject,
    }).trusted,
  });
}

/** `quarry agents` and `/agents`: one line per agent — name, where it comes from, model, tools. */
export function agentsReport(agents: readonly AgentDefinition[], o: { cwd: string; home?: string }): string {
  const home = o.home ?? homedir();
  const where = (a: AgentDefinition) => {
    if (!a.path) return "built-in";
    const inHome = relative(home, a.path);
    const inCwd = relative(o.cwd, a.path);
    if (!inCwd.startsWith("..")) return inCwd;
    return inHome.startsWith("..") ? a.path : `~/${inHome}`;
  };
  const rows = agents.map((a) => [
    a.name,
    where(a),
    a.model ?? "inherit",
    a.tools?.join(", ") ?? "all tools",
  ]);
  const header = ["NAME", "SOURCE", "MODEL", "TOOLS"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}
