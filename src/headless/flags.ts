import { type Command, Option } from "commander";

/** The Claude Code–compatible flags of print mode (docs/headless.md), as commander hands them over. */
export interface HeadlessOptions {
  inputFormat?: string;
  verbose?: boolean;
  includePartialMessages?: boolean;
  systemPrompt?: string;
  appendSystemPrompt?: string;
  addDir?: string[];
  settings?: string;
  settingSources?: string;
  fallbackModel?: string;
  dangerouslySkipPermissions?: boolean;
  allowDangerouslySkipPermissions?: boolean;
  permissionPromptTool?: string;
}

/**
 * Flags Claude Code's SDK may pass that Quarry accepts and ignores, with a note on stderr, rather than failing
 * the launch (docs/headless.md lists why each is ignored). `true` = takes a value.
 */
export const IGNORED_FLAGS: Readonly<Record<string, boolean>> = {
  "--thinking": true,
  "--max-thinking-tokens": true,
  "--thinking-display": true,
  "--effort": true,
  "--max-budget-usd": true,
  "--task-budget": true,
  "--agent": true,
  "--betas": true,
  "--json-schema": true,
  "--debug-file": true,
  "--debug": false,
  "--debug-to-stderr": false,
  "--channels": true,
  "--tools": true,
  "--mcp-config": true,
  "--strict-mcp-config": false,
  "--include-hook-events": false,
  "--session-mirror": false,
  "--project-config-root": true,
  "--await-initialize": false,
  "--plugin-dir": true,
  "--plugin-dir-no-mcp": true,
  "--fork-session": false,
  "--resume-session-at": true,
  "--resume-drops-turn": true,
  "--session-id": true,
  "--no-session-persistence": false,
  "--initialize-fields": true,
  "--managed-settings-in-initialize": false,
  "--managed-settings": true,
  "--permission-prompts": true,
};

// The ignored flags this process registered (skipping any that another part of Quarry implements).
const registered = new Set<string>(Object.keys(IGNORED_FLAGS));

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Adds the headless flags, and the ignored SDK flags as hidden options, to the root command. */
export function addHeadlessOptions(program: Command): Command {
  program
    .option("--input-format <format>", "print mode input: text or stream-json (one JSON message per line)")
    .option("--verbose", "full output; required with --output-format stream-json, as in Claude Code")
    .option("--include-partial-messages", "stream-json: also emit stream_event lines as text arrives")
    .option("--system-prompt <text>", "replace Quarry's system prompt")
    .option("--append-system-prompt <text>", "append text to the system prompt")
    .option("--add-dir <dir>", "another directory treated like the project (repeatable)", collect)
    .option("--settings <file-or-json>", "extra settings: permissions.allow/deny and model are applied")
    .option("--setting-sources <sources>", "accepted for Claude Code compatibility (user,project,local)")
    .option(
      "--fallback-model <model>",
      "the model to fail over to when the main model stays throttled (docs/failover.md)",
    )
    .option("--dangerously-skip-permissions", "same as --permission-mode bypassPermissions")
    .option(
      "--allow-dangerously-skip-permissions",
      "let bypassPermissions be chosen later (Shift+Tab in the interactive UI, an SDK controller)",
    )
    .option("--permission-prompt-tool <tool>", "stdio: ask the controlling program (the Agent SDK)");
  const known = new Set(program.options.map((o) => o.long));
  for (const [flag, takesValue] of Object.entries(IGNORED_FLAGS)) {
    if (known.has(flag)) {
      registered.delete(flag); // another part of Quarry implements it
      continue;
    }
    const option = new Option(takesValue ? `${flag} <value>` : flag).hideHelp();
    program.addOption(takesValue ? option.argParser(collect) : option);
  }
  return program;
}

/** The ignored flags that were actually given, for a note on stderr. */
export function givenIgnoredFlags(options: HeadlessOptions): string[] {
  const given: string[] = [];
  for (const flag of registered) {
    const key = camel(flag);
    const value = (options as Record<string, unknown>)[key];
    // `--no-x` flags default to true and read false when given.
    if (flag.startsWith("--no-") ? value === false : value !== undefined) given.push(flag);
  }
  return given;
}

function camel(flag: string): string {
  const name = flag.replace(/^--(no-)?/, "");
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}
