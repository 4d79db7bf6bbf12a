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

/** How long one check may wait before it fails as hung (QUARRY_DOCTOR_TIMEOUT_MS overrides). */
export const DEFAULT_CHECK_TIMEOUT_MS = 30_000;

let timedOutChecks = 0;

/** Whether any check of this process gave up on a request that never answered (its socket is still open). */
export function anyCheckTimedOut(): boolean {
  return timedOutChecks > 0;
}

function checkTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = Number(env.QUARRY_DOCTOR_TIMEOUT_MS);
  return Number.isFinite(raw) && raw > 0 ? raw : DEFAULT_CHECK_TIMEOUT_MS;
}

/**
 * Runs a check body, timing it; an unexpected throw becomes a failed check rather than a crash, and a body
 * still waiting after the check deadline (a stalled endpoint, proxy or VPC endpoint) fails with that said:
 * a preflight must answer, not hang on what it is checking.
 */
export async function timed(
  id: string,
  title: string,
  body: () => Promise<CheckOutcome> | CheckOutcome,
): Promise<CheckResult> {
  const started = performance.now();
  const limit = checkTimeoutMs();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<CheckOutcome>((resolve) => {
    timer = setTimeout(() => {
      timedOutChecks++;
      resolve(
        fail(
          `No answer within ${(limit / 1000).toFixed(limit < 10_000 ? 1 : 0)} s: a request of this check never came back (a stalled endpoint, proxy or VPC endpoint).`,
          "check the endpoint and the network path (AWS_ENDPOINT_URL*, HTTPS_PROXY, VPC endpoints); on a slow link raise QUARRY_DOCTOR_TIMEOUT_MS",
        ),
      );
    }, limit);
    timer.unref?.();
  });
  let outcome: CheckOutcome;
  try {
    outcome = await Promise.race([Promise.resolve().then(body), deadline]);
  } catch (err) {
    outcome = fail(`Unexpected error: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    clearTimeout(timer);
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
