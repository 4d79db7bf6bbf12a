import { Command, CommanderError } from "commander";
import { registerCostCommand } from "./commands/cost.js";
import { registerDoctorCommands } from "./commands/doctor.js";
import { registerMcpCommands } from "./commands/mcp.js";
import { addSessionOptions, type PrintOptions, runPrintCommand } from "./commands/print.js";
import { registerProfilesCommands } from "./commands/profiles.js";
import { readPackageVersion } from "./version.js";

export { endChildProcesses, installExitCleanup } from "../tools/exit-cleanup.js";

/** Builds the command tree. Subcommands import their implementation lazily so start-up stays cheap. */
export function buildProgram(setExitCode: (code: number) => void = () => {}): Command {
  const program = new Command();
  program
    .name("quarry")
    .description("A terminal coding agent for Claude on Amazon Bedrock")
    .version(readPackageVersion(), "-v, --version", "print the version and exit")
    .helpOption("-h, --help", "show this help")
    // One line and a pointer, not the whole help, after a mistake (docs/headless.md, "Errors").
    .showHelpAfterError("(see quarry --help, or quarry help <command>)")
    .helpCommand("help [command]", "show help for a command")
    .exitOverride();

  program
    .command("emulator")
    .description("run the local Bedrock emulator (for tests and demos)")
    .option("--port <port>", "port to listen on (0 picks a free one)", "4599")
    .option("--world <file>", "world file (JSON) describing the emulated account")
    .option("--tls", "serve HTTPS with a self-signed certificate (its file is printed)")
    .action(async (opts: { port: string; world?: string; tls?: boolean }) => {
      const { runEmulatorCli } = await import("../../emulator/main.js");
      await runEmulatorCli([
        "--port",
        opts.port,
        ...(opts.world ? ["--world", opts.world] : []),
        ...(opts.tls ? ["--tls"] : []),
      ]);
    });

  registerDoctorCommands(program);
  registerMcpCommands(program, setExitCode);
  registerCostCommand(program, setExitCode);
  registerProfilesCommands(program, setExitCode);

  program
    .command("agents")
    .description("list the subagents the Agent tool can run here (name, source file, model, tools)")
    .option("--trust-project", "include this folder's own agents for this run")
    .action(async (opts: { trustProject?: boolean }) => {
      const { runAgentsCommand } = await import("./commands/agents.js");
      setExitCode(await runAgentsCommand(opts));
    });

  program
    .command("trust [path]")
    .description("trust a folder so its own .quarry settings apply in full (see docs/security/trust.md)")
    .option("--list", "list trusted folders")
    .option("--revoke", "stop trusting the folder (default: this project)")
    .action(async (path: string | undefined, opts: { list?: boolean; revoke?: boolean }) => {
      const { runTrustCommand } = await import("./commands/trust.js");
      setExitCode(await runTrustCommand(path, opts));
    });

  addSessionOptions(program).action(async (words: string[], opts: PrintOptions) => {
    const interactive = !opts.print && process.stdin.isTTY && process.stdout.isTTY;
    if (interactive) {
      // Ink and React load only here, so --version, --help and print mode never pay for them.
      const { runInteractive } = await import("./interactive.js");
      setExitCode(await runInteractive(opts, words));
      return;
    }
    // Without a terminal there is no one to ask: behave like print mode, as Claude Code does.
    setExitCode(await runPrintCommand(words, opts));
  });
  return program;
}

/** Runs the CLI and returns the process exit code (0 ok, 1 runtime failure, 2 usage). */
export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = buildProgram((code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version arrive here as "errors" with exit code 0.
      return err.exitCode === 0 ? 0 : 2;
    }
    process.stderr.write(`quarry: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
