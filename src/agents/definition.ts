/** Where an agent definition came from: built into Quarry, the repository (trust-gated), or the user's folders. */
export type AgentSource = "built-in" | "project" | "user";

/**
 * One subagent type the `Agent` tool can run (docs/extensibility.md#subagents): Claude Code's agent file
 * format — front matter `name`, `description`, `tools`, `model`; the body is the system prompt.
 */
export interface AgentDefinition {
  name: string;
  description: string;
  /** Tool names the agent may use; undefined = every tool of the parent (never `Agent` itself). */
  tools?: string[];
  /** `sonnet`, `opus`, `haiku` (the side model), `inherit`, or a full model ID; undefined = the parent's. */
  model?: string;
  /** The system prompt, verbatim. */
  system: string;
  source: AgentSource;
  /** The file it was read from (custom agents). */
  path?: string;
  /** Bash only as far as the user's allow rules already allow it; never asked for (Explore). */
  bashOnlyIfAllowed?: boolean;
}

/** The tool name the model calls (Claude Code's current name; its stream-json init lists it as `Task`). */
export const AGENT_TOOL_NAME = "Agent";
/** The name Claude Code's `system/init` lists the agent tool under. */
export const AGENT_TOOL_INIT_NAME = "Task";
/** The agent a call without `subagent_type` runs. */
export const DEFAULT_AGENT = "general-purpose";

/** The tools a subagent of this definition gets, out of the parent's: never `Agent` (subagents do not nest). */
export function childToolNames(def: AgentDefinition, parentTools: readonly string[]): string[] {
  const wanted = def.tools ?? parentTools;
  return parentTools.filter((name) => name !== AGENT_TOOL_NAME && wanted.includes(name));
}
