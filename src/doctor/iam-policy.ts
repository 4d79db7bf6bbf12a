import { GEO_SOURCE_REGIONS } from "../bedrock/geography.js";
import type { DoctorContext } from "./context.js";
import {
  describeModel,
  foundationModelArn,
  groupResolutions,
  type ResolvedTarget,
  resolveTarget,
} from "./facts.js";
import { mantleStatements } from "./mantle-iam.js";
import { configuredTargets } from "./targets.js";

/** One IAM policy statement, in IAM's own JSON spelling. */
export interface IamStatement {
  Sid: string;
  Effect: "Allow";
  Action: string[];
  Resource: string[];
}

/** An identity-based IAM policy document. */
export interface IamPolicy {
  Version: "2012-10-17";
  Statement: IamStatement[];
}

/** The runtime actions Quarry uses: streaming turns and non-streaming side tasks. */
export const INVOKE_ACTIONS = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"];

/** Read-only control-plane calls doctor and the resolver make. sts:GetCallerIdentity needs no permission. */
export const READ_ONLY_ACTIONS = [
  "bedrock:ListInferenceProfiles",
  "bedrock:GetInferenceProfile",
  "bedrock:GetFoundationModel",
  "bedrock:GetFoundationModelAvailability",
  "bedrock:ListFoundationModels",
];

/**
 * Builds the least-privilege policy for exactly the configured models: Invoke* on each model's ARN (the
 * inference profile, or the foundation model) and on the foundation-model ARN in every region the profile
 * routes to (IAM checks each, per GetInferenceProfile's models[]), one statement per model so a missing
 * grant is easy to spot; plus the read-only calls. Notes say where a value had to be assumed.
 */
export async function buildIamPolicy(ctx: DoctorContext): Promise<{ policy: IamPolicy; notes: string[] }> {
  const notes: string[] = [];
  const account = await ctx.identity().then(
    (who) => who.account,
    (err: { explanation?: string }) => {
      notes.push(
        `Could not read the account from STS (${err.explanation ?? String(err)}); used "*" in profile ARNs.`,
      );
      return "*";
    },
  );
  const targets = configuredTargets(ctx.settings, ctx.connection);
  const resolutions = await Promise.all(targets.map((t) => resolveTarget(ctx.connection, t)));
  for (const r of resolutions) {
    if (!r.ok)
      notes.push(
        `Skipped the ${r.target.label} (${r.target.requested}): ${r.error.explanation} Fix: ${r.error.fix}`,
      );
  }
  const groups = groupResolutions(resolutions);
  const statements = await Promise.all(groups.map((g) => invokeStatement(ctx, g, account, notes)));
  const used = new Set<string>();
  for (const st of statements) {
    // Sids must be unique within a policy.
    let sid = st.Sid;
    for (let n = 2; used.has(sid); n++) sid = `${st.Sid}${n}`;
    used.add(sid);
    st.Sid = sid;
  }
  statements.push({ Sid: "QuarryReadOnly", Effect: "Allow", Action: READ_ONLY_ACTIONS, Resource: ["*"] });
  const mantle = mantleStatements(ctx, account);
  if (mantle.length > 0) {
    notes.push(
      "Mantle authorizes inference on projects (arn:aws:bedrock-mantle:<region>:<account>:project/<id>), as in the AWS managed policy AmazonBedrockMantleInferenceAccess.",
    );
  }
  statements.push(...mantle);
  return { policy: { Version: "2012-10-17", Statement: statements }, notes };
}

async function invokeStatement(
  ctx: DoctorContext,
  group: ResolvedTarget,
  account: string,
  notes: string[],
): Promise<IamStatement> {
  const { resolved } = group;
  const words = group.targets.flatMap((t) => t.label.split(/[^A-Za-z0-9]+/)).filter((w) => w !== "");
  const sid = `Invoke${words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join("")}`;
  const described = await describeModel(ctx.connection, resolved, group.context);
  let resources: string[];
  if (described.found === true) {
    resources = [described.resourceArn, ...described.modelArns];
  } else {
    resources = assumedResources(resolved, account);
    const why = described.found === false ? described.error.explanation : described.reason;
    notes.push(`${resolved.sendId}: ${why} The statement for it uses the documented routing instead.`);
  }
  return { Sid: sid, Effect: "Allow", Action: [...INVOKE_ACTIONS], Resource: [...new Set(resources)] };
}

/** Resources when the control plane could not be asked: the static geography tables. */
function assumedResources(resolved: ResolvedTarget["resolved"], account: string): string[] {
  const region = resolved.region;
  const fm = resolved.foundationModelId;
  if (resolved.kind === "system-profile" && fm && resolved.geo) {
    const profileArn = resolved.sendId.startsWith("arn:")
      ? resolved.sendId
      : `arn:aws:bedrock:${region}:${account}:inference-profile/${resolved.sendId}`;
    const destinations = resolved.geo === "global" ? ["*"] : [...GEO_SOURCE_REGIONS[resolved.geo]];
    return [profileArn, ...destinations.map((r) => `arn:aws:bedrock:${r}::foundation-model/${fm}`)];
  }
  if (resolved.kind === "foundation-model" && fm) return [foundationModelArn(region, fm)];
  return [resolved.sendId];
}
