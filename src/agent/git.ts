// Every git command Quarry runs on its own (for the system prompt, never for the model) goes through here.
// A repository's .git/config is not trusted: it can name commands git runs by itself (core.fsmonitor on
// `git status`, filter drivers on a changed file, hooks, pagers, external diffs). The user's global and
// system config are trusted and left alone. See docs/security/protected-paths.md.
import { execFile, execFileSync } from "node:child_process";
import { devNull } from "node:os";

/** How long one git command may take before it is killed. */
const DEFAULT_TIMEOUT_MS = 2000;

// Settings that stop git from running a program the repository names. Passed with -c, which outranks
// every config file, and handed down to any git child process through GIT_CONFIG_PARAMETERS.
const NEUTRAL_CONFIG = [
  "core.fsmonitor=false",
  `core.hooksPath=${devNull}`,
  "core.pager=cat",
  "core.editor=:",
  "sequence.editor=:",
  "core.askPass=",
  "credential.helper=",
  // No transport at all: a partial clone would otherwise fetch missing objects over core.sshCommand.
  "protocol.allow=never",
  "gc.auto=0",
  "maintenance.auto=false",
  "log.showSignature=false",
  "status.submoduleSummary=false",
];

const NEUTRAL_ENV: NodeJS.ProcessEnv = {
  GIT_TERMINAL_PROMPT: "0",
  GIT_PAGER: "cat",
  PAGER: "cat",
  GIT_EDITOR: ":",
  GIT_OPTIONAL_LOCKS: "0",
  GIT_NO_LAZY_FETCH: "1",
};

// Subcommands that may diff contents: external diff and textconv programs come from config.
const DIFFING = new Set(["diff", "log", "show"]);

/** Options for one git run. */
export interface SafeGitOptions {
  readonly timeoutMs?: number;
  /** The environment to start from (default: this process's); the user's own GIT_* settings are kept. */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Runs `git <args>` in `cwd` with the repository's config unable to run commands, and returns stdout, or
 * undefined when git is missing, fails, times out, or the repository cannot be neutralised.
 */
export function runSafeGit(
  cwd: string,
  args: readonly string[],
  options: SafeGitOptions = {},
): string | undefined {
  const env = { ...(options.env ?? process.env), ...NEUTRAL_ENV };
  const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const drivers = configuredDrivers(cwd, env, timeout);
  if (drivers === undefined) return undefined;
  return run(cwd, [...safetyArgs(drivers), ...withDiffGuards(args)], env, timeout);
}

/**
 * {@link runSafeGit} without blocking: both git processes run while the caller's other start-up work does
 * (the system prompt's git status is gathered beside connecting to the model).
 */
export async function runSafeGitAsync(
  cwd: string,
  args: readonly string[],
  options: SafeGitOptions = {},
): Promise<string | undefined> {
  const env = { ...(options.env ?? process.env), ...NEUTRAL_ENV };
  const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const config = await runAsync(cwd, [...safetyArgs(), ...DRIVER_QUERY], env, timeout, true);
  const drivers = driversFrom(config);
  if (drivers === undefined) return undefined;
  return runAsync(cwd, [...safetyArgs(drivers), ...withDiffGuards(args)], env, timeout);
}

/** The global options placed before every subcommand (exported for tests and for `quarry doctor`). */
export function safetyArgs(drivers: readonly string[] = []): string[] {
  const config = [...NEUTRAL_CONFIG, ...drivers.flatMap(neutralDriver)];
  return ["--no-pager", "--no-optional-locks", ...config.flatMap((c) => ["-c", c])];
}

/**
 * Filter, diff and merge drivers the config defines (`filter.lfs`, `diff.custom`), as `section.name`.
 * Their names are arbitrary, so they are read from the config (reading runs nothing) and each is disarmed.
 * Undefined when a name cannot be passed safely with -c (it contains `=` or a newline).
 */
// Lists the filter/diff/merge driver keys a config defines (reading config runs nothing).
const DRIVER_QUERY = [
  "config",
  "--null",
  "--name-only",
  "--get-regexp",
  "^(filter|diff|merge)\\..+\\.(clean|smudge|process|command|textconv|driver)$",
];

function configuredDrivers(cwd: string, env: NodeJS.ProcessEnv, timeout: number): string[] | undefined {
  // Exit 1 means no such keys; anything else (not a repository) is fine too: the real command will say.
  return driversFrom(run(cwd, [...safetyArgs(), ...DRIVER_QUERY], env, timeout, true));
}

/** The drivers in DRIVER_QUERY's output; undefined when a name cannot be passed safely with -c. */
function driversFrom(out: string | undefined): string[] | undefined {
  const drivers = new Set<string>();
  for (const key of (out ?? "").split("\0")) {
    if (key === "") continue;
    const driver = key.slice(0, key.lastIndexOf("."));
    if (/[=\n]/.test(driver)) return undefined;
    drivers.add(driver);
  }
  return [...drivers];
}

function neutralDriver(driver: string): string[] {
  if (driver.startsWith("filter.")) {
    return [`${driver}.clean=`, `${driver}.smudge=`, `${driver}.process=`, `${driver}.required=false`];
  }
  if (driver.startsWith("diff.")) return [`${driver}.command=`, `${driver}.textconv=`];
  return [`${driver}.driver=`];
}

// Options must follow the subcommand; an empty diff.external would make git try to run "", so disable
// external diffs per command instead.
function withDiffGuards(args: readonly string[]): string[] {
  const [subcommand, ...rest] = args;
  if (subcommand === undefined || !DIFFING.has(subcommand)) return [...args];
  return [subcommand, "--no-ext-diff", "--no-textconv", ...rest];
}

function run(
  cwd: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  timeout: number,
  tolerateFailure = false,
): string | undefined {
  try {
    return execFileSync("git", args, { cwd, env, timeout, stdio: ["ignore", "pipe", "pipe"] }).toString();
  } catch (error) {
    if (tolerateFailure) return (error as { stdout?: Buffer }).stdout?.toString() ?? "";
    return undefined;
  }
}

function runAsync(
  cwd: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  timeout: number,
  tolerateFailure = false,
): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile("git", args, { cwd, env, timeout, encoding: "utf8" }, (error, stdout) => {
      if (!error) resolve(stdout);
      else resolve(tolerateFailure ? (stdout ?? "") : undefined);
    });
  });
}
