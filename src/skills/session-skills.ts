import { folderTrust, type HookSourcesOptions } from "../hooks/load.js";
import { createSkillTool } from "../tools/skill.js";
import type { Tool } from "../tools/types.js";
import { skillsReminder } from "./announce.js";
import { listSkills } from "./discover.js";

/** A session's skills: the Skill tool and the first-message reminder (both absent without skills). */
export interface SessionSkills {
  tool?: Tool;
  reminder?: string;
  warnings: string[];
}

/** Finds the session's skills (the project's only in a trusted folder) and builds what the session offers. */
export function prepareSkills(o: HookSourcesOptions): SessionSkills {
  const warnings: string[] = [];
  const trust = folderTrust(o);
  const skills = listSkills(
    {
      projectRoot: o.projectRoot,
      cwd: o.cwd,
      env: o.env,
      home: o.home,
      userConfigDir: o.settings.userConfigDir.value,
      projectTrusted: trust.trusted,
    },
    warnings,
  );
  if (skills.length === 0) return { warnings };
  return { tool: createSkillTool(skills), reminder: skillsReminder(skills), warnings };
}
