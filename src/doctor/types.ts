/** Outcome of one doctor check; `warn` never fails the run, `skip` means it could not be tried. */
export type CheckStatus = "pass" | "warn" | "fail" | "skip";

/** One line of the doctor report (the `--json` shape, field for field). */
export interface CheckResult {
  /** Stable id, e.g. `model.small.access`, for scripts reading `--json`. */
  readonly id: string;
  readonly status: CheckStatus;
  readonly title: string;
  /** What was found; may span several lines (the configuration check lists every value). */
  readonly detail: string;
  /** The exact next step (an env line, an `aws` command, a console URL, an IAM statement); null when none. */
  readonly fix: string | null;
  /** Wall time of the check in milliseconds. */
  readonly ms: number;
  /** Machine-readable facts behind the detail (quota values, predicted IDs…); in `--json` when present. */
  readonly data?: Readonly<Record<string, unknown>>;
}

/** What a check body returns; the runner adds id, title and timing. */
export interface CheckOutcome {
  readonly status: CheckStatus;
  readonly detail: string;
  readonly fix?: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

/** The whole report. `ok` is false when any check failed. */
export interface DoctorReport {
  readonly ok: boolean;
  readonly checks: CheckResult[];
  /** Wall time of the whole run (not in the JSON contract, used by the summary and the bench). */
  readonly ms: number;
}

/** Shorthands for check bodies. */
export const pass = (detail: string): CheckOutcome => ({ status: "pass", detail });
export const warn = (detail: string, fix?: string): CheckOutcome => ({ status: "warn", detail, fix });
export const fail = (detail: string, fix?: string): CheckOutcome => ({ status: "fail", detail, fix });
export const skip = (detail: string): CheckOutcome => ({ status: "skip", detail });

/** Runs a check body, timing it; an unexpected throw becomes a failed check rather than a crash. */
export async function timed(
  id: string,
  title: string,
  body: () => Promise<CheckOutcome> | CheckOutcome,
): Promise<CheckResult> {
  const started = performance.now();
  let outcome: CheckOutcome;
  try {
    outcome = await body();
  } catch (err) {
    outcome = fail(`Unexpected error: ${err instanceof Error ? err.message : String(err)}`);
  }
  return {
    id,
    status: outcome.status,
    title,
    detail: outcome.detail,
    fix: outcome.fix ?? null,
    ms: Math.round(performance.now() - started),
    ...(outcome.data ? { data: outcome.data } : {}),
  };
}
