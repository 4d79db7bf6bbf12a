export { PROTECTED_IN_WORKSPACE, sandboxEnv, sandboxLayout } from "./layout.js";
export { resolveSandboxMode, SANDBOX_MODES, type SandboxMode, sandboxModeFrom } from "./mode.js";
export { type ProbeOptions, probeSandbox, type SandboxAvailability } from "./probe.js";
export { SessionSandbox, type SessionSandboxOptions } from "./session-sandbox.js";
export type { CommandSandbox, SandboxedLaunch } from "./types.js";
