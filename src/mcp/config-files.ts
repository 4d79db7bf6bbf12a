import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { readJsonObject } from "../config/json-file.js";
import {
  findProjectSettingsDir,
  LOCAL_SETTINGS_FILE,
  QUARRY_DIR,
  SETTINGS_FILE,
} from "../config/locations.js";
import { UsageError } from "../runtime/errors.js";
import { type McpScope, type McpServerEntry, parseServerConfig } from "./server-config.js";

/** The project file Claude Code and Quarry both read. */
export const PROJECT_MCP_FILE = ".mcp.json";
/** The flag that names the config for one run; its servers show as scope `dynamic`. */
export const MCP_CONFIG_FLAG = "--mcp-config";

/** The settings files MCP servers live in, one per scope (docs/mcp.md#scopes). */
export interface McpConfigPaths {
  /** `<user config dir>/settings.json`. */
  readonly user: string;
  /** The project's `.quarry/settings.local.json` (personal, uncommitted). */
  readonly local: string;
  /** The project's `.quarry/settings.json`: read for the approval keys only. */
  readonly projectSettings: string;
  /** `.mcp.json`: the nearest one from the working folder up to the project root, else at the root. */
  readonly project: string;
}

/** Where each scope's file is for a working folder; files need not exist (`quarry mcp add` creates them). */
export function mcpConfigPaths(o: {
  cwd: string;
  projectRoot: string;
  home: string;
  userConfigDir: string;
}): McpConfigPaths {
  const settingsDir = findProjectSettingsDir(o.cwd, o.home) ?? join(o.projectRoot, QUARRY_DIR);
  return {
    user: join(o.userConfigDir, SETTINGS_FILE),
    local: join(settingsDir, LOCAL_SETTINGS_FILE),
    projectSettings: join(settingsDir, SETTINGS_FILE),
    project: findProjectMcpFile(o.cwd, o.projectRoot) ?? join(o.projectRoot, PROJECT_MCP_FILE),
  };
}

function findProjectMcpFile(cwd: string, projectRoot: string): string | undefined {
  const root = resolve(projectRoot);
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const candidate = join(dir, PROJECT_MCP_FILE);
    if (existsSync(candidate)) return candidate;
    if (dir === root || dirname(dir) === dir) return undefined;
  }
}

/** Claude Code's approval keys for `.mcp.json` servers, merged from the settings files. */
export interface ProjectApproval {
  readonly enableAll: boolean;
  readonly enabled: readonly string[];
  readonly disabled: readonly string[];
}

/** Every declared server (one per name, the highest scope winning), the approval keys, and what was wrong. */
export interface LoadedMcpConfig {
  readonly servers: McpServerEntry[];
  readonly approval: ProjectApproval;
  readonly warnings: string[];
}

/** What loadMcpConfig reads: the scope files, and the `--mcp-config` values given for this run. */
export interface McpConfigInputs {
  readonly paths: McpConfigPaths;
  readonly home: string;
  readonly cwd: string;
  /** `--mcp-config` values: files or JSON strings, later ones winning. */
  readonly flagConfigs?: readonly string[];
  /** `--strict-mcp-config`: only the `--mcp-config` servers, none from files. */
  readonly strict?: boolean;
}

/**
 * Loads the servers of every scope. Same name in several places: `--mcp-config` beats local, local beats
 * project (`.mcp.json`), project beats user — Claude Code's order. A broken file or entry is a warning (the
 * run goes on without it); a broken `--mcp-config` value is a UsageError, since the user typed it.
 */
export function loadMcpConfig(inputs: McpConfigInputs): LoadedMcpConfig {
  const warnings: string[] = [];
  const byName = new Map<string, McpServerEntry>();
  const add = (entries: McpServerEntry[]) => {
    for (const e of entries) byName.set(e.name, e);
  };
  const { paths } = inputs;
  const settings = [paths.user, paths.projectSettings, paths.local].map((path) => ({
    path,
    data: readSettingsObject(path, inputs.home, warnings),
  }));
  if (!inputs.strict) {
    const [user, , local] = settings;
    add(serversIn(user!.data, "user", paths.user, warnings));
    add(
      serversIn(readSettingsObject(paths.project, inputs.home, warnings), "project", paths.project, warnings),
    );
    add(serversIn(local!.data, "local", paths.local, warnings));
  }
  for (const value of inputs.flagConfigs ?? []) add(flagServers(value, inputs.cwd));
  return { servers: [...byName.values()], approval: mergeApproval(settings, warnings), warnings };
}

function readSettingsObject(
  path: string,
  home: string,
  warnings: string[],
): Readonly<Record<string, unknown>> | undefined {
  try {
    return readJsonObject(path, home)?.data;
  } catch (err) {
    warnings.push(`${(err as Error).message}; its MCP servers are not loaded`);
    return undefined;
  }
}

function serversIn(
  data: Readonly<Record<string, unknown>> | undefined,
  scope: McpScope,
  origin: string,
  warnings: string[],
): McpServerEntry[] {
  const servers = data?.mcpServers;
  if (servers === undefined) return [];
  if (typeof servers !== "object" || servers === null || Array.isArray(servers)) {
    warnings.push(`${origin}: "mcpServers" must be an object keyed by server name; it is ignored`);
    return [];
  }
  const entries: McpServerEntry[] = [];
  for (const [name, value] of Object.entries(servers)) {
    const parsed = parseServerConfig(name, value);
    if (parsed.ok) entries.push({ name, scope, origin, config: parsed.config });
    else warnings.push(`${origin}: MCP ${parsed.error}; that server is not started`);
  }
  return entries;
}

/** One `--mcp-config` value: JSON text when it starts with `{`, else a file path. */
function flagServers(value: string, cwd: string): McpServerEntry[] {
  const inline = value.trimStart().startsWith("{");
  const origin = inline ? MCP_CONFIG_FLAG : resolve(cwd, value);
  let text = value;
  if (!inline) {
    try {
      text = readFileSync(origin, "utf8");
    } catch {
      throw new UsageError(
        `${MCP_CONFIG_FLAG} ${JSON.stringify(value)}: no such file, and it is not JSON.`,
        `pass a file holding {"mcpServers": {…}} or the JSON itself; if this was your prompt, put it before ${MCP_CONFIG_FLAG} (the flag takes every word after it)`,
      );
    }
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new UsageError(
      `${MCP_CONFIG_FLAG} ${inline ? "value" : origin} is not valid JSON: ${(err as Error).message}`,
      'write it as {"mcpServers": {"name": {"command": "…", "args": []}}}',
    );
  }
  const servers = (data as { mcpServers?: unknown } | null)?.mcpServers;
  if (typeof servers !== "object" || servers === null || Array.isArray(servers)) {
    throw new UsageError(
      `${MCP_CONFIG_FLAG} ${inline ? "value" : origin} has no "mcpServers" object.`,
      'write it as {"mcpServers": {"name": {"command": "…", "args": []}}}',
    );
  }
  return Object.entries(servers).map(([name, config]) => {
    const parsed = parseServerConfig(name, config);
    if (!parsed.ok) throw new UsageError(`${MCP_CONFIG_FLAG}: ${parsed.error}`);
    return { name, scope: "dynamic" as const, origin, config: parsed.config };
  });
}

/** Files come lowest first (user, project, local): the last to set `enableAll…` decides; lists are unioned. */
function mergeApproval(
  files: { path: string; data: Readonly<Record<string, unknown>> | undefined }[],
  warnings: string[],
): ProjectApproval {
  let enableAll = false;
  const enabled = new Set<string>();
  const disabled = new Set<string>();
  for (const { path, data } of files) {
    if (data === undefined) continue;
    const all = data.enableAllProjectMcpServers;
    if (all !== undefined) {
      if (typeof all === "boolean") enableAll = all;
      else warnings.push(`${path}: "enableAllProjectMcpServers" must be true or false; it is ignored`);
    }
    for (const [key, set] of [
      ["enabledMcpjsonServers", enabled],
      ["disabledMcpjsonServers", disabled],
    ] as const) {
      const list = data[key];
      if (list === undefined) continue;
      if (!Array.isArray(list) || list.some((n) => typeof n !== "string")) {
        warnings.push(`${path}: "${key}" must be an array of server names; it is ignored`);
        continue;
      }
      for (const name of list as string[]) set.add(name);
    }
  }
  return { enableAll, enabled: [...enabled], disabled: [...disabled] };
}
