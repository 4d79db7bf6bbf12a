import type { DoctorContext } from "../context.js";
import type { CheckOutcome } from "../types.js";

/** Region: the resolved value and its source, a valid name; says plainly when it comes only from the profile. */
export function checkRegion(ctx: DoctorContext): CheckOutcome {
  if (ctx.regionError) {
    return { status: "fail", detail: ctx.regionError.explanation, fix: ctx.regionError.fix };
  }
  const { region, source } = ctx.connection.region;
  const lines = [`${region} (${source})`];
  if (!source.startsWith("env ") && !source.startsWith("--")) {
    lines.push(
      `AWS_REGION is not set: the region comes from ${source}, which Quarry and the AWS CLI read; tools that only read AWS_REGION need \`export AWS_REGION=${region}\``,
    );
  }
  const small = ctx.connection.configured("small").region;
  if (small.region !== region) lines.push(`small/fast model region: ${small.region} (${small.source})`);
  return { status: "pass", detail: lines.join("\n") };
}
