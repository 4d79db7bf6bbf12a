import { join } from "node:path";
import { ConfigError } from "../../config/errors.js";
import { readJsonObject } from "../../config/json-file.js";
import { claudeSettingsPath } from "../../config/locations.js";

/** Where one Claude Code variable came from. */
export type VarSource = { kind: "shell" } | { kind: "file"; path: string; displayPath: string };

/** A variable as Claude Code will see it, with its source. */
export interface SetupVar {
  value: string;
  source: VarSource;
}

/** Claude Code's configuration as this machine holds it. */
export interface ClaudeCodeSetup {
  /** The effective value of every variable that matters here, after settings-file precedence. */
  vars: Map<string, SetupVar>;
  /** Settings files in precedence order, lowest first, with whether each exists. */
  files: { path: string; displayPath: string; exists: boolean }[];
  /** Files that could not be read (bad JSON…), with the reason. */
  problems: string[];
}

/**
 * The settings files whose `env` block Claude Code applies, lowest precedence first: the user's
 * ~/.claude/settings.json, the project's .claude/settings.json, then .claude/settings.local.json
 * (docs/claude-code-observed.md, "Where settings come from").
 */
export function settingsFiles(env: NodeJS.ProcessEnv, home: string, cwd: string): string[] {
  return [
    claudeSettingsPath(env, home, cwd),
    join(cwd, ".claude", "settings.json"),
    join(cwd, ".claude", "settings.local.json"),
  ];
}

/** Reads the shell environment and each settings file's `env` block; later files override earlier ones. */
export function readClaudeCodeSetup(env: NodeJS.ProcessEnv, home: string, cwd: string): ClaudeCodeSetup {
  const vars = new Map<string, SetupVar>();
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && value !== "") vars.set(name, { value, source: { kind: "shell" } });
  }
  const files: ClaudeCodeSetup["files"] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const path of settingsFiles(env, home, cwd)) {
    if (seen.has(path)) continue; // cwd = home: the user's file is also the "project" file
    seen.add(path);
    let file: ReturnType<typeof readJsonObject>;
    try {
      file = readJsonObject(path, home);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      problems.push(err.message);
      files.push({ path, displayPath: path, exists: true });
      continue;
    }
    files.push({ path, displayPath: file?.displayPath ?? path, exists: file !== undefined });
    const block = file?.data.env;
    if (!file || typeof block !== "object" || block === null || Array.isArray(block)) continue;
    for (const [name, value] of Object.entries(block as Record<string, unknown>)) {
      if (typeof value === "string" || typeof value === "number" || typeof value === "boolean")
        vars.set(name, {
          value: String(value),
          source: { kind: "file", path, displayPath: file.displayPath },
        });
    }
  }
  return { vars, files, problems };
}

/** "env ANTHROPIC_MODEL" or "~/.claude/settings.json env.ANTHROPIC_MODEL". */
export function describeVar(name: string, v: SetupVar): string {
  return v.source.kind === "shell" ? `shell ${name}` : `${v.source.displayPath} env.${name}`;
}
