import { z } from "zod";
import type { Skill } from "../skills/discover.js";
import { type Tool, toolError } from "./types.js";

const inputSchema = z.object({
  skill: z.string().min(1).describe('The skill name, e.g. "pdf-notes"'),
  args: z.string().optional().describe("Optional arguments for the skill"),
});

/** Skill's input (Claude Code's schema: `skill`, optional `args`). */
export type SkillInput = z.infer<typeof inputSchema>;

/**
 * Loads a skill's instructions into the conversation: the tool result says "Launching skill: <name>" and
 * the SKILL.md body (with its base directory, so the model can Read bundled files) follows as user text.
 */
export function createSkillTool(skills: readonly Skill[]): Tool<SkillInput> {
  return {
    name: "Skill",
    description: [
      "Executes a skill within the main conversation. Skills give specialised instructions for a task; the",
      "available ones are listed in a system reminder. When a skill matches the user's request, call this",
      "tool with its name before doing the task, then follow the instructions it loads. Files the skill",
      "mentions live under its base directory; Read them only when you need them.",
    ].join(" "),
    inputSchema,
    readOnly: true,
    permissionTarget: () => ({ kind: "none" }),
    summarize: (input) => input.skill,
    async run(input) {
      const wanted = input.skill.trim().replace(/^\//, "");
      const skill = skills.find((s) => s.name === wanted);
      if (!skill) {
        const known = skills.map((s) => s.name).join(", ");
        return toolError(
          `Unknown skill "${wanted}". ${known ? `Available skills: ${known}.` : "No skills are installed."}`,
        );
      }
      return {
        content: `Launching skill: ${skill.name}`,
        followUp: `Base directory for this skill: ${skill.baseDir}\n\n${withArguments(skill.body, input.args)}`,
      };
    },
  };
}

/** `$ARGUMENTS` filled in, or the arguments appended when the body has no placeholder (as commands do). */
function withArguments(body: string, args: string | undefined): string {
  const given = args?.trim() ?? "";
  if (body.includes("$ARGUMENTS")) return body.replaceAll("$ARGUMENTS", given);
  return given ? `${body}\n\nARGUMENTS: ${given}` : body;
}
