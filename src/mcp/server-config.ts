import { z } from "zod";

/**
 * One MCP server as Claude Code's `.mcp.json` writes it (docs/mcp.md#configuration). A stdio server is
 * `command` + `args` (`type` optional); remote servers are `{"type": "http" | "sse", "url": …}`. Unknown
 * fields are kept and ignored so a file written for Claude Code (with `oauth`, say) still loads.
 */
const stringMap = z.record(z.string(), z.string());

const stdioSchema = z.looseObject({
  type: z.literal("stdio").optional(),
  command: z.string().trim().min(1, "command must not be empty"),
  args: z.array(z.string()).optional(),
  env: stringMap.optional(),
  cwd: z.string().optional(),
});

const remoteSchema = z.looseObject({
  type: z.enum(["http", "sse"]),
  url: z.string().min(1, "url must not be empty"),
  headers: stringMap.optional(),
});

/** A stdio server: a command Quarry starts and talks to over stdin/stdout. */
export interface McpStdioConfig {
  type?: "stdio";
  command: string;
  args?: string[];
  env?: Record<string, string>;
  cwd?: string;
}

/** A remote server: Streamable HTTP (`http`) or the legacy SSE transport (`sse`). */
export interface McpRemoteConfig {
  type: "http" | "sse";
  url: string;
  headers?: Record<string, string>;
}

/** A server's config as written; `${VAR}` references are still unexpanded. */
export type McpServerConfig = McpStdioConfig | McpRemoteConfig;

/** The transport a server uses. */
export type McpTransportKind = "stdio" | "http" | "sse";

/** Where a server was declared; `dynamic` is `--mcp-config` (Claude Code's name in the init event). */
export type McpScope = "user" | "local" | "project" | "dynamic";

/** A declared server: its name, scope, the file (or flag) it came from, and its config. */
export interface McpServerEntry {
  readonly name: string;
  readonly scope: McpScope;
  /** The file path, or `--mcp-config` for an inline JSON value. */
  readonly origin: string;
  readonly config: McpServerConfig;
}

/** Whether a config is a remote (HTTP or SSE) server. */
export function isRemote(config: McpServerConfig): config is McpRemoteConfig {
  return config.type === "http" || config.type === "sse";
}

/** The transport of a config: `type`, or stdio when only a command is given. */
export function transportOf(config: McpServerConfig): McpTransportKind {
  return isRemote(config) ? config.type : "stdio";
}

/** Checks one server's config; the error says which field is wrong and what a valid entry looks like. */
export function parseServerConfig(
  name: string,
  value: unknown,
): { ok: true; config: McpServerConfig } | { ok: false; error: string } {
  if (!/^[A-Za-z0-9_-]+$/.test(name)) {
    return {
      ok: false,
      error: `server name "${name}" may only use letters, digits, "_" and "-" (it becomes part of tool names mcp__${name}__…)`,
    };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, error: `server "${name}" must be an object such as ${EXAMPLE}` };
  }
  const type = (value as { type?: unknown }).type;
  if (type !== undefined && type !== "stdio" && type !== "http" && type !== "sse") {
    return {
      ok: false,
      error: `server "${name}" has type ${JSON.stringify(type)}; use "stdio" (with command), "http" or "sse" (with url)`,
    };
  }
  const schema = type === "http" || type === "sse" ? remoteSchema : stdioSchema;
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, config: parsed.data as McpServerConfig };
  const issue = parsed.error.issues[0];
  const field = issue?.path.map(String).join(".") || "(entry)";
  const detail = (issue?.message ?? "invalid").replace(/^Invalid input: /, "");
  const hint = type === "http" || type === "sse" ? REMOTE_EXAMPLE : EXAMPLE;
  return { ok: false, error: `server "${name}": "${field}": ${detail}; a valid entry looks like ${hint}` };
}

const EXAMPLE = '{"command": "npx", "args": ["-y", "some-mcp-server"]}';
const REMOTE_EXAMPLE = '{"type": "http", "url": "http://127.0.0.1:3000/mcp"}';
