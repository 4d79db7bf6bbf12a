import type { Skill } from "./discover.js";

/**
 * The reminder that announces the skills in the session's first user message (Claude Code's wording, so
 * the model reads the same text it does there); the bodies stay out until the Skill tool loads one.
 */
export function skillsReminder(skills: readonly Skill[]): string | undefined {
  if (skills.length === 0) return undefined;
  const list = skills.map((s) => `- ${s.name}: ${s.description}`).join("\n");
  return `<system-reminder>\nThe following skills are available for use with the Skill tool:\n\n${list}\n</system-reminder>`;
}
