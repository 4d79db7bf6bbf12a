import { folderTrust, type HookSourcesOptions } from "../hooks/load.js";
import type { HookRunner } from "../runtime/hooks.js";
import { type AgentChild, type AgentSpawnRequest, createAgentTool } from "../tools/agent.js";
import type { ToolRegistry } from "../tools/tool-registry.js";
import { agentsReminder } from "./announce.js";
import { type AgentCatalog, loadAgents } from "./discover.js";
import type { AgentModelResolver } from "./model.js";

/** The parts of a session the agents are installed into (runtime/session.ts's Session). */
export interface AgentHostSession {
  readonly id: string;
  readonly registry: ToolRegistry;
  readonly warnings: string[];
  /** Reminders the first prompt carries (src/runtime/session.ts). */
  readonly reminders: string[];
  readonly hooks: HookRunner;
  spawnAgent(request: AgentSpawnRequest): AgentChild;
}

/** Where the agents come from (the same folders and trust as hooks) and how their models resolve. */
export interface InstallAgentsOptions extends HookSourcesOptions {
  resolveModel: AgentModelResolver;
}

/**
 * Gives a top-level session its subagents (docs/extensibility.md#subagents): loads the agents (project ones
 * only in a trusted folder), adds the `Agent` tool, and announces the agents in the first prompt.
 */
export function installAgents(session: AgentHostSession, o: InstallAgentsOptions): AgentCatalog {
  const catalog = loadAgents({
    projectRoot: o.projectRoot,
    cwd: o.cwd,
    env: o.env,
    home: o.home,
    userConfigDir: o.settings.userConfigDir.value,
    projectTrusted: folderTrust(o).trusted,
  });
  session.warnings.push(...catalog.warnings);
  session.registry.add(
    createAgentTool({
      agents: catalog.agents,
      parentTools: () => session.registry.names(),
      resolveModel: o.resolveModel,
      spawn: (request) => session.spawnAgent(request),
      subagentStop: async (info) => session.hooks.subagentStop?.({ sessionId: session.id, ...info }),
    }),
  );
  session.reminders.push(agentsReminder(catalog.agents));
  return catalog;
}
