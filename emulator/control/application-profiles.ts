import { createHash } from "node:crypto";
import type { CallContext, EmulatorRequest } from "../http/types.js";
import { BedrockError } from "../http/types.js";
import { authorize } from "../iam.js";
import { parseArn, type WorldIndex } from "../world/index.js";
import { jsonObjectBody } from "./json-body.js";

/**
 * The control plane's write side for cost attribution: CreateInferenceProfile (`POST /inference-profiles`,
 * an application profile copying a foundation model or system profile, with tags) and ListTagsForResource
 * (`POST /listTagsForResource`). Created profiles live in the running emulator's world index.
 */

/** A write-side answer; the spine serialises `body` as JSON. */
export interface WriteResponse {
  status: number;
  body: unknown;
}

function jsonBody(req: EmulatorRequest): Record<string, unknown> {
  return jsonObjectBody(req, "ValidationException", "The request body is not valid JSON.");
}

function tagsOf(raw: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(raw)) return out;
  for (const t of raw as { key?: unknown; value?: unknown }[]) {
    if (typeof t.key === "string" && typeof t.value === "string") out[t.key] = t.value;
  }
  return out;
}

/** Handles the POST routes; undefined when the path is not one of them. */
export function handleControlWrite(
  req: EmulatorRequest,
  ctx: CallContext,
  world: WorldIndex,
): WriteResponse | undefined {
  if (req.method !== "POST") return undefined;
  if (/\/inference-profiles$/.test(req.rawPath)) return createInferenceProfile(req, ctx, world);
  if (/\/listTagsForResource$/.test(req.rawPath)) return listTags(req, ctx, world);
  return undefined;
}

function createInferenceProfile(req: EmulatorRequest, ctx: CallContext, world: WorldIndex): WriteResponse {
  ctx.note("operation", "CreateInferenceProfile");
  const body = jsonBody(req);
  const name = body.inferenceProfileName;
  const copyFrom = (body.modelSource as { copyFrom?: unknown } | undefined)?.copyFrom;
  if (typeof name !== "string" || !/^[0-9a-zA-Z]([0-9a-zA-Z: _-]{0,62}[0-9a-zA-Z])?$/.test(name))
    throw new BedrockError(
      400,
      "ValidationException",
      `1 validation error detected: Value '${String(name)}' at 'inferenceProfileName' failed to satisfy constraint: Member must satisfy regular expression pattern: ([0-9a-zA-Z][ _-]?)+`,
    );
  if (typeof copyFrom !== "string")
    throw new BedrockError(
      400,
      "ValidationException",
      "1 validation error detected: Value null at 'modelSource.copyFrom' failed to satisfy constraint: Member must not be null",
    );
  authorize(ctx.identity, "bedrock:CreateInferenceProfile", "*", ctx.region);
  if (world.applicationProfilesIn(ctx.region).some((a) => a.profile.name === name))
    throw new BedrockError(409, "ConflictException", `An inference profile named ${name} already exists.`);
  // copyFrom is an ARN: a foundation model (…::foundation-model/<id>) or a system profile (…:inference-profile/<id>).
  const source = copyFrom.startsWith("arn:") ? parseArn(copyFrom)?.resourceId : copyFrom;
  const id = createHash("sha256").update(`${ctx.region}/${name}`).digest("hex").slice(0, 12);
  const view = source
    ? world.addApplicationProfile({ id, name, region: ctx.region, copyFrom: source, tags: tagsOf(body.tags) })
    : undefined;
  if (!view)
    throw new BedrockError(
      400,
      "ValidationException",
      `The model source ${copyFrom} is not valid for this Region.`,
    );
  return { status: 201, body: { inferenceProfileArn: view.arn, status: "ACTIVE" } };
}

function listTags(req: EmulatorRequest, ctx: CallContext, world: WorldIndex): WriteResponse {
  ctx.note("operation", "ListTagsForResource");
  const arn = String(jsonBody(req).resourceARN ?? "");
  authorize(ctx.identity, "bedrock:ListTagsForResource", arn, ctx.region);
  const parsed = parseArn(arn);
  const app =
    parsed?.resourceType === "application-inference-profile"
      ? world.applicationProfile(parsed.resourceId)
      : undefined;
  if (!app) throw new BedrockError(404, "ResourceNotFoundException", `The resource ${arn} was not found.`);
  return {
    status: 200,
    body: { tags: Object.entries(app.profile.tags ?? {}).map(([key, value]) => ({ key, value })) },
  };
}
