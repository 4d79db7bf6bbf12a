import { join } from "node:path";
import type { SandboxLayout } from "./layout.js";

/** Where macOS keeps sandbox-exec. */
export const SANDBOX_EXEC = "/usr/bin/sandbox-exec";

/** A Seatbelt string literal: JSON's escaping (backslash, quote) is what the profile language reads. */
function quote(path: string): string {
  return JSON.stringify(path);
}

/**
 * The Seatbelt profile for a layout (macOS `sandbox-exec -p`). Later rules win over earlier ones, so the
 * order is: allow everything, deny writes, re-allow the workspace and temp dirs, deny the protected paths
 * again, deny reading secrets, deny the network. `realpath` maps each path to its resolved form
 * (/tmp → /private/tmp), which is what Seatbelt matches. Generated and unit-tested on Linux; running it is
 * untested here (docs/security/sandbox.md).
 */
export function seatbeltProfile(layout: SandboxLayout, realpath: (p: string) => string = (p) => p): string {
  const writable = layout.writable.map(realpath);
  const scratch = [...layout.scratch, "/private/tmp", "/private/var/folders"].map(realpath);
  const protectedPaths = writable.flatMap((root) =>
    layout.protectedInWorkspace.map((rel) => join(root, rel)),
  );
  const lines = [
    "(version 1)",
    "(allow default)",
    "(deny file-write*)",
    "(allow file-write*",
    ...[...new Set([...writable, ...scratch])].map((p) => `  (subpath ${quote(p)})`),
    '  (literal "/dev/null") (literal "/dev/zero") (literal "/dev/tty") (regex #"^/dev/fd/"))',
    // Protected paths: neither written nor created, whether they exist or not (Seatbelt matches by path).
    "(deny file-write*",
    ...protectedPaths.map((p) => `  (subpath ${quote(p)})`),
    ")",
    "(deny file-read* file-write*",
    ...layout.hidden.map(realpath).map((p) => `  (subpath ${quote(p)})`),
    ")",
    "(deny network*)",
  ];
  return `${lines.join("\n")}\n`;
}

/** sandbox-exec's argv for running `argv` under the profile. */
export function sandboxExecArgs(profile: string, argv: readonly string[]): string[] {
  return ["-p", profile, ...argv];
}
