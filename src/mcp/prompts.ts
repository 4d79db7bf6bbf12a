import { UsageError } from "../runtime/errors.js";
import type { McpManager } from "./manager.js";
import { listConnectionPrompts, type McpPromptCommand } from "./prompt-list.js";

export type { McpPromptCommand } from "./prompt-list.js";

/** The prompt text of one `prompts/get` message content block; loosely typed, servers send newer kinds. */
interface PromptContent {
  type: string;
  text?: string;
  mimeType?: string;
  resource?: { uri?: string; text?: string; mimeType?: string };
}

const PROMPT_PREFIX = "mcp__";

/** Whether a slash command's name is an MCP prompt's (it starts with `mcp__`). */
export function isMcpPromptName(name: string): boolean {
  return name.startsWith(PROMPT_PREFIX);
}

/**
 * Every prompt of every connected server that offers prompts, as slash commands. A server whose listing
 * fails is left out (it may be restarting); the others still answer.
 */
export async function listMcpPrompts(manager: McpManager): Promise<McpPromptCommand[]> {
  const lists = await Promise.all(
    manager.connectedNames().map(async (server) => {
      const connection = manager.connected(server);
      return connection ? listConnectionPrompts(server, connection).catch(() => []) : [];
    }),
  );
  return lists.flat();
}

/**
 * Maps the words after `/mcp__server__prompt` onto the prompt's arguments in order, as Claude Code does;
 * words beyond the last argument join it (so a free-text last argument needs no quotes).
 */
export function promptArguments(
  command: McpPromptCommand,
  args: string,
): { values: Record<string, string>; missing: string[] } {
  const words = args === "" ? [] : args.split(/\s+/);
  const values: Record<string, string> = {};
  command.arguments.forEach((arg, i) => {
    const last = i === command.arguments.length - 1;
    const value = last ? words.slice(i).join(" ") : words[i];
    if (value) values[arg.name] = value;
  });
  const missing = command.arguments.filter((a) => a.required && !values[a.name]).map((a) => a.name);
  return { values, missing };
}

/** How the command is written with its arguments: `/mcp__everything__args-prompt <city> [state]`. */
export function promptUsage(command: McpPromptCommand): string {
  const args = command.arguments.map((a) => (a.required ? `<${a.name}>` : `[${a.name}]`));
  return [`/${command.name}`, ...args].join(" ");
}

/**
 * The user message for `/mcp__server__prompt args`: the prompt's messages from `prompts/get`, their text
 * joined (embedded text resources inlined under their URI; images and other binaries named in a note).
 * Throws a UsageError naming the fix for an unknown prompt, a missing argument or a server that fails.
 */
export async function expandMcpPrompt(manager: McpManager, name: string, args: string): Promise<string> {
  const commands = await listMcpPrompts(manager);
  const command = commands.find((c) => c.name === name);
  if (!command) {
    const known = commands.map((c) => `/${c.name}`).join(", ");
    throw new UsageError(
      `Unknown MCP prompt /${name}. ${known ? `Available MCP prompts: ${known}.` : "No connected MCP server offers prompts."}`,
      "check the server is connected (`quarry mcp list`, /mcp) and the name is /mcp__<server>__<prompt>",
    );
  }
  const { values, missing } = promptArguments(command, args);
  if (missing.length > 0) {
    throw new UsageError(
      `/${name} needs ${missing.map((m) => `<${m}>`).join(" ")}.`,
      `write it as ${promptUsage(command)}`,
    );
  }
  const connection = manager.connected(command.server);
  if (!connection) {
    throw new UsageError(
      `MCP server "${command.server}" is no longer connected.`,
      "reconnect it with /mcp reconnect, or wait for it to come back",
    );
  }
  let result: Awaited<ReturnType<typeof connection.client.getPrompt>>;
  try {
    result = await connection.client.getPrompt({ name: command.prompt, arguments: values });
  } catch (err) {
    throw new UsageError(
      `MCP server "${command.server}" could not give prompt "${command.prompt}": ${(err as Error).message}`,
      `check the arguments (${promptUsage(command)}) or the server's own log`,
    );
  }
  return result.messages
    .map((m) => describeContent(m.content as PromptContent))
    .filter((t) => t !== "")
    .join("\n\n");
}

function describeContent(content: PromptContent): string {
  switch (content.type) {
    case "text":
      return content.text ?? "";
    case "resource":
      return content.resource?.text !== undefined
        ? `<resource uri="${content.resource.uri ?? ""}">\n${content.resource.text}\n</resource>`
        : `[resource ${content.resource?.uri ?? ""} (${content.resource?.mimeType ?? "binary"}) omitted]`;
    default:
      return `[${content.type}${content.mimeType ? ` (${content.mimeType})` : ""} omitted from the prompt]`;
  }
}
