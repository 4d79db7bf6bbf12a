import { tmpdir } from "node:os";
import type { PermissionDecision, PermissionRequest } from "../../src/permissions/types.js";
import type { HookRunner } from "../../src/runtime/hooks.js";
import { type AskPermission, ToolPipeline } from "../../src/runtime/tool-pipeline.js";
import { createToolContext } from "../../src/tools/context.js";
import { ToolRegistry } from "../../src/tools/tool-registry.js";
import type { Tool } from "../../src/tools/types.js";

/** A real tool pipeline over the given tools, allowing everything unless told otherwise. */
export function testPipeline(
  tools: readonly Tool[] | ToolRegistry,
  options: {
    decide?: (request: PermissionRequest) => PermissionDecision;
    ask?: AskPermission;
    hooks?: HookRunner;
    scrub?: (text: string) => string;
    cwd?: string;
  } = {},
): ToolPipeline {
  return new ToolPipeline({
    sessionId: "test-session",
    registry: tools instanceof ToolRegistry ? tools : new ToolRegistry(tools),
    context: createToolContext({ cwd: options.cwd ?? tmpdir() }),
    decide: options.decide ?? (() => ({ behavior: "allow", reason: "allowed in this test" })),
    ask: options.ask,
    hooks: options.hooks,
    scrub: options.scrub,
  });
}
