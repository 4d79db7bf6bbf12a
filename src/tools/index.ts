export { atomicWriteFile } from "./atomic-write.js";
export { createToolContext, type ToolContextOptions } from "./context.js";
export { defineExternalTool, type ExternalToolSpec } from "./external.js";
export { type FileSnapshot, FileStateTracker, hashBytes } from "./file-state.js";
export type { GrepEngine } from "./grep.js";
export { PersistentShell } from "./persistent-shell.js";
export { createToolRegistry, runToolCall, type ToolRegistryOptions, toolDefinitions } from "./registry.js";
export { type TodoItem, TodoStore } from "./todo-store.js";
export { ToolRegistry, toolDefinition } from "./tool-registry.js";
export type {
  Tool,
  ToolContext,
  ToolDisplay,
  ToolOptions,
  ToolPermissionTarget,
  ToolResult,
} from "./types.js";
