import { ConfigError } from "../config/errors.js";
import { describeSource, type Sourced } from "../config/index.js";

/**
 * How Bash commands are contained (the `sandbox` setting, env QUARRY_SANDBOX):
 * - `off`: no OS sandbox; commands ask as usual (the default).
 * - `on`: every Bash command runs inside the sandbox, and one that would ask runs without asking
 *   (deny rules still win; a command naming a protected path still asks).
 * - `ask`: every Bash command runs inside the sandbox, and permission prompts stay as they are.
 */
export type SandboxMode = "off" | "on" | "ask";

export const SANDBOX_MODES: readonly SandboxMode[] = ["off", "on", "ask"];

const ALIASES: Readonly<Record<string, SandboxMode>> = { true: "on", "1": "on", false: "off", "0": "off" };

/** Reads a mode from its text (case-insensitive; 1/true mean on, 0/false off); undefined if not one. */
export function sandboxModeFrom(text: string): SandboxMode | undefined {
  const lower = text.trim().toLowerCase();
  return (SANDBOX_MODES as readonly string[]).includes(lower) ? (lower as SandboxMode) : ALIASES[lower];
}

/** The configured mode; a value that is not a mode is a configuration error naming where it was set. */
export function resolveSandboxMode(setting: Sourced<string> | undefined): SandboxMode {
  if (!setting) return "off";
  const mode = sandboxModeFrom(setting.value);
  if (mode) return mode;
  throw new ConfigError(
    `sandbox must be one of ${SANDBOX_MODES.join(", ")} (got "${setting.value}" from ${describeSource(setting.source)})`,
    {
      fix: 'set it to "off", "on" or "ask" (see docs/security/sandbox.md)',
      key: "sandbox",
      source: setting.source,
    },
  );
}
