import { mkdirSync, mkdtempSync, realpathSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createToolContext } from "../../src/tools/context.js";
import { createToolRegistry, runToolCall, type ToolRegistryOptions } from "../../src/tools/registry.js";
import type { ToolContext, ToolResult } from "../../src/tools/types.js";

/** A temp project for tool tests: real files, a real context, the real registry. Test support only. */
export interface Workspace {
  dir: string;
  ctx: ToolContext;
  /** Runs a tool through the registry, as the agent loop does (optionally with its own abort signal). */
  call(name: string, input: unknown, signal?: AbortSignal): Promise<ToolResult>;
  /** Writes files (parents created); an optional mtime in seconds since the epoch. */
  write(path: string, content: string | Buffer, mtimeSeconds?: number): string;
  cleanup(): void;
}

/** Creates a workspace in a fresh mkdtemp directory (realpath'd, so paths compare equal). */
export function createWorkspace(options: Omit<ToolRegistryOptions, "cwd"> = {}): Workspace {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "quarry-tools-")));
  const ctx = createToolContext({ cwd: dir });
  const tools = createToolRegistry({ ...options, cwd: dir });
  return {
    dir,
    ctx,
    call: (name, input, signal) => runToolCall(tools, name, input, signal ? { ...ctx, signal } : ctx),
    write(path, content, mtimeSeconds) {
      const abs = join(dir, path);
      mkdirSync(dirname(abs), { recursive: true });
      writeFileSync(abs, content);
      if (mtimeSeconds !== undefined) utimesSync(abs, mtimeSeconds, mtimeSeconds);
      return abs;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
