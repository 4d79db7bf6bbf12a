import { UsageError } from "../runtime/errors.js";
import { defineExternalTool } from "../tools/external.js";
import type { Tool, ToolResult } from "../tools/types.js";
import type { McpConnection } from "./connection.js";
import { type McpContentBlock, toToolResult } from "./content.js";

/** Claude Code's names for the two tools a session gets once a connected server offers resources. */
export const LIST_RESOURCES_TOOL = "ListMcpResourcesTool";
export const READ_RESOURCE_TOOL = "ReadMcpResourceTool";

/** What the resource tools and `@server:uri` mentions need from the session's MCP manager. */
export interface ResourceSource {
  connected(name: string): McpConnection | undefined;
  connectedNames(): string[];
}

/** One resource as ListMcpResourcesTool reports it. */
interface ListedResource {
  server: string;
  uri: string;
  name?: string;
  mimeType?: string;
  description?: string;
}

function offersResources(connection: McpConnection | undefined): connection is McpConnection {
  return connection?.client.getServerCapabilities()?.resources !== undefined;
}

/** Every resource of one server (all pages). */
async function listResources(server: string, connection: McpConnection): Promise<ListedResource[]> {
  const out: ListedResource[] = [];
  let cursor: string | undefined;
  do {
    const page = await connection.client.listResources(cursor ? { cursor } : undefined);
    for (const r of page.resources) {
      out.push({
        server,
        uri: r.uri,
        ...(r.name ? { name: r.name } : {}),
        ...(r.mimeType ? { mimeType: r.mimeType } : {}),
        ...(r.description ? { description: r.description } : {}),
      });
    }
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/** `resources/read` as a tool result: text inlined under its URI, images passed on, the rest named. */
async function readResource(connection: McpConnection, uri: string, maxTokens: number): Promise<ToolResult> {
  const result = await connection.client.readResource({ uri });
  const blocks: McpContentBlock[] = result.contents.map((c) => ({
    type: "resource",
    resource: c as McpContentBlock["resource"],
  }));
  return toToolResult({ content: blocks }, maxTokens);
}

/**
 * ListMcpResourcesTool and ReadMcpResourceTool, as Claude Code offers them. Both only read from servers
 * the session already started, so the policy treats them like Read (a deny rule naming them stops them).
 */
export function createResourceTools(source: ResourceSource, maxTokens: number): Tool[] {
  const list = defineExternalTool({
    name: LIST_RESOURCES_TOOL,
    description:
      "Lists the resources (files, documents, records) that connected MCP servers offer. Give `server` to list one server's only.",
    inputSchema: {
      type: "object",
      properties: { server: { type: "string", description: "Only this server's resources" } },
      additionalProperties: false,
    },
    readOnly: true,
    summarize: (input) =>
      `list MCP resources${(input as { server?: string }).server ? ` of ${(input as { server: string }).server}` : ""}`,
    run: async (input) => {
      const only = (input as { server?: string }).server;
      const names = only ? [only] : source.connectedNames();
      const found: ListedResource[] = [];
      const problems: string[] = [];
      for (const server of names) {
        const connection = source.connected(server);
        if (!offersResources(connection)) {
          if (only) problems.push(`MCP server "${server}" is not connected or offers no resources`);
          continue;
        }
        try {
          found.push(...(await listResources(server, connection)));
        } catch (err) {
          problems.push(`MCP server "${server}" could not list its resources: ${(err as Error).message}`);
        }
      }
      if (found.length === 0 && problems.length > 0) return { content: problems.join("\n"), isError: true };
      const text = JSON.stringify(found, null, 2);
      return { content: problems.length > 0 ? `${text}\n\n${problems.join("\n")}` : text };
    },
  });
  const read = defineExternalTool({
    name: READ_RESOURCE_TOOL,
    description: "Reads one resource of a connected MCP server by its URI (see ListMcpResourcesTool).",
    inputSchema: {
      type: "object",
      properties: {
        server: { type: "string", description: "The MCP server's name" },
        uri: { type: "string", description: "The resource's URI" },
      },
      required: ["server", "uri"],
      additionalProperties: false,
    },
    readOnly: true,
    summarize: (input) => {
      const { server, uri } = input as { server: string; uri: string };
      return `read ${server}:${uri}`;
    },
    run: async (input) => {
      const { server, uri } = input as { server: string; uri: string };
      const connection = source.connected(server);
      if (!offersResources(connection)) {
        return {
          content: `MCP server "${server}" is not connected or offers no resources (connected: ${source.connectedNames().join(", ") || "none"}).`,
          isError: true,
        };
      }
      try {
        return await readResource(connection, uri, maxTokens);
      } catch (err) {
        return {
          content: `MCP server "${server}" could not read ${uri}: ${(err as Error).message}`,
          isError: true,
        };
      }
    },
  });
  return [list, read];
}

// `@server:scheme://path` — the server name as `mcp add` allows it, then a URI with a scheme.
const MENTION = /(^|\s)@([A-Za-z0-9_-]+):([A-Za-z][A-Za-z0-9+.-]*:\S+)/g;

/** The `@server:uri` mentions in a prompt that name a connected server (others are left as text). */
export function resourceMentions(
  prompt: string,
  servers: readonly string[],
): { server: string; uri: string }[] {
  const known = new Set(servers);
  const seen = new Set<string>();
  const out: { server: string; uri: string }[] = [];
  for (const m of prompt.matchAll(MENTION)) {
    const server = m[2] as string;
    // A sentence may end right after the mention: `read @docs:file:///a.md.` — the dot is not the URI's.
    const uri = (m[3] as string).replace(/[.,;:!?)\]]+$/, "");
    const key = `${server}\n${uri}`;
    if (!known.has(server) || seen.has(key)) continue;
    seen.add(key);
    out.push({ server, uri });
  }
  return out;
}

/**
 * The prompt with each `@server:uri` resource it mentions attached after it (Claude Code's mention
 * syntax). A mention of a connected server whose read fails is a UsageError: the user asked for it.
 */
export async function attachResourceMentions(
  source: ResourceSource,
  prompt: string,
  maxTokens: number,
): Promise<string> {
  const mentions = resourceMentions(prompt, source.connectedNames());
  if (mentions.length === 0) return prompt;
  const attached: string[] = [];
  for (const { server, uri } of mentions) {
    const connection = source.connected(server);
    let result: ToolResult;
    try {
      if (!offersResources(connection)) throw new Error("it offers no resources");
      result = await readResource(connection, uri, maxTokens);
    } catch (err) {
      throw new UsageError(
        `@${server}:${uri} could not be read: ${(err as Error).message}`,
        `list what "${server}" offers with the ListMcpResourcesTool (ask the model), or fix the URI`,
      );
    }
    const text = typeof result.content === "string" ? result.content : "";
    const images = result.images?.length
      ? `\n[${result.images.length} image(s) in this resource omitted]`
      : "";
    attached.push(`<mcp-resource server="${server}" uri="${uri}">\n${text}${images}\n</mcp-resource>`);
  }
  return `${prompt}\n\n${attached.join("\n\n")}`;
}
