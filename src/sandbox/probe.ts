import { execFile } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { bwrapArgs } from "./bwrap.js";
import { SANDBOX_EXEC } from "./seatbelt.js";

/** Which OS mechanism contains commands. */
export type SandboxKind = "bwrap" | "sandbox-exec";

/** Whether the sandbox can start on this machine, and if not, why (a sentence for the user). */
export type SandboxAvailability =
  | { readonly ok: true; readonly kind: SandboxKind; readonly executable: string }
  | { readonly ok: false; readonly reason: string };

/** What the probe looks at; injectable so a "bwrap is missing" machine can be tested on one that has it. */
export interface ProbeOptions {
  readonly platform?: NodeJS.Platform;
  /** The bubblewrap executable: a path, or a name looked up on PATH (default $QUARRY_BWRAP, else "bwrap"). */
  readonly bwrap?: string;
  readonly env?: NodeJS.ProcessEnv;
}

const cache = new Map<string, Promise<SandboxAvailability>>();

/**
 * Finds out once per process (cached by executable) whether the sandbox can start: on Linux, bwrap must
 * exist and be able to create namespaces, which is tried with a real, tiny sandbox; on macOS,
 * /usr/bin/sandbox-exec must exist.
 */
export function probeSandbox(options: ProbeOptions = {}): Promise<SandboxAvailability> {
  const platform = options.platform ?? process.platform;
  const bwrap = options.bwrap ?? (options.env ?? process.env).QUARRY_BWRAP?.trim() ?? "bwrap";
  const key = `${platform}:${bwrap}`;
  let found = cache.get(key);
  if (!found) {
    found = probeUncached(platform, { ...options, bwrap: bwrap || "bwrap" });
    cache.set(key, found);
  }
  return found;
}

async function probeUncached(platform: NodeJS.Platform, options: ProbeOptions): Promise<SandboxAvailability> {
  if (platform === "darwin") {
    return isExecutable(SANDBOX_EXEC)
      ? { ok: true, kind: "sandbox-exec", executable: SANDBOX_EXEC }
      : {
          ok: false,
          reason: `${SANDBOX_EXEC} is missing, so Bash commands cannot be sandboxed on this Mac.`,
        };
  }
  if (platform !== "linux") {
    return { ok: false, reason: `there is no sandbox for Bash on ${platform} yet (Linux and macOS only).` };
  }
  const name = options.bwrap ?? "bwrap";
  const executable = findExecutable(name, options.env ?? process.env);
  if (!executable) {
    return {
      ok: false,
      reason: `bubblewrap (${name}) was not found, so Bash commands cannot be sandboxed. Install it (Debian/Ubuntu: apt-get install bubblewrap; Fedora: dnf install bubblewrap).`,
    };
  }
  // The same namespaces and flags every sandboxed command gets, so a probe that passes means commands can run.
  const failure = await tryRun(executable, [...bwrapArgs([], "/", ["/bin/sh", "-c", "exit 0"])]);
  if (failure === undefined) return { ok: true, kind: "bwrap", executable };
  return {
    ok: false,
    reason: `bubblewrap (${executable}) cannot create a sandbox here: ${failure}. This usually means unprivileged user namespaces are disabled (sysctl kernel.unprivileged_userns_clone=1, or an AppArmor rule for bwrap on Ubuntu 24.04+), or Quarry runs inside a container that forbids them.`,
  };
}

function tryRun(file: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 5000 }, (error, _stdout, stderr) => {
      if (!error) return resolve(undefined);
      const said = String(stderr).trim().split("\n")[0];
      resolve(said || error.message);
    });
  });
}

function findExecutable(name: string, env: NodeJS.ProcessEnv): string | undefined {
  if (name.includes("/")) return isExecutable(name) ? name : undefined;
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
