import { randomUUID } from "node:crypto";
import { homedir } from "node:os";
import { findRepoRoot } from "../agent/memory.js";
import { folderTrust } from "../hooks/load.js";
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
 */
export async function expandForSession(
  session: Session,
  prompt: string,
  o: { cwd: string; env: NodeJS.ProcessEnv; trustProject?: boolean; signal?: AbortSignal },
): Promise<string> {
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
    runShell: async (command) => {
      const run = session.pipeline.run(
        { type: "tool_use", id: `slash_${randomUUID()}`, name: "Bash", input: { command } },
        o.signal ?? new AbortController().signal,
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
    },
  });
  if (expanded !== undefined) grantAllowedTools(session, commands, prompt, trust.trusted, projectRoot);
  return expanded ?? prompt;
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
