import { type Command, Option } from "commander";
import { addHeadlessOptions } from "../../headless/flags.js";
import type { PrintOptions } from "../options.js";

export type { PrintOptions } from "../options.js";

/** Adds the top-level session options (`-p`, `--model`, …) to the root command. */
export function addSessionOptions(program: Command): Command {
  program
    .argument("[prompt...]", "the request: sent as the first prompt (with -p: read from stdin when omitted)")
    .option("-p, --print", "run non-interactively: answer the prompt and exit (for scripts and CI)")
    .option(
      "--output-format <format>",
      "print mode output: text, json, stream-json (Claude Code's messages) or quarry-events",
      "text",
    )
    .option(
      "--model <model>",
      "model alias (opus, sonnet, haiku), Bedrock model ID, inference profile or ARN",
    )
    .option("--region <region>", "AWS region (overrides AWS_REGION)")
    .option("--max-turns <n>", "stop after this many model turns", "50")
    .option("--permission-mode <mode>", "default, acceptEdits, plan or bypassPermissions")
    .option(
      "--allowedTools <rules...>",
      'tools or rules allowed without asking, e.g. "Bash(npm test:*)" Edit',
    )
    .option("--disallowedTools <rules...>", "tools or rules always denied")
    .option("-c, --continue", "continue the most recent session in this project")
    .addOption(new Option("-r, --resume [id]", "resume a session by id (without an id: pick one)").preset(""))
    .option(
      "--trust-project",
      "apply this folder's own .quarry settings in full for this run (untrusted folders only narrow)",
    )
    .option("--mcp-config <configs...>", 'MCP servers from JSON files or strings ({"mcpServers": {…}})')
    .option("--strict-mcp-config", "use only the --mcp-config servers, none from settings or .mcp.json")
    .option(
      "--simulate",
      "run against the built-in Bedrock emulator with a scripted demo model (no AWS needed)",
    );
  return addHeadlessOptions(program);
}

/** Runs print mode; returns the exit code. The implementation loads lazily so --version stays fast. */
export async function runPrintCommand(promptWords: string[], options: PrintOptions): Promise<number> {
  if (options.resume === "") {
    process.stderr.write(
      'quarry: --resume needs a session id in print mode\n  Fix: quarry -p --resume <id> "…", or --continue for the latest\n',
    );
    return 2;
  }
  const { runPrintMode } = await import("../print-mode.js");
  return runPrintMode(promptWords, options);
}
