/** How to start one sandboxed command: the executable, its arguments, its environment. */
export interface SandboxedLaunch {
  readonly file: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  /** Undoes what wrapping put on the host (placeholder directories); call once the command has ended. */
  cleanup(): void;
}

/** What Bash needs from the session's sandbox (src/sandbox/session-sandbox.ts). */
export interface CommandSandbox {
  /** True when commands must run inside the OS sandbox. */
  readonly active: boolean;
  /** A directory writable inside the sandbox at the same path as outside. */
  tempDir(): string;
  /** Wraps `argv` (e.g. bash -c …) to run inside the sandbox. */
  wrap(argv: readonly string[], spawn: { cwd: string; env: NodeJS.ProcessEnv }): SandboxedLaunch;
}
