import { z } from "zod";
import type { Tool, ToolContext, ToolPermissionTarget, ToolResult } from "./types.js";

/** A tool defined outside Quarry (an MCP server's tool, a test double) by a JSON Schema and a run function. */
export interface ExternalToolSpec {
  name: string;
  description: string;
  /** The tool's JSON Schema for its input, passed to the model unchanged. */
  inputSchema: Record<string, unknown>;
  /** Defaults to false: an external tool may do anything, so it runs alone and is permission-checked. */
  readOnly?: boolean;
  summarize?(input: unknown): string;
  run(input: unknown, ctx: ToolContext): Promise<ToolResult>;
}

/**
 * Wraps an external tool in the one tool contract: its JSON Schema is what the model sees, and a zod schema
 * built from it validates the model's input in the pipeline like any built-in tool's.
 */
export function defineExternalTool(spec: ExternalToolSpec): Tool<unknown> {
  let validator: z.ZodType<unknown>;
  try {
    validator = z.fromJSONSchema(spec.inputSchema as Parameters<typeof z.fromJSONSchema>[0]);
  } catch (err) {
    throw new Error(
      `Tool "${spec.name}" has an input schema Quarry cannot read (${(err as Error).message}); its provider must send a JSON Schema object.`,
    );
  }
  const target: ToolPermissionTarget = { kind: "none" };
  return {
    name: spec.name,
    description: spec.description,
    inputSchema: validator,
    inputJsonSchema: spec.inputSchema,
    readOnly: spec.readOnly ?? false,
    permissionTarget: () => target,
    summarize: (input) => spec.summarize?.(input) ?? spec.name,
    run: (input, ctx) => spec.run(input, ctx),
  };
}
