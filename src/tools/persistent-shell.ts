/** Bash's state that outlives one call: the working directory (a `cd` persists) and extra environment. */
export class PersistentShell {
  /** Current working directory for the next command. */
  cwd: string;
  /** Extra variables layered over process.env for every command (set by the host, not by commands). */
  readonly env: Record<string, string>;

  constructor(
    /** Where the shell starts and returns to if its directory disappears. */
    readonly initialCwd: string,
    env: Record<string, string> = {},
  ) {
    this.cwd = initialCwd;
    this.env = { ...env };
  }

  /** Goes back to the starting directory. */
  reset(): void {
    this.cwd = this.initialCwd;
  }
}
