import { randomUUID } from "node:crypto";
import { homedir } from "node:os";
import { findRepoRoot } from "../agent/memory.js";
import { folderTrust } from "../hooks/load.js";
import { expandMcpPrompt, isMcpPromptName } from "../mcp/prompts.js";
import { attachResourceMentions } from "../mcp/resources.js";
import { PermissionRuleError } from "../permissions/rule.js";
import { UsageError } from "../runtime/errors.js";
import type { Session } from "../runtime/session.js";
import { howToTrust } from "../trust/decide.js";
import { type CustomCommand, listCustomCommands } from "./discover.js";
import { expandSlashPrompt, parseSlashPrompt } from "./expand.js";

/**
 * A prompt as the session should send it: `/name args` expanded from the custom commands (docs/extensibility.md),
 * anything else unchanged. `!` lines go through the session's tool pipeline as Bash calls, so hooks, the
 * permission policy (print mode: denied unless allowed) and the sandbox apply to them as to the model's calls.
 * `/mcp__server__prompt args` asks the MCP server for its prompt, and `@server:uri` mentions attach the
 * resource (docs/mcp.md#prompts-and-resources).
 */
export async function expandForSession(
  session: Session,
  prompt: string,
  o: { cwd: string; env: NodeJS.ProcessEnv; trustProject?: boolean; signal?: AbortSignal },
): Promise<string> {
  const expanded = await expandCommand(session, prompt, o);
  const mcp = session.mcp;
  return mcp ? attachResourceMentions(mcp, expanded, mcp.maxOutputTokens) : expanded;
}

async function expandCommand(
  session: Session,
  prompt: string,
  o: { cwd: string; env: NodeJS.ProcessEnv; trustProject?: boolean; signal?: AbortSignal },
): Promise<string> {
  const slash = parseSlashPrompt(prompt);
  if (slash && isMcpPromptName(slash.name)) {
    if (!session.mcp) {
      throw new UsageError(
        `/${slash.name} is an MCP prompt, and this session has no MCP servers.`,
        "add the server (`quarry mcp add`, .mcp.json or --mcp-config) and check it connects with `quarry mcp list`",
      );
    }
    return expandMcpPrompt(session.mcp, slash.name, slash.args);
  }
  const projectRoot = findRepoRoot(o.cwd) ?? o.cwd;
  const warnings: string[] = [];
  const commands = listCustomCommands(
    {
      projectRoot,
      cwd: o.cwd,
      env: o.env,
      home: homedir(),
      userConfigDir: session.settings.userConfigDir.value,
    },
    warnings,
  );
  for (const w of warnings) session.warnings.push(w);
  const trust = folderTrust({
    settings: session.settings,
    projectRoot,
    env: o.env,
    trustProject: o.trustProject,
  });
  const expanded = await expandSlashPrompt(prompt, commands, {
    workspace: projectRoot,
    cwd: o.cwd,
    projectTrusted: trust.trusted,
    readable: (path) =>
      session.policy.decide({ tool: "Read", readOnly: true, target: { kind: "read", paths: [path] } })
        .behavior !== "deny",
    runShell: (command) => runBashInSession(session, command, o.signal, "slash"),
  });
  if (expanded !== undefined) grantAllowedTools(session, commands, prompt, trust.trusted, projectRoot);
  return expanded ?? prompt;
}

/**
 * Runs `command` as a Bash tool call through the session's pipeline (hooks, permission policy, sandbox, as
 * for the model's calls), publishing its events to the transcript; resolves with the result's text.
 */
export async function runBashInSession(
  session: Session,
  command: string,
  signal: AbortSignal = new AbortController().signal,
  idPrefix = "user",
): Promise<{ ok: boolean; output: string }> {
  const run = session.pipeline.run(
    { type: "tool_use", id: `${idPrefix}_${randomUUID()}`, name: "Bash", input: { command } },
    signal,
  );
  for (;;) {
    const next = await run.next();
    if (next.done) {
      const block = next.value.block;
      const text = typeof block.content === "string" ? block.content : "";
      return { ok: !block.is_error, output: text };
    }
    session.publish(next.value);
  }
}

/**
 * A command's `allowed-tools` for the run that sends it (docs/extensibility.md#custom-slash-commands). A
 * project command's grant needs a trusted folder, as its `!` lines do: it widens what the model may do.
 */
function grantAllowedTools(
  session: Session,
  commands: readonly CustomCommand[],
  prompt: string,
  trusted: boolean,
  projectRoot: string,
): void {
  const name = parseSlashPrompt(prompt)?.name;
  const command = commands.find((c) => c.name === name);
  if (!command?.allowedTools?.length) return;
  if (command.scope === "project" && !trusted) {
    session.warnings.push(
      `/${command.name} (${command.path}): ignored allowed-tools (${command.allowedTools.join(", ")}): ${projectRoot} is not a trusted folder; ${howToTrust(projectRoot)}`,
    );
    return;
  }
  try {
    session.allowForNextRun(command.allowedTools, `/${command.name}`);
  } catch (err) {
    if (!(err instanceof PermissionRuleError)) throw err;
    throw new UsageError(
      `${command.path}: allowed-tools: ${err.message}`,
      "fix the rule in the command's front matter",
    );
  }
}
