import type { AgentDefinition } from "./definition.js";

/**
 * The reminder that tells the model which agents the `Agent` tool can run, as Claude Code puts it in the first
 * request: one line per agent, `- reviewer: <description> (Tools: Read, Grep, Glob)`.
 */
export function agentsReminder(agents: readonly AgentDefinition[]): string {
  const lines = agents.map((a) => `- ${a.name}: ${a.description} (Tools: ${a.tools?.join(", ") ?? "*"})`);
  return [
    "<system-reminder>",
    "Available agent types for the Agent tool (subagent_type), with the tools each can use:",
    ...lines,
    "</system-reminder>",
  ].join("\n");
}
