import type { PermissionDecision, PermissionMode, PermissionRequest } from "../permissions/types.js";
import type { ToolRegistry } from "../tools/tool-registry.js";
import { loadMcpConfig, mcpConfigPaths } from "./config-files.js";
import { maxOutputTokens } from "./content.js";
import { McpManager } from "./manager.js";
import { mcpAuthDir } from "./oauth-store.js";
import { decideMcpCall } from "./permissions.js";
import { gateProjectServers } from "./trust-gate.js";

export type { McpServerStatus } from "./manager.js";
export { McpManager } from "./manager.js";

/** Claude Code's knobs: start-up and per-call time limits, in milliseconds. */
export const MCP_TIMEOUT_ENV = "MCP_TIMEOUT";
export const MCP_TOOL_TIMEOUT_ENV = "MCP_TOOL_TIMEOUT";
const DEFAULT_STARTUP_TIMEOUT_MS = 30_000;

/** What a session's MCP start-up needs to know. */
export interface McpSessionInputs {
  cwd: string;
  projectRoot: string;
  env: NodeJS.ProcessEnv;
  home: string;
  userConfigDir: string;
  /** `--mcp-config` values. */
  flagConfigs?: readonly string[];
  strict?: boolean;
  /** Whether the project folder is trusted: its `.mcp.json` servers start only then. */
  trusted: boolean;
  registry: ToolRegistry;
  /** Mid-session warnings (a server died). */
  notify(message: string): void;
}

/**
 * Loads MCP config and gates project servers on trust, without starting anything: a bad `--mcp-config`
 * throws here, before any network call. `manager.start()` then connects the servers in parallel (at most
 * MCP_TIMEOUT) and registers their tools; every failure from there on is a warning.
 */
export function prepareMcp(o: McpSessionInputs): { manager: McpManager; warnings: string[] } {
  const paths = mcpConfigPaths(o);
  const loaded = loadMcpConfig({
    paths,
    home: o.home,
    cwd: o.cwd,
    flagConfigs: o.flagConfigs,
    strict: o.strict,
  });
  const warnings = [...loaded.warnings];
  const gate = gateProjectServers(loaded.servers, {
    trusted: o.trusted,
    approval: loaded.approval,
    folder: o.projectRoot,
  });
  const manager = new McpManager({
    start: gate.start,
    skipped: gate.skipped,
    registry: o.registry,
    env: o.env,
    cwd: o.cwd,
    timeoutMs: millis(o.env, MCP_TIMEOUT_ENV, warnings) ?? DEFAULT_STARTUP_TIMEOUT_MS,
    toolTimeoutMs: millis(o.env, MCP_TOOL_TIMEOUT_ENV, warnings),
    maxOutputTokens: maxOutputTokens(o.env, warnings),
    authDir: mcpAuthDir(o.userConfigDir),
    notify: o.notify,
  });
  return { manager, warnings };
}

/** The session's permission decision with MCP tools judged by decideMcpCall (docs/security/mcp.md). */
export function withMcpPermissions(
  manager: McpManager | undefined,
  policy: { mode: PermissionMode; decide(request: PermissionRequest): PermissionDecision },
): (request: PermissionRequest) => PermissionDecision {
  return (request) => {
    const hints = manager?.toolHints(request.tool);
    return hints ? decideMcpCall(request, hints, policy) : policy.decide(request);
  };
}

function millis(env: NodeJS.ProcessEnv, name: string, warnings: string[]): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const n = Number(raw);
  if (Number.isFinite(n) && n > 0) return n;
  warnings.push(`${name}=${raw} is not a positive number of milliseconds; using the default`);
  return undefined;
}
