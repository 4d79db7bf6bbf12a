import { modelTime } from "../control/shapes.js";
import type { EmulatorRequest, RequestLogEntry, ResponseWriter } from "../http/types.js";
import type { World } from "../world/schema.js";
import { sendAnthropicError } from "./errors.js";
import { authenticateFor, type MessagesDeps, type MessagesService, mantleId } from "./handler.js";

/**
 * GET `<prefix>/v1/models` for both Messages-API services (docs/emulator-rules.md, "Model lists"):
 *
 * - The Anthropic API's List Models: `{data:[{type:"model", id, display_name, created_at}], has_more,
 *   first_id, last_id}` (D: Anthropic API reference, "List Models"), every Claude the world serves there.
 * - Mantle's model list is OpenAI-shaped, `{object:"list", data:[{id, object:"model", created, owned_by}]}`,
 *   at the endpoint root (`https://bedrock-mantle.{region}.api.aws/v1/models`), not under `/anthropic`: the
 *   Mantle SDK says its `/anthropic` surface has no models resource (S: @anthropic-ai/bedrock-sdk
 *   mantle-client.ts); the root list's shape is I (recalled AWS Mantle docs). Bare IDs.
 *
 * Both live on one emulator port, so the caller's credential says which is asked: SigV4 scoped to
 * `bedrock-mantle` or a Bedrock API key (ABSK…) is Mantle; anything else is the Anthropic API.
 */
const MODELS_ROUTE = /^(?<prefix>.*?)\/v1\/models$/;

export function modelsServiceFor(req: EmulatorRequest): MessagesService | undefined {
  if (req.method !== "GET" || !MODELS_ROUTE.test(req.rawPath)) return undefined;
  const auth = req.headers.authorization ?? "";
  if (/\/bedrock-mantle\/aws4_request/.test(auth) || /^Bearer\s+ABSK/i.test(auth)) return "bedrock-mantle";
  return "anthropic-api";
}

export async function handleModelList(
  deps: MessagesDeps,
  req: EmulatorRequest,
  res: ResponseWriter,
  entry: RequestLogEntry,
  service: MessagesService,
): Promise<void> {
  entry.service = service;
  entry.operation = "ListModels";
  try {
    const { region } = await authenticateFor(deps, req, entry, service);
    entry.region = region;
    const body = service === "bedrock-mantle" ? mantleList(deps.world, region) : apiList(deps.world);
    res.send(200, { "content-type": "application/json", "request-id": entry.id }, JSON.stringify(body));
  } catch (err) {
    sendAnthropicError(res, entry, err);
  }
}

function apiList(world: World) {
  const data = world.models
    .filter((m) => m.serving !== "mantle" && m.anthropicModel !== undefined)
    .map((m) => ({
      type: "model",
      id: m.anthropicModel!,
      display_name: m.modelName,
      created_at: modelTime(m.anthropicModel!),
    }));
  return { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data[data.length - 1]?.id ?? null };
}

function mantleList(world: World, region: string) {
  return {
    object: "list",
    data: world.models
      .filter((m) => m.serving !== "runtime" && m.regions.includes(region))
      .map((m) => ({
        id: mantleId(m.modelId),
        object: "model",
        created: Math.floor(Date.parse(modelTime(m.modelId)) / 1000),
        owned_by: m.providerName.toLowerCase(),
      })),
  };
}
