import type { MountStep } from "./mounts.js";

/** Runs `argv` under bubblewrap with the planned mounts, no network, and its own pid namespace. */
export function bwrapArgs(steps: readonly MountStep[], cwd: string, argv: readonly string[]): string[] {
  const args = [
    // The whole host, read-only; the steps below open the workspace for writing and hide secrets.
    "--ro-bind",
    "/",
    "/",
    "--dev",
    "/dev",
    "--proc",
    "/proc",
    // No network at all: only a loopback device of its own (docs/security/sandbox.md).
    "--unshare-net",
    // Its own pid namespace: nothing outside can be signalled or traced, and every process inside (background
    // jobs too) ends with the command.
    "--unshare-pid",
    "--unshare-ipc",
    "--unshare-uts",
    "--die-with-parent",
    // A new session, so nothing inside can push keystrokes into Quarry's terminal (TIOCSTI).
    "--new-session",
  ];
  for (const step of steps) args.push(...stepArgs(step));
  args.push("--chdir", cwd, "--", ...argv);
  return args;
}

function stepArgs(step: MountStep): string[] {
  switch (step.op) {
    case "ro":
      return ["--ro-bind", step.path, step.path];
    case "rw":
      return ["--bind", step.path, step.path];
    case "scratch":
      return ["--tmpfs", step.path];
    case "hide-dir":
      return ["--tmpfs", step.path, "--remount-ro", step.path];
    case "hide-file":
      return ["--ro-bind", "/dev/null", step.path];
    case "stub":
      return ["--tmpfs", step.path, "--remount-ro", step.path];
  }
}
