import { randomUUID } from "node:crypto";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import {
  CallToolRequestSchema,
  type CallToolResult,
  ListToolsRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";
import type { ToolResultBlock } from "../model/types.js";
import type { SessionConfig } from "../runtime/config.js";
import { openSession, type Session } from "../runtime/session.js";
import type { AskPermission, PermissionAnswer } from "../runtime/tool-pipeline.js";

/** What the MCP client is told when a call needs an answer it cannot give (no elicitation support). */
function refusal(tool: string, reason: string): PermissionAnswer {
  return {
    behavior: "deny",
    reason:
      `${reason}. This MCP client cannot answer permission questions, so Quarry refused; start ` +
      `\`quarry mcp serve\` with --allowedTools "${tool}" (or a --permission-mode) to allow it.`,
  };
}

/**
 * Asks the person behind the MCP client through elicitation (`elicitation/create`) when the client
 * offers it; otherwise every "ask" is refused, as in print mode (docs/mcp.md#quarry-as-an-mcp-server).
 */
function askThroughClient(server: Server): AskPermission {
  return async (question) => {
    if (!server.getClientCapabilities()?.elicitation) return refusal(question.tool, question.reason);
    try {
      const answer = await server.elicitInput({
        message: `Quarry wants to ${question.summary}. ${question.reason}. Allow it?`,
        requestedSchema: {
          type: "object",
          properties: { allow: { type: "boolean", title: "Allow this call" } },
          required: ["allow"],
        },
      });
      const allowed = answer.action === "accept" && answer.content?.allow === true;
      return allowed
        ? { behavior: "allow", reason: "allowed by the MCP client's user" }
        : { behavior: "deny", reason: "the MCP client's user declined" };
    } catch (err) {
      return refusal(question.tool, `asking the MCP client failed (${(err as Error).message})`);
    }
  };
}

/** A tool result block as MCP content: text as a text block, images as image blocks. */
export function toMcpResult(block: ToolResultBlock): CallToolResult {
  const parts =
    typeof block.content === "string" ? [{ type: "text" as const, text: block.content }] : block.content;
  return {
    content: parts.map((part) =>
      part.type === "text"
        ? { type: "text" as const, text: part.text }
        : { type: "image" as const, data: part.source.data, mimeType: part.source.media_type },
    ),
    ...(block.is_error ? { isError: true } : {}),
  };
}

/** Runs one call through the session's tool pipeline (validation, hooks, permissions, scrubbing). */
async function runThroughPipeline(
  session: Session,
  name: string,
  input: unknown,
  signal: AbortSignal,
): Promise<CallToolResult> {
  const run = session.pipeline.run({ type: "tool_use", id: `mcp_${randomUUID()}`, name, input }, signal);
  for (;;) {
    const next = await run.next();
    if (next.done) return toMcpResult(next.value.block);
  }
}

/**
 * `quarry mcp serve`: Quarry's tools over stdio for another MCP client (as `claude mcp serve` does). Every
 * call goes through the same pipeline as the model's: the session's permission rules and mode, hooks,
 * the sandbox and secret scrubbing. Resolves when the client disconnects.
 */
export async function serveMcp(config: SessionConfig, version: string): Promise<void> {
  const server = new Server({ name: "quarry", version }, { capabilities: { tools: {} } });
  const session = await openSession(config, { ask: askThroughClient(server) });
  // stdout is the protocol's; start-up warnings (an ignored setting, a server that did not start) go to stderr.
  for (const w of session.warnings) process.stderr.write(`quarry: warning: ${w}\n`);
  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: session.registry.definitions().map((d) => ({
      name: d.name,
      description: d.description,
      inputSchema: d.input_schema as { type: "object"; [k: string]: unknown },
    })),
  }));
  server.setRequestHandler(CallToolRequestSchema, (request, extra) =>
    runThroughPipeline(session, request.params.name, request.params.arguments ?? {}, extra.signal),
  );
  const closed = new Promise<void>((resolve) => {
    server.onclose = () => resolve();
  });
  await server.connect(new StdioServerTransport());
  await closed;
  await session.close();
}
