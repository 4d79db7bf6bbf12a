import { homedir } from "node:os";
import { findSideModel, runClaudeCodeDoctor } from "./claude-code/run.js";
import { readClaudeCodeSetup } from "./claude-code/setup.js";
import type { DoctorContext } from "./context.js";
import { applyPlan, type FixPlan, planFixes } from "./fix.js";
import { renderReport, reportJson, wantsColor } from "./report.js";
import { runDoctor } from "./run.js";
import type { DoctorReport } from "./types.js";

/** The env lines a Quarry doctor report asks for: each check's `data.set`, plus an enabled side model. */
export async function quarryFixes(ctx: DoctorContext, report: DoctorReport): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const check of report.checks) {
    if (check.status !== "warn" && check.status !== "fail") continue;
    const set = check.data?.set as Record<string, string> | undefined;
    if (set) Object.assign(env, set);
  }
  const side = report.checks.find((c) => c.id === "model.small.invoke");
  if (side?.status === "fail") {
    const region = ctx.connection.configured("small").region.region;
    const found = await findSideModel(ctx, region, new Map());
    if (found) {
      env.ANTHROPIC_DEFAULT_HAIKU_MODEL = found;
      env.ANTHROPIC_SMALL_FAST_MODEL = found;
    }
  }
  return env;
}

function planJson(plan: FixPlan, written: boolean) {
  return {
    written,
    edits: plan.edits.map((e) => ({ path: e.path, set: e.set, diff: e.diff })),
    refused: plan.refused,
    shell: plan.shell,
  };
}

/** `quarry doctor --for claude-code` and `quarry doctor --fix` (either or both); returns the exit code. */
export async function runDoctorPlus(
  ctx: DoctorContext,
  options: { json?: boolean; for?: string; fix?: boolean; yes?: boolean },
): Promise<number> {
  if (options.for !== undefined && options.for !== "claude-code") {
    process.stderr.write(
      `quarry: --for ${options.for} is not known; the one tool doctor checks is claude-code\n`,
    );
    return 2;
  }
  const home = process.env.HOME || homedir();
  const cwd = process.cwd();
  const setup = readClaudeCodeSetup(process.env, home, cwd);
  let report: DoctorReport;
  let env: Record<string, string>;
  let extra: Record<string, unknown> = {};
  if (options.for === "claude-code") {
    const cc = await runClaudeCodeDoctor(ctx, setup);
    report = cc;
    env = cc.claudeCode.env;
    extra = { claudeCode: cc.claudeCode };
  } else {
    report = await runDoctor(ctx);
    env = options.fix ? await quarryFixes(ctx, report) : {};
  }
  const plan = options.fix ? planFixes(env, setup, process.env, home, cwd) : undefined;
  if (options.json) {
    // JSON mode never prompts: with --fix it writes only under --yes, and says so in `fix.written`.
    const written = plan !== undefined && options.yes === true && plan.edits.length > 0;
    const code = written
      ? await applyPlan(plan, { yes: true, stdin: process.stdin, stdout: devNull, stderr: devNull })
      : 0;
    const doc = JSON.parse(reportJson(report)) as Record<string, unknown>;
    const out = { ...doc, ...extra, ...(plan ? { fix: planJson(plan, written && code === 0) } : {}) };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    if (plan && !written && plan.edits.length > 0) return 1;
    return code !== 0 ? code : report.ok || (written && code === 0) ? 0 : 1;
  }
  process.stdout.write(renderReport(report, wantsColor(process.stdout, process.env)));
  if (!plan) return report.ok ? 0 : 1;
  process.stdout.write("\n");
  const code = await applyPlan(plan, {
    yes: options.yes === true,
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
  });
  if (code !== 0) return code;
  return report.ok || plan.edits.length > 0 ? 0 : 1;
}

const devNull = { write: () => true } as unknown as NodeJS.WritableStream;
