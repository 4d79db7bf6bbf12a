import { ZERO_USAGE } from "../agent/events.js";
import type { Settings } from "../config/index.js";
import type { AgentEvent } from "../protocol/events.js";
import type { HookRunner } from "../runtime/hooks.js";
import { loadConfiguredHooks } from "./load.js";
import { CommandHookRunner } from "./runner.js";

/** What openSession knows when it builds the session's hook runner. */
export interface SessionHooksOptions {
  settings: Settings;
  projectRoot: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  home: string;
  trustProject?: boolean;
  permissionMode(): string;
  transcriptPath(): string;
  /** Where problems found while hooks run go (the session's notices, shown as warnings). */
  warn(message: string): void;
  signal?: AbortSignal;
}

/** The session's hook runner from settings files, and the start-up warnings (untrusted project hooks). */
export function createSessionHooks(o: SessionHooksOptions): {
  runner: CommandHookRunner;
  warnings: string[];
} {
  const loaded = loadConfiguredHooks(o);
  const warnings = [...loaded.warnings];
  // Problems found while building (a bad matcher) are start-up warnings; later ones go to the running session.
  let sink = (m: string) => {
    warnings.push(m);
  };
  const runner = new CommandHookRunner({
    hooks: loaded.hooks,
    projectDir: o.projectRoot,
    env: o.env,
    permissionMode: o.permissionMode,
    transcriptPath: o.transcriptPath,
    warn: (m) => sink(m),
    signal: o.signal,
  });
  sink = o.warn;
  return { runner, warnings };
}

/** A prompt after the UserPromptSubmit (and, first time, SessionStart) hooks: changed, or refused. */
export type HookedPrompt = { prompt: string } | { block: string };

/**
 * Runs the prompt-level hooks of a top-level session: SessionStart before the first prompt, then
 * UserPromptSubmit. Context they add is appended to the prompt the model sees.
 */
export async function promptThroughHooks(
  hooks: HookRunner,
  o: { sessionId: string; prompt: string; first: boolean; resumed: boolean },
): Promise<HookedPrompt> {
  const context: string[] = [];
  if (o.first && hooks.sessionStart) {
    const start = await hooks.sessionStart({
      sessionId: o.sessionId,
      source: o.resumed ? "resume" : "startup",
    });
    if (start.block) return { block: start.block };
    if (start.additionalContext) context.push(start.additionalContext);
  }
  if (hooks.userPromptSubmit) {
    const submit = await hooks.userPromptSubmit({ sessionId: o.sessionId, prompt: o.prompt });
    if (submit.block) return { block: submit.block };
    if (submit.additionalContext) context.push(submit.additionalContext);
  }
  if (context.length === 0) return { prompt: o.prompt };
  return { prompt: `${o.prompt}\n\n<system-reminder>\n${context.join("\n")}\n</system-reminder>` };
}

/** The events of a prompt a hook refused: an error saying which hook, and a done that ran no turn. */
export function blockedPromptEvents(reason: string): AgentEvent[] {
  return [
    { type: "error", kind: "hook-blocked", message: reason },
    { type: "done", reason: "error", result: "", turns: 0, usage: ZERO_USAGE, costUsd: 0, durationMs: 0 },
  ];
}
