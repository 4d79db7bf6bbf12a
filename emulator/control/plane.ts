import type { CallContext, EmulatorRequest } from "../http/types.js";
import { BedrockError } from "../http/types.js";
import { authorize } from "../iam.js";
import { getGuardrail } from "../runtime/guardrails-control.js";
import { parseArn, type WorldIndex } from "../world/index.js";
import { handleControlWrite } from "./application-profiles.js";
import { applicationProfileSummary, foundationModelSummary, systemProfileSummary } from "./shapes.js";

/** A control-plane answer; the spine serialises `body` as JSON. */
export interface ControlPlaneResponse {
  status: number;
  body: unknown;
}

// Service-model patterns, quoted in validation messages the way Coral quotes them.
const FM_ID = "[a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}([.:]?[a-z0-9-]{1,63}){0,2}";
export const FOUNDATION_MODEL_IDENTIFIER_PATTERN = `(arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}::foundation-model/${FM_ID})|(${FM_ID})`;
export const BEDROCK_MODEL_ID_PATTERN = FM_ID;
export const INFERENCE_PROFILE_IDENTIFIER_PATTERN =
  "(arn:aws(|-us-gov|-cn|-iso|-iso-b):bedrock:(|[0-9a-z-]{0,20}):(|[0-9]{12}):(inference-profile|application-inference-profile)/)?[a-zA-Z0-9-:.]+";

export const MODEL_NOT_FOUND = "Could not resolve the foundation model from the provided model identifier.";

/** Collects Coral-style constraint violations and throws them as one ValidationException. */
class Violations {
  private readonly items: string[] = [];

  add(value: string, member: string, constraint: string): void {
    this.items.push(`Value '${value}' at '${member}' failed to satisfy constraint: ${constraint}`);
  }

  pattern(value: string, member: string, pattern: string, maxLength: number): void {
    if (value.length > maxLength)
      this.add(value, member, `Member must have length less than or equal to ${maxLength}`);
    else if (!new RegExp(`^(?:${pattern})$`).test(value))
      this.add(value, member, `Member must satisfy regular expression pattern: ${pattern}`);
  }

  oneOf(value: string | null, member: string, allowed: readonly string[]): void {
    if (value !== null && !allowed.includes(value))
      this.add(value, member, `Member must satisfy enum value set: [${allowed.join(", ")}]`);
  }

  throwIfAny(): void {
    const n = this.items.length;
    if (n === 0) return;
    throw new BedrockError(
      400,
      "ValidationException",
      `${n} validation error${n === 1 ? "" : "s"} detected: ${this.items.join("; ")}`,
    );
  }
}

function notFound(message: string): BedrockError {
  return new BedrockError(404, "ResourceNotFoundException", message);
}

/** Path labels arrive percent-encoded (%3A, %2F); a malformed escape is left as is and fails the pattern. */
function decodeLabel(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

const ROUTE =
  /^.*?\/(foundation-models|foundation-model-availability|inference-profiles|guardrails)(?:\/(.*))?$/;

/**
 * Serves the Bedrock control plane (WIRE.md §10): foundation models, their availability and inference profiles.
 * Returns undefined when the request is not a control-plane route; refusals are thrown as BedrockError.
 */
export function handleControlPlane(
  req: EmulatorRequest,
  ctx: CallContext,
  world: WorldIndex,
): ControlPlaneResponse | undefined {
  if (req.method === "POST") return handleControlWrite(req, ctx, world);
  if (req.method !== "GET") return undefined;
  // Match the raw path so an endpoint prefix and the legacy unencoded "/" inside an ARN both work.
  const m = ROUTE.exec(req.rawPath);
  if (!m) return undefined;
  const [, collection, rawLabel] = m;
  const label = rawLabel ? decodeLabel(rawLabel) : undefined;
  switch (collection) {
    case "foundation-models":
      return label === undefined
        ? listFoundationModels(req, ctx, world)
        : getFoundationModel(label, ctx, world);
    case "foundation-model-availability":
      return label === undefined ? undefined : getFoundationModelAvailability(label, ctx, world);
    case "inference-profiles":
      return label === undefined
        ? listInferenceProfiles(req, ctx, world)
        : getInferenceProfile(label, ctx, world);
    case "guardrails":
      return label === undefined ? undefined : getGuardrail(label, req, ctx, world);
    default:
      return undefined;
  }
}

function listFoundationModels(
  req: EmulatorRequest,
  ctx: CallContext,
  world: WorldIndex,
): ControlPlaneResponse {
  ctx.note("operation", "ListFoundationModels");
  const q = req.query;
  const v = new Violations();
  v.oneOf(q.get("byCustomizationType"), "byCustomizationType", [
    "FINE_TUNING",
    "CONTINUED_PRE_TRAINING",
    "DISTILLATION",
  ]);
  v.oneOf(q.get("byOutputModality"), "byOutputModality", ["TEXT", "IMAGE", "EMBEDDING"]);
  v.oneOf(q.get("byInferenceType"), "byInferenceType", ["ON_DEMAND", "PROVISIONED"]);
  v.throwIfAny();
  authorize(ctx.identity, "bedrock:ListFoundationModels", "*", ctx.region);

  const provider = q.get("byProvider")?.toLowerCase();
  const modality = q.get("byOutputModality");
  const inferenceType = q.get("byInferenceType");
  // No world model supports customization, so that filter can only narrow the list to nothing.
  const customization = q.get("byCustomizationType");
  // Models served only by Mantle are not bedrock-runtime foundation models ([I]: Mantle has its own list).
  const models = world
    .modelsInRegion(ctx.region)
    .filter((m) => m.serving !== "mantle")
    .filter((m) => provider === undefined || m.providerName.toLowerCase() === provider)
    .filter((m) => modality === null || m.outputModalities.includes(modality))
    .filter((m) => inferenceType === null || m.inferenceTypes.includes(inferenceType as "ON_DEMAND"))
    .filter(() => customization === null);
  return {
    status: 200,
    body: { modelSummaries: models.map((m) => foundationModelSummary(world, m, ctx.region)) },
  };
}

function getFoundationModel(identifier: string, ctx: CallContext, world: WorldIndex): ControlPlaneResponse {
  ctx.note("operation", "GetFoundationModel");
  ctx.note("modelId", identifier);
  const v = new Violations();
  v.pattern(identifier, "modelIdentifier", FOUNDATION_MODEL_IDENTIFIER_PATTERN, 2048);
  v.throwIfAny();
  let modelId = identifier;
  let regionOk = true;
  if (identifier.startsWith("arn:")) {
    const arn = parseArn(identifier);
    modelId = arn?.resourceId ?? identifier;
    regionOk = arn?.region === ctx.region && arn.partition === world.partition;
  }
  authorize(
    ctx.identity,
    "bedrock:GetFoundationModel",
    world.foundationModelArn(modelId, ctx.region),
    ctx.region,
  );
  const model = world.model(modelId);
  if (!model || !regionOk || !model.regions.includes(ctx.region)) throw notFound(MODEL_NOT_FOUND);
  return { status: 200, body: { modelDetails: foundationModelSummary(world, model, ctx.region) } };
}

function getFoundationModelAvailability(
  modelId: string,
  ctx: CallContext,
  world: WorldIndex,
): ControlPlaneResponse {
  ctx.note("operation", "GetFoundationModelAvailability");
  ctx.note("modelId", modelId);
  const v = new Violations();
  v.pattern(modelId, "modelId", BEDROCK_MODEL_ID_PATTERN, 140);
  v.throwIfAny();
  authorize(ctx.identity, "bedrock:GetFoundationModelAvailability", "*", ctx.region);
  const model = world.model(modelId);
  if (!model) throw notFound(MODEL_NOT_FOUND);
  const access = model.access;
  const inRegion = model.regions.includes(ctx.region);
  const authorized =
    access.authorized && (access.regions === undefined || access.regions.includes(ctx.region));
  // The use-case form and the Marketplace agreement both surface as the agreement not being available.
  const agreement = access.useCaseSubmitted && access.marketplaceAgreement ? "AVAILABLE" : "NOT_AVAILABLE";
  return {
    status: 200,
    body: {
      modelId: model.modelId,
      agreementAvailability: { status: agreement },
      authorizationStatus: authorized ? "AUTHORIZED" : "NOT_AUTHORIZED",
      entitlementAvailability: access.marketplaceAgreement ? "AVAILABLE" : "NOT_AVAILABLE",
      regionAvailability: inRegion ? "AVAILABLE" : "NOT_AVAILABLE",
    },
  };
}

interface PageToken {
  type: string;
  offset: number;
}

function encodeToken(t: PageToken): string {
  return Buffer.from(JSON.stringify(t)).toString("base64url");
}

function decodeToken(token: string, type: string): number {
  try {
    const t = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as Partial<PageToken>;
    if (t.type === type && Number.isInteger(t.offset) && (t.offset as number) > 0) return t.offset as number;
  } catch {
    // Falls through to the refusal below: a token we did not issue.
  }
  throw new BedrockError(400, "ValidationException", "The provided nextToken is invalid.");
}

function listInferenceProfiles(
  req: EmulatorRequest,
  ctx: CallContext,
  world: WorldIndex,
): ControlPlaneResponse {
  ctx.note("operation", "ListInferenceProfiles");
  const q = req.query;
  const v = new Violations();
  const type = q.get("type");
  v.oneOf(type, "typeEquals", ["SYSTEM_DEFINED", "APPLICATION"]);
  const rawMax = q.get("maxResults");
  let maxResults = world.world.pageSize;
  if (rawMax !== null) {
    const n = Number(rawMax);
    if (!/^-?\d+$/.test(rawMax)) v.add(rawMax, "maxResults", "Member must be an integer");
    else if (n < 1) v.add(rawMax, "maxResults", "Member must have value greater than or equal to 1");
    else if (n > 1000) v.add(rawMax, "maxResults", "Member must have value less than or equal to 1000");
    else maxResults = n;
  }
  const nextToken = q.get("nextToken");
  if (nextToken !== null && (nextToken.length < 1 || nextToken.length > 2048))
    v.add(nextToken, "nextToken", "Member must have length between 1 and 2048");
  v.throwIfAny();
  authorize(ctx.identity, "bedrock:ListInferenceProfiles", "*", ctx.region);

  // Without typeEquals Bedrock lists the system-defined profiles; application ones must be asked for.
  const effectiveType = type ?? "SYSTEM_DEFINED";
  const all =
    effectiveType === "APPLICATION"
      ? world.applicationProfilesIn(ctx.region).map((a) => applicationProfileSummary(world, a))
      : world.systemProfilesCallableFrom(ctx.region).map((p) => systemProfileSummary(world, p, ctx.region));
  const offset = nextToken === null ? 0 : decodeToken(nextToken, effectiveType);
  const page = all.slice(offset, offset + maxResults);
  const end = offset + page.length;
  // Omitting nextToken on the last page is what ends clients' `while (nextToken)` loops.
  const body: { inferenceProfileSummaries: unknown[]; nextToken?: string } = {
    inferenceProfileSummaries: page,
  };
  if (end < all.length) body.nextToken = encodeToken({ type: effectiveType, offset: end });
  return { status: 200, body };
}

function getInferenceProfile(identifier: string, ctx: CallContext, world: WorldIndex): ControlPlaneResponse {
  ctx.note("operation", "GetInferenceProfile");
  ctx.note("modelId", identifier);
  const v = new Violations();
  v.pattern(identifier, "inferenceProfileIdentifier", INFERENCE_PROFILE_IDENTIFIER_PATTERN, 2048);
  v.throwIfAny();
  const region = ctx.region;
  const { arn, body } = findProfile(identifier, region, world);
  authorize(ctx.identity, "bedrock:GetInferenceProfile", arn, ctx.region);
  if (!body) throw notFound(`Inference profile ${identifier} does not exist.`);
  return { status: 200, body };
}

/** The profile an identifier names as seen from `region`, and the ARN IAM checks (also when it does not exist). */
function findProfile(identifier: string, region: string, world: WorldIndex): { arn: string; body?: unknown } {
  if (identifier.startsWith("arn:")) {
    const arn = parseArn(identifier);
    const here =
      arn !== undefined &&
      arn.partition === world.partition &&
      arn.region === region &&
      arn.account === world.accountId;
    if (arn?.resourceType === "application-inference-profile") {
      const app = here ? world.applicationProfile(arn.resourceId) : undefined;
      return app && app.profile.region === region
        ? { arn: app.arn, body: applicationProfileSummary(world, app) }
        : { arn: identifier };
    }
    const sys =
      here && arn?.resourceType === "inference-profile" ? world.systemProfile(arn.resourceId) : undefined;
    return sys?.sourceRegions.includes(region)
      ? { arn: world.systemProfileArn(sys.id, region), body: systemProfileSummary(world, sys, region) }
      : { arn: identifier };
  }
  const app = world.applicationProfile(identifier);
  if (app && app.profile.region === region)
    return { arn: app.arn, body: applicationProfileSummary(world, app) };
  const arn = world.systemProfileArn(identifier, region);
  const sys = world.systemProfile(identifier);
  return sys?.sourceRegions.includes(region)
    ? { arn, body: systemProfileSummary(world, sys, region) }
    : { arn };
}
