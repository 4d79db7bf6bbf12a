import { checkConfiguration } from "./checks/config.js";
import { checkGuardrail } from "./checks/guardrail.js";
import { checkIdentity } from "./checks/identity.js";
import { messagesApiModelChecks, usesMessagesApi } from "./checks/messages-api.js";
import { modelChecks } from "./checks/model.js";
import { checkCustomCa, checkEndpoints, checkProxy } from "./checks/network.js";
import { checkRegion } from "./checks/region.js";
import type { DoctorContext } from "./context.js";
import { type CheckResult, type DoctorReport, timed } from "./types.js";

/**
 * Runs every check at once (each model's probes included) and returns them in report order. Nothing here
 * waits on another check: wall time is the slowest chain (resolve → probe), not the sum of round trips.
 */
export async function runDoctor(ctx: DoctorContext): Promise<DoctorReport> {
  const started = performance.now();
  const fixed: Promise<CheckResult>[] = [
    timed("config", "Configuration", () => checkConfiguration(ctx.settings)),
    timed("region", "Region", () => checkRegion(ctx)),
    timed("credentials", "Credentials and identity", () => checkIdentity(ctx)),
    timed("network.proxy", "Proxy", () => checkProxy(ctx)),
    timed("network.ca", "Custom CA", () => checkCustomCa(ctx)),
    timed("network.endpoints", "Endpoints", () => checkEndpoints(ctx)),
    ...(ctx.settings.guardrailId || ctx.settings.guardrailVersion
      ? [timed("guardrail", "Guardrail", () => checkGuardrail(ctx))]
      : []),
  ];
  // Roles on Mantle or the Anthropic API are checked on their own wire (checks/messages-api.ts).
  const models = usesMessagesApi(ctx) ? messagesApiModelChecks(ctx) : modelChecks(ctx);
  const checks = [...(await Promise.all(fixed)), ...(await models)];
  return {
    ok: checks.every((c) => c.status !== "fail"),
    checks,
    ms: Math.round(performance.now() - started),
  };
}
