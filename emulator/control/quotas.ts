import type { CallContext, EmulatorRequest } from "../http/types.js";
import { BedrockError } from "../http/types.js";
import { authorize } from "../iam.js";
import type { WorldIndex } from "../world/index.js";
import type { ServiceQuota } from "../world/schema.js";
import { jsonObjectBody } from "./json-body.js";

/**
 * Service Quotas (awsJson1_1): `POST /` with `X-Amz-Target: ServiceQuotasV20190624.<Operation>`, signed for
 * `servicequotas`. Serves ListServiceQuotas and GetServiceQuota for service code `bedrock` from the world's
 * `quotas` (docs/quotas.md). Any other service code has no quotas here, as a world only models Bedrock.
 */

const TARGET_PREFIX = "ServiceQuotasV20190624.";
const PAGE = 100;

/** A Service Quotas answer, serialised as awsJson1_1. */
export interface QuotasResponse {
  status: number;
  body: unknown;
}

/** True when a request is a Service Quotas call (routed before STS and Bedrock). */
export function isServiceQuotasRequest(req: EmulatorRequest): boolean {
  return req.method === "POST" && (req.headers["x-amz-target"] ?? "").startsWith(TARGET_PREFIX);
}

/** The quota in the shape the SDK's ServiceQuota structure reads. */
function quotaShape(world: WorldIndex, q: ServiceQuota, region: string) {
  return {
    ServiceCode: "bedrock",
    ServiceName: "Amazon Bedrock",
    QuotaArn: `arn:${world.partition}:servicequotas:${region}:${world.accountId}:bedrock/${q.code}`,
    QuotaCode: q.code,
    QuotaName: q.name,
    Value: q.value,
    Unit: "None",
    Adjustable: q.adjustable,
    GlobalQuota: false,
    QuotaAppliedAtLevel: "ACCOUNT",
  };
}

function parseBody(req: EmulatorRequest): Record<string, unknown> {
  return jsonObjectBody(req, "SerializationException", "Start of structure or map found where not expected.");
}

function requireServiceCode(body: Record<string, unknown>): string {
  const code = body.ServiceCode;
  if (typeof code !== "string" || code.length === 0)
    throw new BedrockError(
      400,
      "ValidationException",
      "1 validation error detected: Value null at 'serviceCode' failed to satisfy constraint: Member must not be null",
    );
  return code;
}

/** Serves one Service Quotas operation; refusals are thrown as BedrockError. */
export function handleServiceQuotas(
  req: EmulatorRequest,
  ctx: CallContext,
  world: WorldIndex,
): QuotasResponse {
  const operation = (req.headers["x-amz-target"] ?? "").slice(TARGET_PREFIX.length);
  ctx.note("operation", operation);
  const body = parseBody(req);
  const inRegion = (q: ServiceQuota) => q.regions === undefined || q.regions.includes(ctx.region);
  switch (operation) {
    case "ListServiceQuotas": {
      const service = requireServiceCode(body);
      authorize(ctx.identity, "servicequotas:ListServiceQuotas", "*", ctx.region);
      const all = service === "bedrock" ? world.world.quotas.filter(inRegion) : [];
      const offset = typeof body.NextToken === "string" ? Number.parseInt(body.NextToken, 10) || 0 : 0;
      const max = typeof body.MaxResults === "number" ? Math.min(body.MaxResults, PAGE) : PAGE;
      const page = all.slice(offset, offset + max);
      const out: { Quotas: unknown[]; NextToken?: string } = {
        Quotas: page.map((q) => quotaShape(world, q, ctx.region)),
      };
      if (offset + page.length < all.length) out.NextToken = String(offset + page.length);
      return { status: 200, body: out };
    }
    case "GetServiceQuota": {
      const service = requireServiceCode(body);
      const code = String(body.QuotaCode ?? "");
      const arn = `arn:${world.partition}:servicequotas:${ctx.region}:${world.accountId}:${service}/${code}`;
      authorize(ctx.identity, "servicequotas:GetServiceQuota", arn, ctx.region);
      const q =
        service === "bedrock" ? world.world.quotas.find((x) => x.code === code && inRegion(x)) : undefined;
      if (!q)
        throw new BedrockError(
          400,
          "NoSuchResourceException",
          "The request failed because the specified quota doesn't exist.",
        );
      return { status: 200, body: { Quota: quotaShape(world, q, ctx.region) } };
    }
    default:
      throw new BedrockError(400, "UnknownOperationException", `Unknown operation ${operation}`);
  }
}
