import type { AuthResult } from "../auth/authenticate.js";
import { authenticate } from "../auth/authenticate.js";
import type { EmulatorRequest, InvocationTarget, RequestLogEntry, ResponseWriter } from "../http/types.js";
import { authorize } from "../iam.js";
import { parseJsonBody } from "../runtime/anthropic-body.js";
import type { RuntimeEngine } from "../runtime/runtime.js";
import type { WorldIndex } from "../world/index.js";
import type { FoundationModel, World } from "../world/schema.js";
import { AnthropicApiError, API_TEXTS, sendAnthropicError } from "./errors.js";

/** The two Messages-API services the emulator stands in for. */
export type MessagesService = "anthropic-api" | "bedrock-mantle";

// `/v1/messages` is the Anthropic API; `<prefix>/anthropic/v1/messages` is Mantle, whose SDK default base URL
// is https://bedrock-mantle.{region}.api.aws/anthropic (so ANTHROPIC_BEDROCK_MANTLE_BASE_URL=<emulator>/anthropic).
const MESSAGES_ROUTE = /^(?<prefix>.*?)(?<mantle>\/anthropic)?\/v1\/messages(?<count>\/count_tokens)?$/;

/** Which Messages-API service a path belongs to, if any. */
export function messagesServiceFor(
  rawPath: string,
): { service: MessagesService; countTokens: boolean } | undefined {
  const m = MESSAGES_ROUTE.exec(rawPath);
  if (!m) return undefined;
  return { service: m.groups?.mantle ? "bedrock-mantle" : "anthropic-api", countTokens: !!m.groups?.count };
}

/** What the handler needs from the emulator's spine. */
export interface MessagesDeps {
  world: World;
  index: WorldIndex;
  runtime: RuntimeEngine;
}

/**
 * Serves POST /v1/messages (the Anthropic API: x-api-key or a gateway's bearer token) and
 * /anthropic/v1/messages (Mantle: SigV4 scoped to `bedrock-mantle`, or a Bedrock API key) on the emulator's
 * one scripted turn engine. Every refusal is Anthropic's error JSON; nothing here throws.
 */
export async function handleMessages(
  deps: MessagesDeps,
  req: EmulatorRequest,
  res: ResponseWriter,
  entry: RequestLogEntry,
  service: MessagesService,
): Promise<void> {
  entry.service = service;
  entry.operation = "messages";
  try {
    const { region, identity } = await authenticateFor(deps, req, entry, service);
    const body = parseJsonBody(req.body);
    const model =
      typeof (body as { model?: unknown })?.model === "string" ? (body as { model: string }).model : "";
    if (!model) throw new AnthropicApiError(400, "model: Field required");
    entry.modelId = model;
    const found = service === "bedrock-mantle" ? mantleModel(deps.world, model) : apiModel(deps.world, model);
    if (!found) throw new AnthropicApiError(404, API_TEXTS.unknownModel(model));
    entry.notes.resolvedModel = found.modelId;
    if (service === "bedrock-mantle") {
      authorize(identity, "bedrock-mantle:CreateInference", mantleProjectArn(deps, region), region);
    }
    const target: InvocationTarget = {
      requestedId: model,
      kind: "foundation-model",
      model: found,
      resourceArn: deps.index.foundationModelArn(found.modelId, region),
      routedModelArns: [],
    };
    entry.region = region;
    const ctx = {
      requestId: entry.id,
      region,
      identity,
      note: (key: string, value: unknown) => {
        entry.notes[key] = value;
      },
    };
    // The Messages body is the Invoke body plus `model` and `stream` (WIRE.md §5.1): one engine serves both.
    const { model: _model, stream, ...rest } = body as Record<string, unknown>;
    const invokeBody = { anthropic_version: "bedrock-2023-05-31", ...rest };
    const converted: EmulatorRequest = { ...req, body: Buffer.from(JSON.stringify(invokeBody)) };
    const op = stream === true ? "invoke-with-response-stream" : "invoke";
    entry.notes.stream = stream === true;
    await deps.runtime.handle(op, target, converted, ctx, res, { sse: true });
  } catch (err) {
    sendAnthropicError(res, entry, err);
  }
}

/** Who is calling which service, in which region (Mantle: the SigV4 scope; the Anthropic API: the world's first). */
export async function authenticateFor(
  deps: MessagesDeps,
  req: EmulatorRequest,
  entry: RequestLogEntry,
  service: MessagesService,
): Promise<{ region: string; identity: AuthResult["identity"] }> {
  const fallbackRegion = deps.world.regions[0]!;
  if (service === "bedrock-mantle") {
    entry.authScheme = /^Bearer\s/i.test(req.headers.authorization ?? "") ? "bearer" : "sigv4";
    const auth = await authenticate(req, deps.world, "bedrock-mantle");
    entry.identity = auth.identity?.name;
    return { region: auth.scopeRegion ?? fallbackRegion, identity: auth.identity };
  }
  if (deps.world.auth === "none") return { region: fallbackRegion, identity: undefined };
  const { apiKeys, authTokens } = deps.world.anthropicApi;
  const key = req.headers["x-api-key"];
  const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? "")?.[1]?.trim();
  if (key !== undefined) {
    entry.authScheme = "api-key";
    if (!apiKeys.includes(key)) throw new AnthropicApiError(401, API_TEXTS.invalidKey);
  } else if (bearer !== undefined) {
    // @anthropic-ai/sdk 1.x sends API keys as Bearer too, so a bearer may be either credential.
    entry.authScheme = "bearer";
    if (!authTokens.includes(bearer) && !apiKeys.includes(bearer))
      throw new AnthropicApiError(401, API_TEXTS.invalidToken);
  } else {
    throw new AnthropicApiError(401, API_TEXTS.missingKey);
  }
  return { region: fallbackRegion, identity: undefined };
}

/** The Anthropic API serves a model by its Anthropic name or that name without the date (an alias). */
function apiModel(world: World, name: string): FoundationModel | undefined {
  return world.models.find(
    (m) =>
      m.serving !== "mantle" &&
      m.anthropicModel !== undefined &&
      (m.anthropicModel === name || m.anthropicModel.replace(/-\d{8}$/, "") === name),
  );
}

/** A foundation-model ID as Mantle names it: bare, without `-v1:0`. */
export function mantleId(modelId: string): string {
  return modelId.replace(/-v\d+(:\d+)?$/, "");
}

/** Mantle serves bare IDs only: the foundation-model ID without `-v1:0`, never a `us.`/`global.` profile. */
function mantleModel(world: World, id: string): FoundationModel | undefined {
  return world.models.find((m) => m.serving !== "runtime" && mantleId(m.modelId) === id);
}

// Mantle authorizes inference on a project; requests without one use the account's default project [I].
function mantleProjectArn(deps: MessagesDeps, region: string): string {
  return `arn:${deps.world.partition}:bedrock-mantle:${region}:${deps.world.accountId}:project/default`;
}
