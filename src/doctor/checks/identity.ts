import { parseModelId } from "../../bedrock/model-id.js";
import { CREDENTIAL_KINDS, type DoctorContext } from "../context.js";
import type { CheckOutcome } from "../types.js";

/** Credentials are flagged when they expire sooner than this (a long session would hit the expiry). */
const EXPIRY_WARNING_MS = 15 * 60 * 1000;

/**
 * Credentials and identity: which link of the chain supplies them, STS GetCallerIdentity (account and
 * principal ARN), expiry. The account is always shown, because a `[default]` profile pointing at another
 * account is a real cause of 403s that no error message names.
 */
export async function checkIdentity(ctx: DoctorContext): Promise<CheckOutcome> {
  const { auth, profile } = ctx.connection;
  if (auth.kind === "none") {
    return {
      status: "skip",
      detail: `requests are sent unsigned (${auth.source}); a gateway must add credentials`,
    };
  }
  if (auth.kind === "bearer") {
    return {
      status: "skip",
      detail: `${auth.source}; STS cannot check an API key, so the model probes below are the test`,
    };
  }
  let who: Awaited<ReturnType<DoctorContext["identity"]>>;
  try {
    who = await ctx.identity();
  } catch (err) {
    const e = err as { kind?: string; explanation?: string; fix?: string; rawMessage?: string };
    const lines = [`credentials from ${auth.source}`, e.explanation ?? String(err)];
    if (e.rawMessage && !lines[1]?.includes(e.rawMessage)) lines.push(`AWS said: ${e.rawMessage}`);
    return {
      status: "fail",
      detail: lines.join("\n"),
      fix: CREDENTIAL_KINDS.has(e.kind ?? "") ? e.fix : (e.fix ?? "Check with: aws sts get-caller-identity"),
    };
  }
  const lines = [`account ${who.account}, ${who.arn}`, `credentials from ${auth.source}`];
  let status: CheckOutcome["status"] = "pass";
  let fix: string | undefined;
  const envKeys = Boolean(ctx.env.AWS_ACCESS_KEY_ID && ctx.env.AWS_SECRET_ACCESS_KEY);
  if (!envKeys && profile.name === "default" && !ctx.settings.awsProfile) {
    lines.push(
      `AWS_PROFILE is not set, so the [default] profile is used: account ${who.account}. If Bedrock is set up in another account, export AWS_PROFILE=<that profile>`,
    );
  }
  if (who.expiration) {
    const left = who.expiration.getTime() - Date.now();
    lines.push(
      `temporary credentials, expire ${who.expiration.toISOString()} (in ${Math.round(left / 60_000)} min)`,
    );
    if (left < EXPIRY_WARNING_MS) {
      status = "warn";
      fix = refreshCommand(ctx);
    }
  }
  for (const account of modelArnAccounts(ctx)) {
    if (account === who.account) continue;
    status = "warn";
    lines.push(
      `a configured model ARN belongs to account ${account}, but these credentials are for account ${who.account}`,
    );
    fix = `use credentials for account ${account} (export AWS_PROFILE=<profile for ${account}>), or an ARN from account ${who.account}`;
  }
  return { status, detail: lines.join("\n"), fix };
}

/** The refresh command for these credentials: awsAuthRefresh, `aws sso login`, or re-exporting keys. */
export function refreshCommand(ctx: DoctorContext): string {
  const refresh = ctx.settings.awsAuthRefresh?.value;
  if (refresh) return refresh;
  const profile =
    ctx.settings.awsProfile?.value ??
    (ctx.connection.profile.config ? ctx.connection.profile.name : undefined);
  if (profile) return `aws sso login --profile ${profile}`;
  return "export fresh AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN values";
}

/** Accounts named by configured model ARNs (main, small/fast, pins). */
function modelArnAccounts(ctx: DoctorContext): Set<string> {
  const s = ctx.settings;
  const values = [
    s.model?.value,
    s.smallFastModel?.value,
    ...Object.values(s.modelPins).map((p) => p?.value),
  ];
  const out = new Set<string>();
  for (const v of values) {
    if (v === undefined) continue;
    const parsed = parseModelId(v);
    if (parsed.kind === "arn" && parsed.arn.account !== "") out.add(parsed.arn.account);
  }
  return out;
}
