import type { Command } from "commander";

/** Registers `quarry doctor` and `quarry models`. Implementations load lazily (start-up stays cheap). */
export function registerDoctorCommands(program: Command): void {
  program
    .command("doctor")
    .description(
      "check region, credentials, model access, permissions and streaming for every configured model",
    )
    .option("--json", "print the report as JSON: { ok, checks: [{ id, status, title, detail, fix, ms }] }")
    .option("--iam-policy", "print a least-privilege IAM policy (JSON) for the configured models")
    .option("--for <tool>", "check another tool's setup against this account: claude-code")
    .option("--fix", "write the settings lines that fix what doctor found (shows a diff, asks first)")
    .option("--yes", "with --fix: write without asking")
    .action(
      async (opts: { json?: boolean; iamPolicy?: boolean; for?: string; fix?: boolean; yes?: boolean }) => {
        const { runDoctorCommand, exitWith } = await import("../../doctor/cli.js");
        exitWith(await runDoctorCommand(opts), "doctor found failing checks (see above)");
      },
    );

  program
    .command("models")
    .description("list the Claude (and other tool-capable) models usable in the region, with access status")
    .option("--json", "print the list as JSON")
    .action(async (opts: { json?: boolean }) => {
      const { runModelsCommand, exitWith } = await import("../../doctor/cli.js");
      exitWith(await runModelsCommand(opts), "listing models failed (see above)");
    });
}
