import { resolve } from "node:path";
import type { PermissionMode } from "../permissions/index.js";
import { splitRuleList } from "../permissions/rule.js";
import { SESSION_MODES, type SessionConfig } from "../runtime/config.js";
import { UsageError } from "../runtime/errors.js";
import type { PrintOptions } from "./options.js";

/** Turns the session flags into the runtime's typed config; a bad value is a UsageError naming the flag. */
export function sessionConfigFromFlags(
  options: PrintOptions,
  where: { cwd: string; env?: NodeJS.ProcessEnv },
): SessionConfig {
  const mode = (options.permissionMode ?? "default") as PermissionMode;
  if (!SESSION_MODES.includes(mode)) {
    throw new UsageError(
      `--permission-mode must be one of ${SESSION_MODES.join(", ")} (got "${options.permissionMode}")`,
    );
  }
  const maxTurns = Number(options.maxTurns ?? 50);
  if (!Number.isInteger(maxTurns) || maxTurns < 1) {
    throw new UsageError(`--max-turns must be a positive integer (got "${options.maxTurns}")`);
  }
  const fromFlag = (values: string[] | undefined, source: string) =>
    (values ?? []).flatMap(splitRuleList).map((value) => ({ value, source }));
  return {
    cwd: where.cwd,
    env: where.env,
    model: options.model,
    region: options.region,
    fallbackModel: options.fallbackModel,
    permissionMode: mode,
    maxTurns,
    allow: fromFlag(options.allowedTools, "--allowedTools"),
    deny: fromFlag(options.disallowedTools, "--disallowedTools"),
    resume: options.resume,
    continue: options.continue,
    trustProject: options.trustProject,
    systemPrompt:
      options.systemPrompt !== undefined || options.appendSystemPrompt !== undefined
        ? { replace: options.systemPrompt, append: options.appendSystemPrompt }
        : undefined,
    additionalDirectories: options.addDir?.map((dir) => resolve(where.cwd, dir)),
    mcpConfig: options.mcpConfig,
    strictMcpConfig: options.strictMcpConfig,
  };
}
