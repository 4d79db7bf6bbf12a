import { z } from "zod";
import { ConfigError } from "../config/errors.js";
import { readJsonObject } from "../config/json-file.js";

/** The hook events Quarry knows (Claude Code's names, docs/extensibility.md#hooks). */
export const HOOK_EVENTS = [
  "PreToolUse",
  "PostToolUse",
  "UserPromptSubmit",
  "Stop",
  "SubagentStop",
  "SessionStart",
  "SessionEnd",
  "PreCompact",
  "Notification",
] as const;
export type HookEventName = (typeof HOOK_EVENTS)[number];

/** Seconds a hook may run when its entry names no `timeout` (Claude Code's default). */
export const DEFAULT_HOOK_TIMEOUT_SECONDS = 60;

/** One command hook, flattened out of its settings file with where it came from. */
export interface ConfiguredHook {
  readonly event: HookEventName;
  /** The matcher as written (`Bash`, `Edit|Write`, `mcp__.*`); empty matches everything. */
  readonly matcher: string;
  readonly command: string;
  readonly timeoutSeconds: number;
  /** The settings file, as messages show it. */
  readonly source: string;
}

const commandSchema = z.object({
  type: z.literal("command"),
  command: z.string().min(1),
  timeout: z.number().positive().optional(),
});
const groupSchema = z.object({
  matcher: z.string().optional(),
  hooks: z.array(z.unknown()),
});

/**
 * Reads the `hooks` key of one settings file (Claude Code's or Quarry's, same format). A missing file or key
 * gives nothing; a malformed entry is skipped with a warning naming it, the rest still load — a typo in one
 * hook must not silently disable the others, nor stop Quarry.
 */
export function readHooksFile(path: string, home: string, warnings: string[]): ConfiguredHook[] {
  let file: ReturnType<typeof readJsonObject>;
  try {
    file = readJsonObject(path, home);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    warnings.push(`${err.message}; its hooks are not loaded`);
    return [];
  }
  if (file?.data.hooks === undefined) return [];
  return parseHooks(file.data.hooks, file.displayPath, warnings);
}

/** Parses a `hooks` value (`{ Event: [{ matcher, hooks: [{ type, command, timeout }] }] }`). */
export function parseHooks(value: unknown, source: string, warnings: string[]): ConfiguredHook[] {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    warnings.push(`${source}: "hooks" should be an object such as { "PreToolUse": [...] }; it is ignored`);
    return [];
  }
  const found: ConfiguredHook[] = [];
  for (const [event, groups] of Object.entries(value)) {
    if (!(HOOK_EVENTS as readonly string[]).includes(event)) {
      warnings.push(
        `${source}: unknown hook event "${event}" (known: ${HOOK_EVENTS.join(", ")}); it is ignored`,
      );
      continue;
    }
    if (!Array.isArray(groups)) {
      warnings.push(`${source}: "hooks.${event}" should be a list of { matcher, hooks }; it is ignored`);
      continue;
    }
    for (const [i, group] of groups.entries()) {
      const parsedGroup = groupSchema.safeParse(group);
      if (!parsedGroup.success) {
        warnings.push(
          `${source}: "hooks.${event}[${i}]" should be { "matcher": "…", "hooks": [...] }; it is ignored`,
        );
        continue;
      }
      for (const [j, hook] of parsedGroup.data.hooks.entries()) {
        const parsed = commandSchema.safeParse(hook);
        if (!parsed.success) {
          warnings.push(
            `${source}: "hooks.${event}[${i}].hooks[${j}]" should be { "type": "command", "command": "…", "timeout"?: seconds }; it is ignored`,
          );
          continue;
        }
        found.push({
          event: event as HookEventName,
          matcher: parsedGroup.data.matcher ?? "",
          command: parsed.data.command,
          timeoutSeconds: parsed.data.timeout ?? DEFAULT_HOOK_TIMEOUT_SECONDS,
          source,
        });
      }
    }
  }
  return found;
}
