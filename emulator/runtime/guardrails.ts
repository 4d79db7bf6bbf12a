import { BedrockError, type InvocationTarget } from "../http/types.js";
import type { Guardrail, ScriptRule, World } from "../world/schema.js";
import { lastUserText } from "./engine.js";
import type { NormalizedRequest, Reply } from "./types.js";

/**
 * Bedrock Guardrails on InvokeModel (docs/emulator-rules.md, "Guardrails"). The guardrail comes in the
 * `X-Amzn-Bedrock-GuardrailIdentifier` / `-GuardrailVersion` headers with `X-Amzn-Bedrock-Trace` (WIRE.md §4.1).
 * Its verdict goes in the body (and the stream's last event): `"amazon-bedrock-guardrailAction":
 * "INTERVENED" | "NONE"` and, with the trace on, `"amazon-bedrock-trace": {"guardrail": …}` (AWS API reference,
 * InvokeModel "Use a guardrail" example). An intervention replaces the answer with the guardrail's blocked
 * message; the stop reason `guardrail_intervened` is Converse's (WIRE.md §4.4) and **I** for InvokeModel.
 */

/** The guardrail a request names and the trace it asked for. */
export interface RequestedGuardrail {
  guardrail: Guardrail;
  version: string;
  trace: boolean;
}

/** Finds the request's guardrail; throws Bedrock's refusal when it does not exist here or cannot be used. */
export function findGuardrail(
  world: World,
  headers: Record<string, string>,
  target: InvocationTarget,
  region: string,
): RequestedGuardrail | undefined {
  const identifier = headers["x-amzn-bedrock-guardrailidentifier"];
  const version = headers["x-amzn-bedrock-guardrailversion"];
  if (identifier === undefined && version === undefined) return undefined;
  if (!identifier || !version) {
    // **I**: the rule (both or neither) is the API's; the wording is ours.
    throw new BedrockError(
      400,
      "ValidationException",
      "Guardrail identifier and version must both be provided.",
    );
  }
  const id = identifier.startsWith("arn:") ? identifier.slice(identifier.lastIndexOf("/") + 1) : identifier;
  const guardrail = world.guardrails.find(
    (g) => g.id === id && g.regions.includes(region) && (version === "DRAFT" || g.versions.includes(version)),
  );
  if (!guardrail) {
    // **I** (recalled wording).
    throw new BedrockError(
      400,
      "ValidationException",
      "The guardrail identifier or version provided in the request does not exist.",
    );
  }
  const crossRegion = target.kind === "system-profile" || target.kind === "system-profile-arn";
  if (crossRegion && !guardrail.crossRegion) {
    // **I**: AWS documents that cross-Region inference needs a guardrail with a guardrail profile
    // (docs.aws.amazon.com/bedrock/latest/userguide/guardrails-cross-region.html); the wording is ours.
    throw new BedrockError(
      400,
      "ValidationException",
      `Guardrail ${guardrail.id} is not enabled for cross-Region inference. Configure a guardrail profile on the guardrail to use it with inference profile ${target.requestedId}.`,
    );
  }
  const trace = /^ENABLED/i.test(headers["x-amzn-bedrock-trace"] ?? "");
  return { guardrail, version, trace };
}

/** The answer after the guardrail: unchanged (action NONE), or the blocked message with its verdict. */
export function applyGuardrail(
  requested: RequestedGuardrail,
  req: NormalizedRequest,
  rule: ScriptRule | undefined,
  reply: Reply,
): Reply {
  const { guardrail } = requested;
  const prompt = lastUserText(req);
  const answer = reply.content.flatMap((b) => (b.type === "text" ? [b.text] : [])).join("\n");
  const inputWord = matchWord(guardrail, prompt);
  if (inputWord !== undefined || rule?.guardrail === "input") {
    return blocked(requested, reply, guardrail.blockedInputMessaging, {
      input: { [guardrail.id]: assessment(inputWord) },
    });
  }
  const outputWord = matchWord(guardrail, answer);
  if (outputWord !== undefined || rule?.guardrail === "output") {
    return blocked(requested, reply, guardrail.blockedOutputsMessaging, {
      outputs: [{ [guardrail.id]: assessment(outputWord) }],
    });
  }
  return { ...reply, bedrockFields: { ...reply.bedrockFields, "amazon-bedrock-guardrailAction": "NONE" } };
}

function matchWord(guardrail: Guardrail, text: string): string | undefined {
  const lower = text.toLowerCase();
  return guardrail.blockedWords.find((w) => lower.includes(w.toLowerCase()));
}

// The assessment shape of ApplyGuardrail / Converse traces (wordPolicy.customWords, topicPolicy.topics).
function assessment(word: string | undefined): Record<string, unknown> {
  return word !== undefined
    ? { wordPolicy: { customWords: [{ match: word, action: "BLOCKED" }] } }
    : { topicPolicy: { topics: [{ name: "Scripted", type: "DENY", action: "BLOCKED" }] } };
}

function blocked(
  requested: RequestedGuardrail,
  reply: Reply,
  message: string,
  trace: Record<string, unknown>,
): Reply {
  return {
    ...reply,
    content: [{ type: "text", text: message }],
    stopReason: "guardrail_intervened",
    usage: { ...reply.usage, outputTokens: Math.max(1, Math.ceil(message.length / 4)) },
    bedrockFields: {
      ...reply.bedrockFields,
      "amazon-bedrock-guardrailAction": "INTERVENED",
      ...(requested.trace ? { "amazon-bedrock-trace": { guardrail: trace } } : {}),
    },
  };
}
