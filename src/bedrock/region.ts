import { homedir } from "node:os";
import { readAwsProfile } from "./aws-config.js";
import { QuarryError } from "./errors.js";

/** A region and the place it came from, so messages can say "region eu-west-1 (from ~/.aws/config [profile dev])". */
export interface ResolvedRegion {
  region: string;
  source: string;
}

const REGION_NAME = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;

/**
 * Resolves the region in the AWS CLI's order: AWS_REGION, AWS_DEFAULT_REGION, then the active profile's
 * `region` in ~/.aws/config. Never a silent default: with no region anywhere it throws an error showing the
 * three places (the seeds' #1 trap is assuming the AWS CLI's setting applies when it does not).
 */
export async function resolveRegion(
  env: NodeJS.ProcessEnv,
  options: { override?: ResolvedRegion; home?: string } = {},
): Promise<ResolvedRegion> {
  const candidate =
    options.override ??
    (env.AWS_REGION ? { region: env.AWS_REGION, source: "env AWS_REGION" } : undefined) ??
    (env.AWS_DEFAULT_REGION
      ? { region: env.AWS_DEFAULT_REGION, source: "env AWS_DEFAULT_REGION" }
      : undefined);
  const profile = candidate ? undefined : await readAwsProfile(env, options.home ?? homedir());
  const resolved =
    candidate ??
    (profile?.config?.region
      ? {
          region: profile.config.region,
          source: `${profile.configFile} [${profile.name === "default" ? "default" : `profile ${profile.name}`}] region`,
        }
      : undefined);
  if (!resolved) {
    const where = profile
      ? `${profile.configFile} [${profile.name === "default" ? "default" : `profile ${profile.name}`}]`
      : "~/.aws/config";
    throw new QuarryError({
      kind: "no-region",
      rawMessage: "",
      explanation: "No AWS region is configured, and Quarry will not guess one.",
      fix: `Set one of: AWS_REGION (export AWS_REGION=us-east-1), AWS_DEFAULT_REGION, or a \`region = us-east-1\` line under ${where}.`,
      retryable: false,
    });
  }
  const region = resolved.region.trim();
  if (!REGION_NAME.test(region)) {
    throw new QuarryError({
      kind: "no-region",
      rawMessage: "",
      region,
      regionSource: resolved.source,
      explanation: `"${resolved.region}" (from ${resolved.source}) is not an AWS region name.`,
      fix: 'Use a region code such as us-east-1, us-west-2 or eu-west-1 (not a name like "N. Virginia" or an availability zone like us-east-1a).',
      retryable: false,
    });
  }
  return { region, source: resolved.source };
}
