// Permissions: modes, Claude Code-style allow/deny rules and the workspace boundary.
export { resolveForNonInteractive } from "./non-interactive.js";
export { isInside, realLocation } from "./paths.js";
export {
  createPermissionPolicy,
  type PermissionPolicy,
  type PolicyOptions,
  type RuleInput,
} from "./policy.js";
export {
  type PathPattern,
  type PermissionRule,
  PermissionRuleError,
  parseRule,
  splitRuleList,
} from "./rule.js";
export {
  type AskDetails,
  PERMISSION_MODES,
  type PermissionDecision,
  type PermissionMode,
  type PermissionRequest,
  type PermissionTarget,
} from "./types.js";
