import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { McpConfigPaths } from "./config-files.js";
import type { McpServerConfig } from "./server-config.js";

/** The scopes `quarry mcp add` writes to (Claude Code's names); `local` is the default, as there. */
export type WritableScope = "local" | "project" | "user";
export const WRITABLE_SCOPES: readonly WritableScope[] = ["local", "project", "user"];

/** The file a scope's servers live in. */
export function scopeFile(paths: McpConfigPaths, scope: WritableScope): string {
  return scope === "project" ? paths.project : scope === "user" ? paths.user : paths.local;
}

function readObject(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw err;
  }
  if (text.trim() === "") return {};
  const data = JSON.parse(text.replace(/^\uFEFF/, "")) as unknown;
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new Error(`${path} does not hold a JSON object; fix or remove it first`);
  }
  return data as Record<string, unknown>;
}

/** The servers in one file, by name. */
export function serversInFile(path: string): Record<string, unknown> {
  const servers = readObject(path).mcpServers;
  return typeof servers === "object" && servers !== null && !Array.isArray(servers)
    ? (servers as Record<string, unknown>)
    : {};
}

/** Adds (or replaces) a server in a file, keeping every other key; written atomically. */
export function writeServer(path: string, name: string, config: McpServerConfig | undefined): void {
  const data = readObject(path);
  const servers = { ...serversInFile(path) };
  if (config === undefined) delete servers[name];
  else servers[name] = config;
  data.mcpServers = servers;
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, path);
}
