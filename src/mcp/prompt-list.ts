import type { McpConnection } from "./connection.js";
import { mcpToolName } from "./names.js";

/** One MCP prompt offered as the slash command `/mcp__<server>__<prompt>` (Claude Code's name for it). */
export interface McpPromptCommand {
  /** The command name without the slash: `mcp__everything__args-prompt`. */
  readonly name: string;
  readonly server: string;
  readonly prompt: string;
  readonly description?: string;
  readonly arguments: readonly { name: string; description?: string; required?: boolean }[];
}

/** Every prompt one connected server offers (all pages); none when it does not offer prompts. */
export async function listConnectionPrompts(
  server: string,
  connection: McpConnection,
): Promise<McpPromptCommand[]> {
  if (!connection.client.getServerCapabilities()?.prompts) return [];
  const prompts: McpPromptCommand[] = [];
  let cursor: string | undefined;
  do {
    const page = await connection.client.listPrompts(cursor ? { cursor } : undefined);
    for (const p of page.prompts) {
      prompts.push({
        name: mcpToolName(server, p.name),
        server,
        prompt: p.name,
        ...(p.description ? { description: p.description } : {}),
        arguments: p.arguments ?? [],
      });
    }
    cursor = page.nextCursor;
  } while (cursor);
  return prompts;
}
