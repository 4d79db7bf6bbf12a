import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { readFile, unlink } from "node:fs/promises";
import { constants, tmpdir } from "node:os";
import { join } from "node:path";
import { StringDecoder } from "node:string_decoder";
import { z } from "zod";
import { OutputCollector } from "./output-collector.js";
import { forgetGroupIfDone, terminateGroup, trackGroup } from "./process-group.js";
import type { Tool, ToolDisplay } from "./types.js";

/** Default and maximum `timeout`, in milliseconds. */
export const BASH_DEFAULT_TIMEOUT_MS = 120_000;
export const BASH_MAX_TIMEOUT_MS = 600_000;
/** After the shell exits, how long to wait for the pipes to drain (a background job may hold them open). */
const DRAIN_MS = 200;
const SHELL = existsSync("/bin/bash") ? "/bin/bash" : "bash";

const inputSchema = z.object({
  command: z.string().min(1).describe("The bash command to run"),
  timeout: z
    .number()
    .int()
    .min(1)
    .max(BASH_MAX_TIMEOUT_MS)
    .optional()
    .describe(`Timeout in milliseconds (default ${BASH_DEFAULT_TIMEOUT_MS}, max ${BASH_MAX_TIMEOUT_MS})`),
  description: z.string().optional().describe("What the command does, in 5-10 words, for the user"),
});

/** Bash's input. */
export type BashInput = z.infer<typeof inputSchema>;

/** Runs a command with bash in the session's persistent working directory. */
export const createBashTool = (): Tool<BashInput> => ({
  name: "Bash",
  description: [
    "Runs a command with bash and returns its combined stdout and stderr and its exit code.",
    "The working directory persists between calls (a `cd` stays in effect); environment variables and shell",
    "state (exports, aliases, functions) do not. Stdin is closed, so interactive commands fail: pass flags like",
    `--yes or -y. Times out after ${BASH_DEFAULT_TIMEOUT_MS} ms unless timeout (max ${BASH_MAX_TIMEOUT_MS}) says`,
    "otherwise; the command and everything it started are then killed. Output beyond about 30000 characters is",
    "cut from the middle. Quote paths with spaces. Prefer Read, Edit, Glob and Grep over cat, sed, find and grep.",
  ].join(" "),
  inputSchema,
  readOnly: false,
  permissionTarget: (input) => ({ kind: "bash", command: input.command }),
  summarize: (input) => input.description?.trim() || firstLine(input.command),
  async run(input, ctx) {
    const shell = ctx.shell;
    const notes: string[] = [];
    if (!isDirectory(shell.cwd)) {
      notes.push(`The working directory ${shell.cwd} no longer exists; reset to ${shell.initialCwd}.`);
      shell.reset();
    }
    if (ctx.signal.aborted) {
      return { content: "Command not run: the user interrupted (Ctrl-C).", isError: true };
    }
    const timeoutMs = input.timeout ?? BASH_DEFAULT_TIMEOUT_MS;
    // Inside the OS sandbox (src/sandbox) only its own temp dir is shared with the host, so the cwd file lives there.
    const sandbox = ctx.sandbox?.active ? ctx.sandbox : undefined;
    const cwdFile = join(
      sandbox?.tempDir() ?? tmpdir(),
      `quarry-cwd-${process.pid}-${randomBytes(6).toString("hex")}`,
    );
    // The EXIT trap records where the command left the shell, and keeps the command's exit status. The file
    // name travels in the environment so no quoting of it inside the trap string is needed.
    const script = `trap '__quarry_status=$?; pwd -P >| "$QUARRY_CWD_FILE" 2>/dev/null; exit $__quarry_status' EXIT\n${input.command}`;
    const env = {
      ...process.env,
      ...shell.env,
      QUARRY: "1",
      QUARRY_CWD_FILE: cwdFile,
      GIT_TERMINAL_PROMPT: "0",
      GIT_PAGER: "cat",
      PAGER: "cat",
    };
    const launch = sandbox
      ? sandbox.wrap([SHELL, "-c", script], { cwd: shell.cwd, env })
      : { file: SHELL, args: ["-c", script], env, cleanup: () => {} };
    const child = spawn(launch.file, launch.args, {
      cwd: shell.cwd,
      env: launch.env,
      stdio: ["ignore", "pipe", "pipe"],
      // Its own process group, so a timeout or Ctrl-C can kill the shell and all it started in one signal.
      detached: true,
    });
    // Registered so the group is ended if Quarry exits or is signalled first (src/tools/exit-cleanup.ts).
    if (child.pid !== undefined) trackGroup(child.pid);
    const output = new OutputCollector();
    const outDecoder = new StringDecoder("utf8");
    const errDecoder = new StringDecoder("utf8");
    child.stdout.on("data", (chunk: Buffer) => output.push(outDecoder.write(chunk)));
    child.stderr.on("data", (chunk: Buffer) => output.push(errDecoder.write(chunk)));

    let timedOut = false;
    let aborted = false;
    let killing: Promise<void> | undefined;
    const kill = () => {
      killing ??= terminateGroup(child);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, timeoutMs);
    const onAbort = () => {
      aborted = true;
      kill();
    };
    ctx.signal.addEventListener("abort", onAbort, { once: true });

    const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>(
      (resolve) => {
        child.once("error", (error) => resolve({ code: null, signal: null, error }));
        child.once("exit", (code, signal) => resolve({ code, signal }));
      },
    );
    clearTimeout(timer);
    ctx.signal.removeEventListener("abort", onAbort);
    await Promise.race([
      Promise.all([streamClosed(child.stdout), streamClosed(child.stderr)]),
      new Promise((resolve) => setTimeout(resolve, DRAIN_MS)),
    ]);
    child.stdout.destroy();
    child.stderr.destroy();
    output.push(outDecoder.end() + errDecoder.end());
    if (killing) await killing;
    // A background job (`server &`) may outlive its shell; it stays tracked until it ends or Quarry exits.
    if (child.pid !== undefined) forgetGroupIfDone(child.pid);
    launch.cleanup();

    const newCwd = (await readFile(cwdFile, "utf8").catch(() => "")).trim();
    await unlink(cwdFile).catch(() => undefined);
    if (newCwd && newCwd !== shell.cwd && isDirectory(newCwd)) {
      shell.cwd = newCwd;
      notes.push(`Working directory is now ${newCwd}.`);
    }

    if (exit.error) {
      return { content: `Could not start ${launch.file}: ${exit.error.message}`, isError: true };
    }
    const exitCode = exit.code ?? (exit.signal ? 128 + signalNumber(exit.signal) : null);
    const body = output.text().replace(/\s+$/, "");
    const parts = [body === "" ? "(no output)" : body];
    if (timedOut) {
      parts.push(`Command timed out after ${timeoutMs} ms; it and every process it started were killed.`);
    } else if (aborted) {
      parts.push(
        "Command was interrupted by the user (Ctrl-C); it and every process it started were killed.",
      );
    } else {
      parts.push(`Exit code: ${exitCode ?? "unknown"}${exit.signal ? ` (killed by ${exit.signal})` : ""}`);
    }
    if (sandbox && exitCode !== 0) {
      notes.push(
        "It ran inside Quarry's sandbox: writing outside the workspace and temp dirs, network access and reading credential files are blocked there.",
      );
    }
    parts.push(...notes);
    const display: ToolDisplay = {
      kind: "bash",
      exitCode,
      timedOut,
      aborted,
      cwd: shell.cwd,
      truncatedChars: output.cutChars,
    };
    return { content: parts.join("\n"), isError: timedOut || aborted || exitCode !== 0, display };
  },
});

function streamClosed(stream: NodeJS.ReadableStream & { closed?: boolean }): Promise<void> {
  if (stream.closed) return Promise.resolve();
  return new Promise((resolve) => stream.once("close", () => resolve()));
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function firstLine(command: string): string {
  const line = command.split("\n")[0] ?? "";
  return line.length > 120 || command.includes("\n") ? `${line.slice(0, 117)}…` : line;
}

function signalNumber(signal: NodeJS.Signals): number {
  return constants.signals[signal] ?? 0;
}
