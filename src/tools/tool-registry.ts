import { z } from "zod";
import type { ToolDefinition } from "../model/types.js";
import type { Tool } from "./types.js";

/**
 * The tools of one running session, by name. Tools can be added and removed while the session runs (an MCP
 * server connects or goes away, a nested agent gets a narrower set); the next model turn sees the change.
 */
export class ToolRegistry {
  private readonly tools = new Map<string, Tool>();
  private readonly definitionCache = new Map<string, ToolDefinition>();

  constructor(tools: readonly Tool[] = []) {
    for (const tool of tools) this.add(tool);
  }

  /** Adds a tool; a name already registered is refused (remove it first), so two sources never collide. */
  add(tool: Tool): void {
    if (this.tools.has(tool.name)) {
      throw new Error(`A tool named "${tool.name}" is already registered; remove it before adding another.`);
    }
    this.tools.set(tool.name, tool);
  }

  /** Removes a tool by name; true when it was there. */
  remove(name: string): boolean {
    this.definitionCache.delete(name);
    return this.tools.delete(name);
  }

  get(name: string): Tool | undefined {
    return this.tools.get(name);
  }

  has(name: string): boolean {
    return this.tools.has(name);
  }

  /** The tools in the order they were added (the order the model sees them). */
  list(): Tool[] {
    return [...this.tools.values()];
  }

  names(): string[] {
    return [...this.tools.keys()];
  }

  /** A registry holding only the named tools that exist here (a nested agent's narrower set). */
  subset(names: readonly string[]): ToolRegistry {
    return new ToolRegistry(names.flatMap((n) => (this.tools.has(n) ? [this.tools.get(n)!] : [])));
  }

  /** The Messages API tool definitions, computed once per tool. */
  definitions(): ToolDefinition[] {
    return this.list().map((tool) => {
      let d = this.definitionCache.get(tool.name);
      if (!d) {
        d = toolDefinition(tool);
        this.definitionCache.set(tool.name, d);
      }
      return d;
    });
  }
}

/** One tool's API definition: its own JSON Schema when it has one (external tools), else derived from zod. */
export function toolDefinition(tool: Tool): ToolDefinition {
  if (tool.inputJsonSchema) {
    return { name: tool.name, description: tool.description, input_schema: tool.inputJsonSchema };
  }
  // io: "input" so optional fields with defaults are not listed as required.
  const { $schema: _ignored, ...schema } = z.toJSONSchema(tool.inputSchema, { io: "input" }) as Record<
    string,
    unknown
  >;
  return { name: tool.name, description: tool.description, input_schema: schema };
}
