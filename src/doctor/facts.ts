import type { BedrockConnection } from "../bedrock/connection.js";
import { classifyBedrockError, type FailureContext, QuarryError } from "../bedrock/errors.js";
import { partitionForRegion } from "../bedrock/geography.js";
import type { ResolvedModel } from "../bedrock/resolver.js";
import type { ModelTarget } from "./targets.js";

/** A configured model after resolution: what is sent, where, and the context its errors are named with. */
export interface ResolvedTarget {
  readonly targets: ModelTarget[];
  readonly resolved: ResolvedModel;
  readonly context: FailureContext;
}

/** Resolution of one target: the model, or the resolver's error with its fix. */
export type Resolution =
  | {
      readonly ok: true;
      readonly target: ModelTarget;
      readonly resolved: ResolvedModel;
      readonly context: FailureContext;
    }
  | { readonly ok: false; readonly target: ModelTarget; readonly error: QuarryError };

/** Resolves one target through the connection's one resolver (the same path a session takes). */
export async function resolveTarget(connection: BedrockConnection, target: ModelTarget): Promise<Resolution> {
  try {
    const resolved = await connection.resolve(target.role, target.requested);
    const context: FailureContext = {
      ...connection.failureContext(target.role, resolved),
      modelSource: target.source === "default" ? undefined : target.source.replace(/^env /, ""),
    };
    return { ok: true, target, resolved, context };
  } catch (err) {
    const error =
      err instanceof QuarryError
        ? err
        : classifyBedrockError(err, connection.failureContext(target.role, undefined));
    return { ok: false, target, error };
  }
}

/** Merges targets that resolve to the same ID in the same region, so each model is probed once. */
export function groupResolutions(resolutions: readonly Resolution[]): ResolvedTarget[] {
  const groups = new Map<
    string,
    { targets: ModelTarget[]; resolved: ResolvedModel; context: FailureContext }
  >();
  for (const r of resolutions) {
    if (!r.ok) continue;
    const key = `${r.resolved.region}\n${r.resolved.sendId}`;
    const group = groups.get(key);
    if (group) group.targets.push(r.target);
    else groups.set(key, { targets: [r.target], resolved: r.resolved, context: r.context });
  }
  return [...groups.values()];
}

/** What the control plane says about a resolved model: its ARN and the foundation-model ARNs it routes to. */
export type ModelDescription =
  | {
      readonly found: true;
      /** The ARN IAM checks first (the profile's, or the foundation model's). */
      readonly resourceArn: string;
      /** Foundation-model ARNs in every destination region (IAM checks each). */
      readonly modelArns: string[];
      /** For foundation models: whether the bare ID can be invoked on demand. */
      readonly onDemand?: boolean;
      /** Which API answered, for the detail line. */
      readonly via: string;
    }
  | { readonly found: false; readonly error: QuarryError; readonly notFound: boolean }
  | { readonly found: "unknown"; readonly reason: string };

/** The foundation-model ARN of `fm` in `region`. */
export function foundationModelArn(region: string, fm: string): string {
  return `arn:${partitionForRegion(region)}:bedrock:${region}::foundation-model/${fm}`;
}

/**
 * Looks the model up in its region's control plane: GetInferenceProfile for profiles (system or application),
 * GetFoundationModel for bare models. Other ARN kinds (provisioned, custom, imported) cannot be looked up.
 */
export async function describeModel(
  connection: BedrockConnection,
  resolved: ResolvedModel,
  context: FailureContext,
): Promise<ModelDescription> {
  const region = resolved.region;
  try {
    const client = await connection.control(region);
    if (resolved.kind === "system-profile" || resolved.kind === "application-profile") {
      const { GetInferenceProfileCommand } = await import("@aws-sdk/client-bedrock");
      const p = await client.send(
        new GetInferenceProfileCommand({ inferenceProfileIdentifier: resolved.sendId }),
      );
      return {
        found: true,
        resourceArn: p.inferenceProfileArn ?? resolved.sendId,
        modelArns: (p.models ?? []).map((m) => m.modelArn ?? "").filter((arn) => arn !== ""),
        via: "GetInferenceProfile",
      };
    }
    if (resolved.kind === "foundation-model") {
      const fm = resolved.foundationModelId ?? resolved.sendId;
      const { GetFoundationModelCommand } = await import("@aws-sdk/client-bedrock");
      const out = await client.send(new GetFoundationModelCommand({ modelIdentifier: fm }));
      const arn = out.modelDetails?.modelArn ?? foundationModelArn(region, fm);
      const types = out.modelDetails?.inferenceTypesSupported ?? [];
      return {
        found: true,
        resourceArn: arn,
        modelArns: [arn],
        onDemand: types.includes("ON_DEMAND"),
        via: "GetFoundationModel",
      };
    }
    return {
      found: "unknown",
      reason: `Bedrock has no lookup for ${resolved.kind} ARNs; the invoke probe checks it.`,
    };
  } catch (err) {
    const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
    const notFound = e.name === "ResourceNotFoundException" || e.$metadata?.httpStatusCode === 404;
    return { found: false, error: classifyBedrockError(err, context), notFound };
  }
}

/** The region of an ARN (`arn:aws:bedrock:<region>:…`). */
export function regionOfArn(arn: string): string | undefined {
  return arn.split(":")[3] || undefined;
}
