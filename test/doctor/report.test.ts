import { describe, expect, it } from "vitest";
import { renderReport, reportJson, summaryLine, wantsColor } from "../../src/doctor/report.js";
import type { DoctorReport } from "../../src/doctor/types.js";

const report: DoctorReport = {
  ok: false,
  ms: 412,
  checks: [
    { id: "region", status: "pass", title: "Region", detail: "us-east-1 (env AWS_REGION)", fix: null, ms: 1 },
    {
      id: "model.small.access",
      status: "fail",
      title: "small/fast model access",
      detail: "anthropic.claude-haiku-4-5 is not enabled\nsecond line",
      fix: "Enable it in the Bedrock console",
      ms: 20,
    },
    {
      id: "model.main.caching",
      status: "warn",
      title: "main model prompt caching",
      detail: "refused",
      fix: "export DISABLE_PROMPT_CACHING=1",
      ms: 3,
    },
    {
      id: "model.main.ttft",
      status: "skip",
      title: "main model time to first token",
      detail: "no stream",
      fix: null,
      ms: 0,
    },
  ],
};

describe("doctor report", () => {
  it("renders one line per check with its mark, detail lines indented, and the fix under warnings and failures", () => {
    expect(renderReport(report, false)).toBe(
      [
        "✓ Region: us-east-1 (env AWS_REGION) (1 ms)",
        "✗ small/fast model access: anthropic.claude-haiku-4-5 is not enabled (20 ms)",
        "    second line",
        "    Fix: Enable it in the Bedrock console",
        "! main model prompt caching: refused (3 ms)",
        "    Fix: export DISABLE_PROMPT_CACHING=1",
        "- main model time to first token: no stream (0 ms)",
        "",
        "FAILED: 1 passed, 1 warning, 1 failed, 1 skipped in 412 ms",
        "",
      ].join("\n"),
    );
  });

  it("colours only on a TTY without NO_COLOR", () => {
    expect(renderReport(report, true)).toContain("\u001b[31m✗\u001b[0m");
    expect(wantsColor({ isTTY: true }, {})).toBe(true);
    expect(wantsColor({ isTTY: true }, { NO_COLOR: "1" })).toBe(false);
    expect(wantsColor({ isTTY: false }, {})).toBe(false);
  });

  it("summarises and serialises", () => {
    expect(summaryLine({ ...report, ok: true, checks: report.checks.slice(0, 1) })).toBe(
      "OK: 1 passed, 0 failed in 412 ms",
    );
    expect(JSON.parse(reportJson(report))).toEqual({ ok: false, checks: report.checks });
  });
});
