import { homedir } from "node:os";
import { findRepoRoot } from "../agent/memory.js";
import { userConfigDir } from "../config/locations.js";
import { loadMcpConfig, type McpConfigPaths, mcpConfigPaths } from "./config-files.js";
import {
  scopeFile,
  serversInFile,
  WRITABLE_SCOPES,
  type WritableScope,
  writeServer,
} from "./config-write.js";
import { expandServerConfig } from "./expand.js";
import { authFile, forgetStoredAuth, mcpAuthDir } from "./oauth-store.js";
import { isRemote, type McpServerConfig, parseServerConfig } from "./server-config.js";

/** Where output goes; tests pass their own. */
export interface Io {
  out(line: string): void;
  err(line: string): void;
  cwd: string;
  env: NodeJS.ProcessEnv;
  home: string;
}

const processIo = (): Io => ({
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`quarry: ${l}\n`),
  cwd: process.cwd(),
  env: process.env,
  home: homedir(),
});

function pathsFor(io: Io): McpConfigPaths {
  const projectRoot = findRepoRoot(io.cwd) ?? io.cwd;
  const userDir = userConfigDir(io.env, io.home, io.cwd).value;
  return mcpConfigPaths({ cwd: io.cwd, projectRoot, home: io.home, userConfigDir: userDir });
}

function scopeOf(value: unknown, io: Io): WritableScope | undefined {
  const scope = (value ?? "local") as WritableScope;
  if (WRITABLE_SCOPES.includes(scope)) return scope;
  io.err(`--scope must be one of ${WRITABLE_SCOPES.join(", ")} (got "${String(value)}")`);
  return undefined;
}

function save(name: string, raw: unknown, scopeFlag: unknown, io: Io): number {
  const scope = scopeOf(scopeFlag, io);
  if (!scope) return 2;
  const parsed = parseServerConfig(name, raw);
  if (!parsed.ok) {
    io.err(parsed.error);
    return 2;
  }
  const file = scopeFile(pathsFor(io), scope);
  const existed = name in serversInFile(file);
  writeServer(file, name, parsed.config);
  io.out(
    `${existed ? "Replaced" : "Added"} MCP server "${name}" (${describe(parsed.config)}) in ${scope} scope: ${file}`,
  );
  if (scope === "project") {
    io.out("Project servers start only in trusted folders (docs/security/mcp.md).");
  }
  return 0;
}

/** `quarry mcp add NAME COMMAND [ARGS…]` or `--transport http|sse NAME URL`. */
export function mcpAdd(
  name: string,
  target: string,
  args: string[],
  opts: Record<string, unknown>,
  io: Io = processIo(),
): number {
  const transport = (opts.transport ?? "stdio") as string;
  if (!["stdio", "http", "sse"].includes(transport)) {
    io.err(`--transport must be stdio, http or sse (got "${transport}")`);
    return 2;
  }
  if (transport === "stdio") {
    const env: Record<string, string> = {};
    for (const pair of (opts.env as string[] | undefined) ?? []) {
      const eq = pair.indexOf("=");
      if (eq <= 0) {
        io.err(`--env takes KEY=value (got "${pair}")`);
        return 2;
      }
      env[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
    const config = { command: target, args, ...(Object.keys(env).length ? { env } : {}) };
    return save(name, config, opts.scope, io);
  }
  if (args.length > 0) {
    io.err(`an ${transport} server takes a URL only; unexpected: ${args.join(" ")}`);
    return 2;
  }
  const headers: Record<string, string> = {};
  for (const h of (opts.header as string[] | undefined) ?? []) {
    const colon = h.indexOf(":");
    if (colon <= 0) {
      io.err(`--header takes "Name: value" (got "${h}")`);
      return 2;
    }
    headers[h.slice(0, colon).trim()] = h.slice(colon + 1).trim();
  }
  const config = { type: transport, url: target, ...(Object.keys(headers).length ? { headers } : {}) };
  return save(name, config, opts.scope, io);
}

/** `quarry mcp add-json NAME JSON`. */
export function mcpAddJson(
  name: string,
  json: string,
  opts: Record<string, unknown>,
  io: Io = processIo(),
): number {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (err) {
    io.err(`the server config is not valid JSON: ${(err as Error).message}`);
    return 2;
  }
  return save(name, raw, opts.scope, io);
}

/** `quarry mcp list`: every configured server, highest scope first, without starting any. */
export function mcpList(io: Io = processIo()): number {
  const loaded = loadMcpConfig({ paths: pathsFor(io), home: io.home, cwd: io.cwd });
  for (const w of loaded.warnings) io.err(`warning: ${w}`);
  if (loaded.servers.length === 0) {
    io.out("No MCP servers configured. Add one with: quarry mcp add NAME -- COMMAND [ARGS…]");
    return 0;
  }
  for (const s of loaded.servers) io.out(`${s.name}: ${describe(s.config)} (${s.scope}: ${s.origin})`);
  return 0;
}

/** `quarry mcp get NAME`. */
export function mcpGet(name: string, io: Io = processIo()): number {
  const loaded = loadMcpConfig({ paths: pathsFor(io), home: io.home, cwd: io.cwd });
  const server = loaded.servers.find((s) => s.name === name);
  if (!server) {
    io.err(`no MCP server named "${name}"; \`quarry mcp list\` shows the configured ones`);
    return 1;
  }
  io.out(`${name}:`);
  io.out(`  Scope: ${server.scope} (${server.origin})`);
  io.out(`  Type: ${isRemote(server.config) ? server.config.type : "stdio"}`);
  io.out(`  Config: ${JSON.stringify(server.config)}`);
  return 0;
}

/** `quarry mcp remove NAME [--scope S]`: from the one scope that has it, or the one named. */
export function mcpRemove(name: string, opts: Record<string, unknown>, io: Io = processIo()): number {
  const paths = pathsFor(io);
  const one = opts.scope === undefined ? undefined : scopeOf(opts.scope, io);
  if (opts.scope !== undefined && one === undefined) return 2;
  const scopes = one === undefined ? WRITABLE_SCOPES : [one];
  const holding = scopes.filter((s) => name in serversInFile(scopeFile(paths, s)));
  if (holding.length === 0) {
    io.err(
      `no MCP server named "${name}"${opts.scope ? ` in ${String(opts.scope)} scope` : ""}; \`quarry mcp list\` shows the configured ones`,
    );
    return 1;
  }
  if (holding.length > 1) {
    io.err(`"${name}" is in several scopes (${holding.join(", ")}); say which with --scope`);
    return 2;
  }
  const file = scopeFile(paths, holding[0]!);
  writeServer(file, name, undefined);
  io.out(`Removed MCP server "${name}" from ${holding[0]} scope: ${file}`);
  return 0;
}

/** `quarry mcp auth NAME [--logout]`: sign in to a remote server (OAuth), or forget its sign-in. */
export async function mcpAuth(
  name: string,
  opts: Record<string, unknown>,
  io: Io = processIo(),
): Promise<number> {
  const loaded = loadMcpConfig({ paths: pathsFor(io), home: io.home, cwd: io.cwd });
  const server = loaded.servers.find((s) => s.name === name);
  if (!server) {
    io.err(`no MCP server named "${name}"; \`quarry mcp list\` shows the configured ones`);
    return 1;
  }
  if (!isRemote(server.config)) {
    io.err(`MCP server "${name}" runs as a command (stdio); only http and sse servers sign in`);
    return 2;
  }
  let config: McpServerConfig;
  try {
    config = expandServerConfig(server.config, io.env);
  } catch (err) {
    io.err(`MCP server "${name}": ${(err as Error).message}`);
    return 2;
  }
  if (!isRemote(config)) return 2;
  const dir = mcpAuthDir(userConfigDir(io.env, io.home, io.cwd).value);
  if (opts.logout) {
    const removed = forgetStoredAuth(authFile(dir, name, config.url));
    io.out(removed ? `Signed out of MCP server "${name}".` : `MCP server "${name}" had no stored sign-in.`);
    return 0;
  }
  const { signIn } = await import("./oauth-login.js");
  return signIn({ name, config, dir, cwd: io.cwd, out: io.out, err: io.err });
}

function describe(config: McpServerConfig): string {
  return isRemote(config)
    ? `${config.type} ${config.url}`
    : [config.command, ...(config.args ?? [])].join(" ");
}
