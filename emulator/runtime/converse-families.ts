import type { FoundationModel } from "../world/schema.js";
import { validation } from "./anthropic-body.js";
import { CACHING_UNSUPPORTED } from "./caching.js";

/**
 * What non-Claude families refuse (docs/emulator-rules.md, "Converse families"), checked on the raw request
 * before it is translated for the engine. Sources beside each text.
 */

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => v !== null && typeof v === "object" && !Array.isArray(v);

/** The model's Converse traits; Claude's (all on) when the world gives none. */
function traits(model: FoundationModel) {
  return {
    toolUse: model.converse?.toolUse ?? true,
    streamingToolUse: model.converse?.streamingToolUse ?? true,
    cacheTools: model.converse?.cacheTools ?? true,
    schemaRefuses: model.converse?.schemaRefuses ?? [],
  };
}

const isAnthropic = (model: FoundationModel) => model.providerName.toLowerCase() === "anthropic";

/** Keys only Claude's native body takes; another family's native request refuses them as extraneous. */
const CLAUDE_ONLY_FIELDS = ["thinking", "anthropic_beta", "top_k", "anthropic_version"];

/** Bedrock's JSON-schema refusal of a native body key (same wording as InvokeModel's, WIRE.md §5.1). */
const extraneous = (key: string) =>
  validation(
    `Malformed input request: #: extraneous key [${key}] is not permitted, please reformat your input and try again.`,
  );

/**
 * InvokeModel / InvokeModelWithResponseStream carry the model's native body; the emulator speaks only
 * Claude's, so another family's model refuses it the way its own schema would ([I]).
 */
export function checkInvokeFamily(model: FoundationModel): void {
  if (!isAnthropic(model)) throw extraneous("anthropic_version");
}

/** Converse rules that depend on the model's family, plus the tool-spec constraints every model has. */
export function checkConverseFamily(
  body: unknown,
  model: FoundationModel,
  op: "converse" | "converse-stream",
): void {
  if (!isObject(body)) return;
  const toolConfig = isObject(body.toolConfig) ? body.toolConfig : undefined;
  const tools = Array.isArray(toolConfig?.tools) ? toolConfig.tools : [];
  checkToolSpecs(tools);
  const t = traits(model);
  // V: langchain-ai/langchain-aws#447 (DeepSeek-R1 over Converse).
  if (toolConfig && !t.toolUse) throw validation("This model doesn't support tool use.");
  // V: earendil-works/pi#3739 (Llama 4), langchain-aws#140 (Llama 3.1), brave/brave-browser#52158 (Mistral Large).
  if (toolConfig && op === "converse-stream" && !t.streamingToolUse) {
    throw validation("This model doesn't support tool use in streaming mode.");
  }
  // D: AWS prompt-caching docs (Nova: system and messages only); text as for any caching refusal (V).
  if (!t.cacheTools && tools.some((tool) => isObject(tool) && "cachePoint" in tool)) {
    throw validation(CACHING_UNSUPPORTED);
  }
  checkToolSchemas(tools, t.schemaRefuses);
  if (!isAnthropic(model) && isObject(body.additionalModelRequestFields)) {
    const key = CLAUDE_ONLY_FIELDS.find((k) => k in (body.additionalModelRequestFields as Json));
    if (key) throw extraneous(key);
  }
}

/**
 * ToolSpecification: `name` is required, and `name` and `description` (optional) are at least one character
 * (M: the Converse service model, NonEmptyString).
 */
function checkToolSpecs(tools: unknown[]): void {
  tools.forEach((tool, i) => {
    const spec = isObject(tool) && isObject(tool.toolSpec) ? tool.toolSpec : undefined;
    if (!spec) return;
    const at = (field: string) => `'toolConfig.tools.${i + 1}.member.toolSpec.${field}'`;
    if (typeof spec.name !== "string") {
      throw validation(
        `1 validation error detected: Value null at ${at("name")} failed to satisfy constraint: Member must not be null`,
      );
    }
    for (const field of ["name", "description"] as const) {
      if (spec[field] === "") {
        throw validation(
          `1 validation error detected: Value '' at ${at(field)} failed to satisfy constraint: Member must have length greater than or equal to 1`,
        );
      }
    }
  });
}

/** The first refused keyword found as an object key anywhere in `schema`, with its JSON path. */
function findKeyword(schema: unknown, refused: readonly string[], path: string): string | undefined {
  if (Array.isArray(schema)) {
    for (const [i, item] of schema.entries()) {
      const hit = findKeyword(item, refused, `${path}[${i}]`);
      if (hit) return hit;
    }
    return undefined;
  }
  if (!isObject(schema)) return undefined;
  for (const [key, value] of Object.entries(schema)) {
    // Under `properties` the keys are property names, not keywords: a property called "$id" is fine.
    if (refused.includes(key) && !path.endsWith(".properties")) return `${key} at ${path}`;
    const hit = findKeyword(value, refused, `${path}.${key}`);
    if (hit) return hit;
  }
  return undefined;
}

/**
 * Families whose tool-schema support is narrower than Claude's refuse some JSON-Schema keywords (world
 * `converse.schemaRefuses`; which family refuses what is inferred, docs/emulator-rules.md). [I] text.
 */
function checkToolSchemas(tools: unknown[], refused: readonly string[]): void {
  if (refused.length === 0) return;
  tools.forEach((tool, i) => {
    const json =
      isObject(tool) && isObject(tool.toolSpec) ? (tool.toolSpec.inputSchema as Json)?.json : undefined;
    const hit = findKeyword(json, refused, "inputSchema.json");
    if (hit) {
      throw validation(
        `The model returned the following errors: tool ${i}: unsupported JSON schema keyword ${hit}. Remove it and try again.`,
      );
    }
  });
}
