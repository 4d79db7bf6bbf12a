import type { CheckStatus, DoctorReport } from "./types.js";

/** Whether to colour output: a TTY, and NO_COLOR unset (https://no-color.org). */
export function wantsColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return Boolean(stream.isTTY) && (env.NO_COLOR === undefined || env.NO_COLOR === "") && env.TERM !== "dumb";
}

const MARK: Record<CheckStatus, string> = { pass: "✓", warn: "!", fail: "✗", skip: "-" };
const COLOR: Record<CheckStatus, string> = { pass: "32", warn: "33", fail: "31", skip: "90" };

/**
 * The human report: one line per check (mark, title, first detail line, time), further detail lines
 * indented, and under every warning or failure its fix. A summary line closes it.
 */
export function renderReport(report: DoctorReport, color: boolean): string {
  const paint = (code: string, text: string) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const dim = (text: string) => paint("2", text);
  const lines: string[] = [];
  for (const check of report.checks) {
    const [first = "", ...rest] = check.detail.split("\n");
    const mark = paint(COLOR[check.status], MARK[check.status]);
    lines.push(`${mark} ${paint("1", check.title)}: ${first} ${dim(`(${check.ms} ms)`)}`);
    for (const line of rest) lines.push(`    ${line}`);
    if (check.fix && (check.status === "fail" || check.status === "warn")) {
      const [fixFirst = "", ...fixRest] = check.fix.split("\n");
      lines.push(`    ${paint(COLOR[check.status], "Fix:")} ${fixFirst}`);
      for (const line of fixRest) lines.push(`         ${line}`);
    }
  }
  lines.push("", summaryLine(report));
  return `${lines.join("\n")}\n`;
}

/** "14 passed, 1 warning, 1 failed, 2 skipped in 420 ms". */
export function summaryLine(report: DoctorReport): string {
  const count = (s: CheckStatus) => report.checks.filter((c) => c.status === s).length;
  const parts = [`${count("pass")} passed`];
  const warnings = count("warn");
  if (warnings) parts.push(`${warnings} warning${warnings === 1 ? "" : "s"}`);
  parts.push(`${count("fail")} failed`);
  const skipped = count("skip");
  if (skipped) parts.push(`${skipped} skipped`);
  return `${report.ok ? "OK" : "FAILED"}: ${parts.join(", ")} in ${report.ms} ms`;
}

/** The `--json` document: `{ ok, checks: [{ id, status, title, detail, fix, ms, data? }] }`. */
export function reportJson(report: DoctorReport): string {
  const checks = report.checks.map(({ id, status, title, detail, fix, ms, data }) => ({
    id,
    status,
    title,
    detail,
    fix,
    ms,
    ...(data ? { data } : {}),
  }));
  return `${JSON.stringify({ ok: report.ok, checks }, null, 2)}\n`;
}
