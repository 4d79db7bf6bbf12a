import type { AgentEvent } from "../../agent/events.js";

/** Set to 1 to hide the "side-task model unavailable" warning (the fallback to the main model still happens). */
export const QUIET_SIDE_MODEL_ENV = "QUARRY_HIDE_SIDE_MODEL_WARNING";

const SIDE_MODEL_NOTICE = /^Side-task model /;

/** Whether the environment asks to hide the side-model warning. */
export function sideModelWarningHidden(env: NodeJS.ProcessEnv): boolean {
  const v = env[QUIET_SIDE_MODEL_ENV];
  return v !== undefined && v !== "" && v !== "0" && v.toLowerCase() !== "false";
}

/**
 * A warning as the TUI shows it: the side-model fallback names the variable that picks another side model and
 * how to hide the warning, or disappears when hidden. Other warnings pass unchanged.
 */
export function presentWarning(text: string, hidden: boolean): string | undefined {
  if (!SIDE_MODEL_NOTICE.test(text)) return text;
  if (hidden) return undefined;
  return `${text} To use another side model, set ANTHROPIC_SMALL_FAST_MODEL to one \`quarry models\` lists as usable; to hide this warning, set ${QUIET_SIDE_MODEL_ENV}=1.`;
}

/** The event with its warning presented, or undefined when the warning is hidden. */
export function presentEvent(event: AgentEvent, hidden: boolean): AgentEvent | undefined {
  if (event.type !== "warning") return event;
  const message = presentWarning(event.message, hidden);
  return message === undefined ? undefined : { ...event, message };
}
