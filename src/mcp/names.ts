/** The prefix of every MCP tool's name, as in Claude Code: `mcp__<server>__<tool>`. */
export const MCP_TOOL_PREFIX = "mcp__";

/**
 * The model-facing name of a server's tool. Characters the Messages API does not allow in tool names
 * become `_` (as Claude Code does), and the name is cut to the API's 64-character limit.
 */
export function mcpToolName(server: string, tool: string): string {
  const clean = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, "_");
  return `${MCP_TOOL_PREFIX}${clean(server)}__${clean(tool)}`.slice(0, 64);
}
