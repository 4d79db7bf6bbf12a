export { skillsReminder } from "./announce.js";
export { listSkills, type Skill, type SkillFolders, type SkillScope, skillFolders } from "./discover.js";
export { prepareSkills, type SessionSkills } from "./session-skills.js";
