import { BedrockError, escapeXml, renderStsError } from "./http/errors.js";
import type { CallContext, EmulatorRequest } from "./http/types.js";
import { DEFAULT_ACCOUNT_ID } from "./world/default-world.js";
import type { WorldIndex } from "./world/index.js";

const STS_XMLNS = "https://sts.amazonaws.com/doc/2011-06-15/";
const STS_VERSION = "2011-06-15";

/** An STS answer: XML, status and headers ready to send. */
export interface StsResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The query-protocol parameters of a request: the form body of a POST, or the query string of a GET. */
function stsParams(req: EmulatorRequest): URLSearchParams | undefined {
  if (!req.rawPath.endsWith("/")) return undefined;
  if (req.method === "POST") {
    const type = req.headers["content-type"] ?? "";
    if (!type.toLowerCase().includes("application/x-www-form-urlencoded")) return undefined;
    return new URLSearchParams(req.body.toString("utf8"));
  }
  if (req.method === "GET" && req.query.has("Action")) return req.query;
  return undefined;
}

/**
 * Handles STS (query protocol) at `/`: GetCallerIdentity, and InvalidAction for anything else. Returns undefined
 * when the request is not an STS call. Auth was already checked by the spine.
 */
export function handleSts(
  req: EmulatorRequest,
  ctx: CallContext,
  world?: WorldIndex,
): StsResponse | undefined {
  const params = stsParams(req);
  if (!params) return undefined;
  const action = params.get("Action");
  ctx.note("operation", action ?? "(none)");
  if (action !== "GetCallerIdentity") {
    const err = action
      ? new BedrockError(
          400,
          "InvalidAction",
          `Could not find operation ${action} for version ${STS_VERSION}`,
        )
      : new BedrockError(400, "MissingAction", "Missing Action");
    return renderStsError(err, ctx.requestId);
  }
  // GetCallerIdentity needs no permission: AWS answers it even under an explicit deny.
  const account = world?.accountId ?? DEFAULT_ACCOUNT_ID;
  const identity = ctx.identity;
  const arn = identity?.arn ?? `arn:${world?.partition ?? "aws"}:iam::${account}:root`;
  // Root's UserId is the account ID itself.
  const userId = identity?.userId ?? account;
  const arnAccount = /^arn:[^:]+:[^:]+::(\d{12}):/.exec(arn)?.[1] ?? account;
  const body =
    `<GetCallerIdentityResponse xmlns="${STS_XMLNS}">\n` +
    "  <GetCallerIdentityResult>\n" +
    `    <Arn>${escapeXml(arn)}</Arn>\n` +
    `    <UserId>${escapeXml(userId)}</UserId>\n` +
    `    <Account>${arnAccount}</Account>\n` +
    "  </GetCallerIdentityResult>\n" +
    "  <ResponseMetadata>\n" +
    `    <RequestId>${escapeXml(ctx.requestId)}</RequestId>\n` +
    "  </ResponseMetadata>\n" +
    "</GetCallerIdentityResponse>\n";
  return {
    status: 200,
    headers: { "content-type": "text/xml", "x-amzn-requestid": ctx.requestId },
    body,
  };
}
