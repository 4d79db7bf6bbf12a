import { isRemote, type McpServerConfig } from "./server-config.js";

/** A `${VAR}` with no value and no default: the server cannot start until it is set. */
export class MissingVariableError extends Error {
  constructor(readonly names: readonly string[]) {
    super(
      `needs environment variable${names.length > 1 ? "s" : ""} ${names.join(", ")}, which ${
        names.length > 1 ? "are" : "is"
      } not set; set ${names.length > 1 ? "them" : "it"} or write \${${names[0]}:-default} in the config`,
    );
    this.name = "MissingVariableError";
  }
}

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** Replaces `${VAR}` and `${VAR:-default}` in one string (Claude Code's syntax); unset names are collected. */
export function expandString(text: string, env: NodeJS.ProcessEnv, missing: Set<string>): string {
  return text.replace(REFERENCE, (_match, name: string, fallback: string | undefined) => {
    const value = env[name];
    if (value !== undefined && value !== "") return value;
    if (fallback !== undefined) return fallback;
    missing.add(name);
    return "";
  });
}

/**
 * Expands variables in the fields Claude Code expands: command, args, env, url and headers. Throws
 * MissingVariableError naming every unset variable that has no default.
 */
export function expandServerConfig(config: McpServerConfig, env: NodeJS.ProcessEnv): McpServerConfig {
  const missing = new Set<string>();
  const one = (s: string) => expandString(s, env, missing);
  const map = (m: Record<string, string> | undefined) =>
    m === undefined ? undefined : Object.fromEntries(Object.entries(m).map(([k, v]) => [k, one(v)]));
  let expanded: McpServerConfig;
  if (isRemote(config)) {
    expanded = { ...config, url: one(config.url), headers: map(config.headers) };
  } else {
    expanded = {
      ...config,
      command: one(config.command),
      args: config.args?.map(one),
      env: map(config.env),
      cwd: config.cwd === undefined ? undefined : one(config.cwd),
    };
  }
  if (missing.size > 0) throw new MissingVariableError([...missing]);
  return expanded;
}
