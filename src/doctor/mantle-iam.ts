import { roleModel } from "../providers/create-model-session.js";
import type { DoctorContext } from "./context.js";

/** One IAM statement (the same shape as iam-policy.ts's, kept here so the two files do not import each other). */
interface IamStatement {
  Sid: string;
  Effect: "Allow";
  Action: string[];
  Resource: string[];
}

/**
 * Mantle's actions (service prefix `bedrock-mantle`, AWS Service Authorization Reference "Amazon Bedrock
 * Powered by AWS Mantle"; AWS managed policy AmazonBedrockMantleInferenceAccess): CreateInference on the
 * project, the read-only project look-ups, and CallWithBearerToken for Bedrock API keys.
 */
export const MANTLE_ACTIONS = [
  "bedrock-mantle:CreateInference",
  "bedrock-mantle:GetProject",
  "bedrock-mantle:ListProjects",
];

/** The statements for roles on Mantle, in the regions they are called in; none when no role is. */
export function mantleStatements(ctx: DoctorContext, account: string): IamStatement[] {
  const settings = ctx.settings;
  const regions = new Set<string>();
  for (const role of ["main", "small"] as const) {
    if (roleModel(settings, role).provider !== "mantle") continue;
    regions.add(
      role === "small" && settings.smallFastModelRegion
        ? settings.smallFastModelRegion.value
        : ctx.connection.region.region,
    );
  }
  if (regions.size === 0) return [];
  const statements: IamStatement[] = [
    {
      Sid: "QuarryMantleInference",
      Effect: "Allow",
      Action: [...MANTLE_ACTIONS],
      Resource: [...regions].map((r) => `arn:aws:bedrock-mantle:${r}:${account}:project/*`),
    },
  ];
  if (ctx.connection.auth.kind === "bearer") {
    statements.push({
      Sid: "QuarryMantleBearerToken",
      Effect: "Allow",
      Action: ["bedrock-mantle:CallWithBearerToken"],
      Resource: ["*"],
    });
  }
  return statements;
}
