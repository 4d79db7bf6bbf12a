import type { CallContext, EmulatorRequest } from "../http/types.js";
import { BedrockError } from "../http/types.js";
import { authorize } from "../iam.js";
import type { WorldIndex } from "../world/index.js";

/**
 * GetGuardrail on the control plane: `GET /guardrails/{guardrailIdentifier}?guardrailVersion=` (AWS API
 * reference, GetGuardrail). The answer carries what doctor reads: status, version, the blocked messages and
 * `crossRegionDetails {guardrailProfileId, guardrailProfileArn}` when the guardrail has a guardrail profile
 * (GuardrailCrossRegionDetails; profile IDs look like `us.guardrail.v1:0`, API reference
 * GuardrailCrossRegionConfig).
 */
export function getGuardrail(
  identifier: string,
  req: EmulatorRequest,
  ctx: CallContext,
  world: WorldIndex,
): { status: number; body: unknown } {
  ctx.note("operation", "GetGuardrail");
  const id = identifier.startsWith("arn:") ? identifier.slice(identifier.lastIndexOf("/") + 1) : identifier;
  const version = new URLSearchParams(req.rawQuery).get("guardrailVersion") ?? "DRAFT";
  const { accountId, partition } = world.world;
  const arn = `arn:${partition}:bedrock:${ctx.region}:${accountId}:guardrail/${id}`;
  authorize(ctx.identity, "bedrock:GetGuardrail", arn, ctx.region);
  const g = world.world.guardrails.find((x) => x.id === id && x.regions.includes(ctx.region));
  if (!g || (version !== "DRAFT" && !g.versions.includes(version))) {
    // **I**: the exception is the API's (ResourceNotFoundException, 404); the wording is ours.
    throw new BedrockError(
      404,
      "ResourceNotFoundException",
      `Guardrail ${identifier} version ${version} was not found.`,
    );
  }
  const geo = ctx.region.split("-")[0] === "eu" ? "eu" : ctx.region.startsWith("ap-") ? "apac" : "us";
  const profileId = `${geo}.guardrail.v1:0`;
  const now = "2026-01-01T00:00:00Z";
  return {
    status: 200,
    body: {
      name: g.name,
      guardrailId: g.id,
      guardrailArn: arn,
      version,
      status: "READY",
      wordPolicy: { words: g.blockedWords.map((text) => ({ text })) },
      blockedInputMessaging: g.blockedInputMessaging,
      blockedOutputsMessaging: g.blockedOutputsMessaging,
      ...(g.crossRegion
        ? {
            crossRegionDetails: {
              guardrailProfileId: profileId,
              guardrailProfileArn: `arn:${partition}:bedrock:${ctx.region}:${accountId}:guardrail-profile/${profileId}`,
            },
          }
        : {}),
      createdAt: now,
      updatedAt: now,
    },
  };
}
