import { type BedrockConnection, connectBedrock } from "../bedrock/connection.js";
import { classifyBedrockError, QuarryError } from "../bedrock/errors.js";
import type { Settings } from "../config/index.js";

/** Who the credentials belong to, per STS GetCallerIdentity. */
export interface CallerIdentity {
  account: string;
  arn: string;
  userId: string;
  /** When the credentials expire, for temporary ones. */
  expiration?: Date;
}

/** Everything the checks share: settings, one connection, and single-flight answers several checks need. */
export interface DoctorContext {
  readonly settings: Settings;
  readonly env: NodeJS.ProcessEnv;
  readonly connection: BedrockConnection;
  /** Set when no usable region is configured; `connection` then uses us-east-1 for STS only. */
  readonly regionError: QuarryError | undefined;
  /** STS GetCallerIdentity, asked once; rejects with a classified QuarryError. */
  identity(): Promise<CallerIdentity>;
}

// STS answers from any commercial region; without a configured one, the identity check can still run here.
const FALLBACK_REGION = "us-east-1";

/**
 * Opens the connection doctor works through. A missing or invalid region is reported by the region check
 * rather than stopping everything: the credentials check still runs, against us-east-1.
 */
export async function openDoctorContext(
  settings: Settings,
  env: NodeJS.ProcessEnv,
  home?: string,
): Promise<DoctorContext> {
  let connection: BedrockConnection;
  let regionError: QuarryError | undefined;
  try {
    connection = await connectBedrock({ settings, env, home });
  } catch (err) {
    if (!(err instanceof QuarryError) || err.kind !== "no-region") throw err;
    regionError = err;
    const fallback: Settings = {
      ...settings,
      region: { value: FALLBACK_REGION, source: { kind: "default" } },
    };
    connection = await connectBedrock({ settings: fallback, env, home });
  }
  let identity: Promise<CallerIdentity> | undefined;
  return {
    settings,
    env,
    connection,
    regionError,
    identity: () => {
      identity ??= callerIdentity(connection);
      return identity;
    },
  };
}

async function callerIdentity(connection: BedrockConnection): Promise<CallerIdentity> {
  const context = connection.failureContext("main", undefined);
  try {
    const expiration = connection.credentials ? (await connection.credentials.get()).expiration : undefined;
    const { GetCallerIdentityCommand } = await import("@aws-sdk/client-sts");
    const sts = await connection.sts();
    const out = await sts.send(new GetCallerIdentityCommand({}));
    return { account: out.Account ?? "", arn: out.Arn ?? "", userId: out.UserId ?? "", expiration };
  } catch (err) {
    throw classifyBedrockError(err, { ...context, model: undefined });
  }
}

/** Error kinds that mean "the credentials themselves are the problem" (the credentials check reports them). */
export const CREDENTIAL_KINDS = new Set([
  "no-credentials",
  "expired-credentials",
  "invalid-credentials",
  "signature-mismatch",
]);
