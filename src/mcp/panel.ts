import type { McpManager } from "./manager.js";

const MARK = { connected: "✓", failed: "✗", pending: "…", disabled: "○" } as const;

/**
 * `/mcp` in the TUI: each server's state, tool count and error; `/mcp reconnect NAME` tries it again now.
 * Text only, so any front end can show it.
 */
export async function mcpPanel(manager: McpManager | undefined, arg: string): Promise<string> {
  if (!manager) return "No MCP servers in this session. Add one with `quarry mcp add` or a .mcp.json.";
  const [verb, name] = arg.trim().split(/\s+/);
  if (verb === "reconnect") {
    if (!name) return "Say which: /mcp reconnect NAME";
    const problem = await manager.reconnect(name);
    if (problem) return problem;
    const tools = manager.statuses().find((s) => s.name === name)?.tools ?? 0;
    return `MCP server "${name}" reconnected; ${tools} tool${tools === 1 ? "" : "s"}.`;
  }
  if (verb) return `Unknown /mcp ${verb}. Use /mcp, or /mcp reconnect NAME.`;
  const statuses = manager.statuses();
  if (statuses.length === 0) return "No MCP servers configured. Add one with `quarry mcp add`.";
  const prompts = manager.promptCommands();
  const lines = statuses.map((s) => {
    const detail =
      s.status === "connected"
        ? `${s.tools ?? 0} tools${countPrompts(prompts, s.name)}`
        : (s.error ?? s.status);
    return `${MARK[s.status]} ${s.name} (${s.source}) ${s.status}: ${detail}`;
  });
  return [
    "MCP servers:",
    ...lines.map((l) => `  ${l}`),
    "/mcp reconnect NAME tries a server again; `quarry mcp auth NAME` signs in to one that asks for it.",
  ].join("\n");
}

function countPrompts(prompts: readonly { server: string }[], server: string): string {
  const n = prompts.filter((p) => p.server === server).length;
  return n > 0 ? `, ${n} prompt${n === 1 ? "" : "s"}` : "";
}
