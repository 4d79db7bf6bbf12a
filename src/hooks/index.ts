export { runHookProcess } from "./command.js";
export { folderTrust, type HookSourcesOptions, type LoadedHooks, loadConfiguredHooks } from "./load.js";
export { compileMatcher } from "./matcher.js";
export { CommandHookRunner, type HookRunnerOptions } from "./runner.js";
export {
  type ConfiguredHook,
  DEFAULT_HOOK_TIMEOUT_SECONDS,
  HOOK_EVENTS,
  type HookEventName,
  parseHooks,
  readHooksFile,
} from "./settings.js";
