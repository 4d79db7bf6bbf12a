import { timingSafeEqual } from "node:crypto";
import { Sha256 } from "@aws-crypto/sha256-js";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { BedrockError, type EmulatorRequest } from "../http/types.js";
import type { Identity, World } from "../world/schema.js";

/** Who made a request and for which region, once its credentials have been checked. */
export interface AuthResult {
  scheme: "sigv4" | "bearer" | "none";
  identity: Identity | undefined;
  /** The SigV4 credential-scope region, when the request was signed. */
  scopeRegion?: string;
  /** The SigV4 credential-scope service, when the request was signed. */
  scopeService?: string;
}

const AUTH_RE =
  /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/;

// Texts as Bedrock's front door returns them (WIRE.md §7.2 "Auth errors"; FIELD-REPORT §3 rows 16-19).
const INVALID_TOKEN = "The security token included in the request is invalid.";
const BAD_SIGNATURE =
  "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";
const EXPIRED_TOKEN = "The security token included in the request is expired";
const BAD_API_KEY = "Authentication failed: Please make sure your API Key is valid.";
const SKEW_LIMIT_MS = 15 * 60 * 1000;

/**
 * Checks a request's credentials against the world: SigV4 (verified with @smithy/signature-v4 over the raw
 * path and the client's own SignedHeaders list), Bedrock API keys (Bearer), or nothing when auth is "none".
 * Throws a BedrockError carrying the exception type and message real AWS gives for each failure.
 */
export async function authenticate(
  req: EmulatorRequest,
  world: World,
  expectedService: "bedrock" | "bedrock-mantle" | "sts" | "servicequotas",
  now: Date = new Date(),
): Promise<AuthResult> {
  if (world.auth === "none") return { scheme: "none", identity: undefined };
  const header = req.headers.authorization;
  if (!header) {
    throw new BedrockError(403, "MissingAuthenticationTokenException", "Authorization header is missing");
  }
  if (/^Bearer\s/i.test(header)) {
    if (expectedService !== "bedrock")
      throw new BedrockError(403, "UnrecognizedClientException", INVALID_TOKEN);
    return {
      scheme: "bearer",
      identity: authenticateBearer(header.replace(/^Bearer\s+/i, "").trim(), world, now),
    };
  }
  return authenticateSigV4(req, header, world, expectedService, now);
}

function authenticateBearer(token: string, world: World, now: Date): Identity {
  for (const identity of world.identities) {
    const key = identity.bearerKeys.find((k) => k.token === token);
    if (!key) continue;
    if (key.expiresAt && Date.parse(key.expiresAt) <= now.getTime()) break;
    return identity;
  }
  throw new BedrockError(403, "AccessDeniedException", BAD_API_KEY);
}

async function authenticateSigV4(
  req: EmulatorRequest,
  header: string,
  world: World,
  expectedService: string,
  now: Date,
): Promise<AuthResult> {
  const m = AUTH_RE.exec(header.trim());
  if (!m) {
    throw new BedrockError(
      403,
      "IncompleteSignatureException",
      `Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=${header.split(" ")[0]}`,
    );
  }
  const [, accessKeyId, scopeDate, scopeRegion, scopeService, signedHeaderList, signature] =
    m as unknown as string[];
  const found = findAccessKey(world, accessKeyId!);
  if (!found) throw new BedrockError(403, "UnrecognizedClientException", INVALID_TOKEN);
  const { identity, key } = found;

  const sentToken = req.headers["x-amz-security-token"];
  if (key.sessionToken !== undefined && sentToken !== key.sessionToken) {
    throw new BedrockError(403, "UnrecognizedClientException", INVALID_TOKEN);
  }
  if (key.sessionToken === undefined && sentToken !== undefined) {
    throw new BedrockError(403, "UnrecognizedClientException", INVALID_TOKEN);
  }
  if (key.expiresAt && Date.parse(key.expiresAt) <= now.getTime()) {
    throw new BedrockError(403, "ExpiredTokenException", EXPIRED_TOKEN);
  }

  const amzDate = req.headers["x-amz-date"] ?? "";
  const signingDate = parseAmzDate(amzDate);
  if (!signingDate || !amzDate.startsWith(scopeDate!)) {
    throw new BedrockError(403, "InvalidSignatureException", BAD_SIGNATURE);
  }
  if (Math.abs(signingDate.getTime() - now.getTime()) > SKEW_LIMIT_MS) {
    throw new BedrockError(
      403,
      "InvalidSignatureException",
      `Signature expired: ${amzDate} is now earlier than ${formatAmzDate(new Date(now.getTime() - SKEW_LIMIT_MS))} (${formatAmzDate(now)} - 15 min.)`,
    );
  }
  if (scopeService !== expectedService) {
    throw new BedrockError(
      403,
      "InvalidSignatureException",
      `Credential should be scoped to correct service: '${expectedService}'. `,
    );
  }
  if (!/^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(scopeRegion!)) {
    throw new BedrockError(
      403,
      "InvalidSignatureException",
      "Credential should be scoped to a valid region. ",
    );
  }

  const bodyHash = await sha256Hex(req.body);
  const claimedHash = req.headers["x-amz-content-sha256"];
  if (claimedHash !== undefined && claimedHash !== "UNSIGNED-PAYLOAD" && claimedHash !== bodyHash) {
    throw new BedrockError(
      400,
      "XAmzContentSHA256Mismatch",
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
    );
  }

  const expected = await computeSignature(req, {
    accessKeyId: accessKeyId!,
    secretAccessKey: key.secretAccessKey,
    sessionToken: key.sessionToken,
    region: scopeRegion!,
    service: scopeService!,
    signedHeaders: signedHeaderList!.split(";"),
    signingDate,
  });
  if (!constantTimeEqual(expected, signature!)) {
    throw new BedrockError(403, "InvalidSignatureException", BAD_SIGNATURE);
  }
  return { scheme: "sigv4", identity, scopeRegion, scopeService };
}

function findAccessKey(world: World, accessKeyId: string) {
  for (const identity of world.identities) {
    const key = identity.accessKeys.find((k) => k.accessKeyId === accessKeyId);
    if (key) return { identity, key };
  }
  return undefined;
}

interface SigningInput {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string | undefined;
  region: string;
  service: string;
  signedHeaders: string[];
  signingDate: Date;
}

/**
 * Recomputes the signature with the same library the SDKs sign with. The raw path goes in unchanged: the
 * signer's own URI escaping then double-encodes it exactly as the client's did (WIRE.md §8.2 step 2).
 */
async function computeSignature(req: EmulatorRequest, input: SigningInput): Promise<string> {
  const headers: Record<string, string> = {};
  for (const name of input.signedHeaders) {
    // A proxy may turn :authority into host or back; look both up (WIRE.md §8.2 step 4).
    const value =
      req.headers[name] ??
      (name === "host" ? req.headers[":authority"] : name === ":authority" ? req.headers.host : undefined);
    if (value !== undefined) headers[name] = value;
  }
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(req.rawQuery.replace(/\+/g, "%2B"))) {
    const prev = query[k];
    query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  const request = new HttpRequest({
    method: req.method,
    protocol: "http:",
    hostname: "emulator",
    path: req.rawPath,
    query,
    headers,
    body: req.body,
  });
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: input.accessKeyId,
      secretAccessKey: input.secretAccessKey,
      sessionToken: input.sessionToken,
    },
    region: input.region,
    service: input.service,
    sha256: Sha256,
    uriEscapePath: true,
    applyChecksum: false,
  });
  const signed = await signer.sign(request, {
    signingDate: input.signingDate,
    signableHeaders: new Set(input.signedHeaders),
  });
  const auth = String(signed.headers.authorization ?? "");
  // If the client left a header out of the list the signer would add (x-amz-security-token), the lists differ.
  const m = /SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(auth);
  if (!m || m[1] !== input.signedHeaders.join(";")) return "";
  return m[2]!;
}

function constantTimeEqual(a: string, b: string): boolean {
  const ba = Buffer.from(a);
  const bb = Buffer.from(b);
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}

async function sha256Hex(body: Buffer): Promise<string> {
  const h = new Sha256();
  h.update(body);
  return Buffer.from(await h.digest()).toString("hex");
}

function parseAmzDate(s: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return undefined;
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
}

function formatAmzDate(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
}
