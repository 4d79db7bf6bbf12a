import { spawn } from "node:child_process";

/** How one hook command ended. */
export interface HookProcessResult {
  /** The exit code; undefined when it was killed (timeout, cancel) or could not start. */
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Why it could not start (no /bin/sh, a bad cwd). */
  spawnError?: string;
}

/** What one hook command runs with. */
export interface HookProcessOptions {
  command: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The event JSON, written to stdin. */
  input: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

// A hook that prints megabytes must not exhaust memory; what the model or user sees is far shorter anyway.
const MAX_OUTPUT = 1024 * 1024;

/**
 * Runs one hook under `/bin/sh -c` in its own process group, so a timeout or cancel kills everything it
 * started (a hook's `sleep` child included), not just the shell.
 */
export function runHookProcess(o: HookProcessOptions): Promise<HookProcessResult> {
  return new Promise((resolve) => {
    let timedOut = false;
    let stdout = "";
    let stderr = "";
    const child = spawn("/bin/sh", ["-c", o.command], {
      cwd: o.cwd,
      env: o.env,
      detached: true,
      stdio: ["pipe", "pipe", "pipe"],
    });
    const killGroup = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, o.timeoutMs);
    const onAbort = () => killGroup();
    o.signal?.addEventListener("abort", onAbort, { once: true });
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      if (stdout.length < MAX_OUTPUT) stdout += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      if (stderr.length < MAX_OUTPUT) stderr += d;
    });
    // A hook that never reads stdin closes the pipe early; that is not an error of the hook.
    child.stdin.on("error", () => {});
    child.stdin.end(o.input);
    const finish = (result: HookProcessResult) => {
      clearTimeout(timer);
      o.signal?.removeEventListener("abort", onAbort);
      resolve(result);
    };
    child.on("error", (err) =>
      finish({ exitCode: undefined, stdout, stderr, timedOut, spawnError: err.message }),
    );
    child.on("close", (code) => {
      finish({ exitCode: code ?? undefined, stdout, stderr, timedOut });
    });
  });
}
