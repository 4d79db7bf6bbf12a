import { CommanderError } from "commander";
import { QuarryError } from "../bedrock/errors.js";
import { ConfigError, loadSettings, type Settings } from "../config/index.js";
import { type DoctorContext, openDoctorContext } from "./context.js";
import { runDoctorPlus } from "./fix-command.js";
import { buildIamPolicy } from "./iam-policy.js";
import { listModels, renderModels } from "./models.js";
import { renderReport, reportJson, wantsColor } from "./report.js";
import { runDoctor } from "./run.js";
import { anyCheckTimedOut } from "./types.js";

/** Options of `quarry doctor`. */
export interface DoctorOptions {
  json?: boolean;
  iamPolicy?: boolean;
  /** `claude-code`: check the user's Claude Code setup instead of Quarry's. */
  for?: string;
  /** Write the settings lines that fix what doctor found (diff first, then y/N or --yes). */
  fix?: boolean;
  yes?: boolean;
}

/** Options of `quarry models`. */
export interface ModelsOptions {
  json?: boolean;
}

/** Settings, or exit code 2 with the ConfigError's message and fix on stderr. */
function settingsOrExit(): Settings | number {
  try {
    return loadSettings({ cwd: process.cwd(), env: process.env });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`quarry: ${err.message}\n  Fix: ${err.fix}\n`);
    return 2;
  }
}

async function contextOrExit(): Promise<DoctorContext | number> {
  const settings = settingsOrExit();
  if (typeof settings === "number") return settings;
  return openDoctorContext(settings, process.env);
}

/** `quarry doctor [--json] [--iam-policy]`; returns the exit code (0 ok, 1 a check failed, 2 configuration). */
export async function runDoctorCommand(options: DoctorOptions): Promise<number> {
  const ctx = await contextOrExit();
  if (typeof ctx === "number") return ctx;
  if (options.iamPolicy) {
    const { policy, notes } = await buildIamPolicy(ctx);
    for (const note of notes) process.stderr.write(`quarry: note: ${note}\n`);
    process.stdout.write(`${JSON.stringify(policy, null, 2)}\n`);
    return 0;
  }
  if (options.for !== undefined || options.fix) return runDoctorPlus(ctx, options);
  const report = await runDoctor(ctx);
  const text = options.json
    ? reportJson(report)
    : renderReport(report, wantsColor(process.stdout, process.env));
  const code = report.ok ? 0 : 1;
  if (anyCheckTimedOut()) {
    // A hung request cannot be cancelled through the SDK and its open socket would keep the process alive
    // until the client's own timeout: the report is complete, so leave once it is written.
    await new Promise<void>((done) => process.stdout.write(text, () => done()));
    process.exit(code);
  }
  process.stdout.write(text);
  return code;
}

/** `quarry models [--json]`; returns the exit code (0 listed, 1 AWS refused, 2 configuration). */
export async function runModelsCommand(options: ModelsOptions): Promise<number> {
  const ctx = await contextOrExit();
  if (typeof ctx === "number") return ctx;
  if (ctx.regionError) {
    process.stderr.write(`quarry: ${ctx.regionError.render()}\n`);
    return 2;
  }
  try {
    const listing = await listModels(ctx);
    process.stdout.write(options.json ? `${JSON.stringify(listing, null, 2)}\n` : renderModels(listing));
    return 0;
  } catch (err) {
    if (!(err instanceof QuarryError)) throw err;
    process.stderr.write(`quarry: ${err.render()}\n`);
    return 1;
  }
}

/**
 * Turns an exit code into what main() understands: returning is 0, a CommanderError is 2 (usage), and any
 * other error is printed as `quarry: <message>` and becomes 1.
 */
export function exitWith(code: number, failure: string): void {
  if (code === 0) return;
  if (code === 2) throw new CommanderError(2, "quarry.config", "");
  throw new Error(failure);
}
