import type { ToolDefinition } from "../model/types.js";
import { createBashTool } from "./bash.js";
import { createEditTool } from "./edit.js";
import { createGlobTool } from "./glob.js";
import { createGrepTool, type GrepEngine } from "./grep.js";
import { describeInputError } from "./input-errors.js";
import { createLsTool } from "./ls.js";
import { createMultiEditTool } from "./multi-edit.js";
import { createReadTool } from "./read.js";
import { createTodoWriteTool } from "./todo-write.js";
import { toolDefinition } from "./tool-registry.js";
import type { Tool, ToolContext, ToolResult } from "./types.js";
import { createWebFetchTool, type WebFetchOptions } from "./web-fetch.js";
import { createWriteTool } from "./write.js";

/** Options for building the tool set. */
export interface ToolRegistryOptions {
  /** Project root used to resolve relative paths in permissionTarget; must match ToolContext.cwd. */
  cwd?: string;
  /** Force a Grep engine (default: ripgrep when installed). */
  grepEngine?: GrepEngine;
  /** The model WebFetch asks about a page (the session's provider, once connected); absent = the page itself. */
  sideModel?: WebFetchOptions["sideModel"];
}

/** Every built-in tool, in the order the model sees them. */
export function createToolRegistry(options: ToolRegistryOptions = {}): Tool[] {
  const base = { cwd: options.cwd ?? process.cwd() };
  return [
    createReadTool(base),
    createWriteTool(base),
    createEditTool(base),
    createMultiEditTool(base),
    createBashTool(),
    createGlobTool(base),
    createGrepTool({ ...base, engine: options.grepEngine }),
    createLsTool(base),
    createTodoWriteTool(),
    createWebFetchTool({ sideModel: options.sideModel }),
  ];
}

/** The Anthropic API's tool definitions: name, description and JSON Schema of the input. */
export function toolDefinitions(tools: readonly Tool[]): ToolDefinition[] {
  return tools.map(toolDefinition);
}

/**
 * Validates and runs one tool call. Never throws: an unknown tool, input the schema rejects, or an exception
 * inside the tool all come back as error results the model can read and react to.
 */
export async function runToolCall(
  tools: readonly Tool[],
  name: string,
  rawInput: unknown,
  ctx: ToolContext,
): Promise<ToolResult> {
  const tool = tools.find((t) => t.name === name);
  if (!tool) {
    return {
      content: `Unknown tool "${name}". Available tools: ${tools.map((t) => t.name).join(", ")}.`,
      isError: true,
    };
  }
  const parsed = tool.inputSchema.safeParse(rawInput);
  if (!parsed.success) return { content: describeInputError(name, parsed.error, rawInput), isError: true };
  try {
    return await tool.run(parsed.data, ctx);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (ctx.signal.aborted)
      return { content: `${name} was interrupted by the user: ${message}`, isError: true };
    return { content: `${name} failed: ${message}`, isError: true };
  }
}
