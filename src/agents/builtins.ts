import type { AgentDefinition } from "./definition.js";

const REPORT =
  "When you are done, answer with a concise report for the agent that asked: what you found or did, with file " +
  "paths and line numbers where they matter. That report is all it sees of your work, so make it complete; " +
  "do not ask it questions back.";

/** The agents every session has, whatever the folders hold (Claude Code's general-purpose and Explore). */
export const BUILT_IN_AGENTS: readonly AgentDefinition[] = [
  {
    name: "general-purpose",
    description:
      "General-purpose agent for researching complex questions, searching for code, and executing multi-step tasks. Use it when a search may take several rounds or a task can run on its own.",
    system: [
      "You are a subagent of Quarry, a coding agent. Another agent gave you a task; carry it out fully with the tools you have, working in the repository as it is.",
      REPORT,
    ].join("\n\n"),
    source: "built-in",
  },
  {
    name: "Explore",
    description:
      "Fast read-only agent for exploring a codebase: finds files by pattern, searches code for keywords, and answers questions about how the code works. It cannot change files.",
    tools: ["Read", "Grep", "Glob", "LS", "Bash"],
    system: [
      "You are a read-only exploration subagent of Quarry, a coding agent. Search and read the repository to answer the question you were given. You cannot create, edit or delete files; Bash runs only commands the user's rules already allow.",
      REPORT,
    ].join("\n\n"),
    source: "built-in",
    bashOnlyIfAllowed: true,
  },
];
