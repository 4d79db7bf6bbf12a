import { classifyBedrockError } from "../../bedrock/errors.js";
import { guardrailFromSettings } from "../../bedrock/guardrail.js";
import type { DoctorContext } from "../context.js";
import { type CheckOutcome, fail, pass, skip } from "../types.js";

/**
 * The configured Bedrock guardrail (docs/failover.md#guardrails): GetGuardrail in the main model's region
 * says it exists at that version; a cross-region inference profile also needs the guardrail to have a
 * guardrail profile (`crossRegionDetails`), or every request is refused.
 */
export async function checkGuardrail(ctx: DoctorContext): Promise<CheckOutcome> {
  let guardrail: ReturnType<typeof guardrailFromSettings>;
  try {
    guardrail = guardrailFromSettings(ctx.settings);
  } catch (err) {
    const e = err as { explanation?: string; fix?: string; message?: string };
    return fail(e.explanation ?? String(e.message), e.fix);
  }
  if (!guardrail) return skip("No guardrail configured (guardrail.id / QUARRY_GUARDRAIL_ID).");
  if (ctx.regionError) return skip("No region, so the guardrail cannot be looked up.");
  const main = await ctx.connection.resolve("main").catch(() => undefined);
  const region = main?.region ?? ctx.connection.region.region;
  const { GetGuardrailCommand } = await import("@aws-sdk/client-bedrock");
  const client = await ctx.connection.control(region);
  let answer: GetGuardrailCommandOutputShape;
  try {
    answer = (await client.send(
      new GetGuardrailCommand({ guardrailIdentifier: guardrail.id, guardrailVersion: guardrail.version }),
    )) as GetGuardrailCommandOutputShape;
  } catch (err) {
    const e = classifyBedrockError(err, { region, operation: "GetGuardrail" });
    return e.status === 404 || e.awsType === "ResourceNotFoundException"
      ? fail(
          `Guardrail ${guardrail.id} version ${guardrail.version} does not exist in ${region}.`,
          `list yours with: aws bedrock list-guardrails --region ${region}; a guardrail is regional, create or copy it in ${region}`,
        )
      : fail(`GetGuardrail failed in ${region}: ${e.explanation}`, e.fix);
  }
  const lines = [
    `${answer.name ?? guardrail.id} (${guardrail.id}) version ${answer.version ?? guardrail.version} in ${region}: ${answer.status ?? "unknown status"}`,
  ];
  const crossRegion = main?.kind === "system-profile";
  if (crossRegion && !answer.crossRegionDetails?.guardrailProfileId) {
    return fail(
      `${lines[0]}\nThe main model ${main?.sendId} is a cross-region inference profile, and this guardrail has no guardrail profile: Bedrock refuses every request that uses both.`,
      `enable cross-Region on the guardrail (a guardrail profile, console: Guardrails → ${guardrail.id} → Cross-Region inference), or use an in-region model`,
    );
  }
  if (crossRegion)
    lines.push(`cross-region: guardrail profile ${answer.crossRegionDetails?.guardrailProfileId}`);
  if (answer.status && answer.status !== "READY")
    return fail(lines.join("\n"), "wait until the guardrail version is READY, or pick another version");
  return pass(lines.join("\n"));
}

/** The members of GetGuardrail's answer the check reads. */
interface GetGuardrailCommandOutputShape {
  name?: string;
  version?: string;
  status?: string;
  crossRegionDetails?: { guardrailProfileId?: string };
}
