import { homedir } from "node:os";
import type { Command } from "commander";

/** Registers `quarry cost`: spend from the transcripts by day, project, region, profile and model. */
export function registerCostCommand(program: Command, setExitCode: (code: number) => void): void {
  program
    .command("cost")
    .description("report spend from the transcripts by day, project, region, profile and model")
    .option("--json", "print the groups as JSON")
    .option("--since <when>", "only calls on or after a day (2026-11-01) or a number of days back (7d)")
    .action(async (opts: { json?: boolean; since?: string }) => {
      const { aggregateCost, parseSince, renderCostTable } = await import("../../cost/aggregate.js");
      const { resolveDataDir } = await import("../../session/index.js");
      let since: Date | undefined;
      try {
        since = opts.since === undefined ? undefined : parseSince(opts.since);
      } catch (err) {
        process.stderr.write(`quarry: ${(err as Error).message}\n`);
        setExitCode(2);
        return;
      }
      const rows = aggregateCost(resolveDataDir(process.env, process.env.HOME || homedir()), since);
      if (opts.json) {
        const totalUsd = rows.reduce((s, r) => s + r.costUsd, 0);
        process.stdout.write(
          `${JSON.stringify({ since: since?.toISOString() ?? null, rows, totalUsd }, null, 2)}\n`,
        );
      } else process.stdout.write(renderCostTable(rows));
    });
}
