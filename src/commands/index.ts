export {
  type CommandFolders,
  type CommandScope,
  type CustomCommand,
  commandFolders,
  listCustomCommands,
} from "./discover.js";
export { type ExpandOptions, expandBody, expandSlashPrompt, parseSlashPrompt } from "./expand.js";
export { listField, readFrontMatter, stringField } from "./front-matter.js";
export { expandForSession, runBashInSession } from "./session-prompt.js";
