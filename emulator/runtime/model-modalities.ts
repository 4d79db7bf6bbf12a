import type { FoundationModel } from "../world/schema.js";
import { validation } from "./anthropic-body.js";

/**
 * What a model's ListFoundationModels entry promises, enforced on every runtime call (docs/emulator-rules.md,
 * "Modalities and streaming"): a model that does not stream refuses streaming calls, and a model whose
 * inputModalities lack IMAGE refuses image blocks. Both texts are inferred ([I]); the rules follow the fields.
 */

/** [I] recalled wording of the refusal for a model with responseStreamingSupported false. */
export const STREAMING_UNSUPPORTED = "The model is unsupported for streaming.";
/** [I] our wording; Bedrock refuses content the model's modalities exclude. */
export const IMAGES_UNSUPPORTED =
  "This model doesn't support the image content block that you provided. Try again with a model that takes images.";

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === "object" && !Array.isArray(v);

function holdsImage(blocks: unknown): boolean {
  if (!Array.isArray(blocks)) return false;
  return blocks.some(
    (b) => isObject(b) && (b.type === "image" || (b.type === "tool_result" && holdsImage(b.content))),
  );
}

/** `request` is the normalized (Anthropic-shaped) request both wires are translated to. */
export function checkModalities(
  request: { messages?: unknown },
  model: FoundationModel,
  streaming: boolean,
): void {
  if (streaming && !model.responseStreaming) throw validation(STREAMING_UNSUPPORTED);
  if (model.inputModalities.includes("IMAGE")) return;
  const messages = Array.isArray(request.messages) ? request.messages : [];
  if (messages.some((m) => isObject(m) && holdsImage(m.content))) throw validation(IMAGES_UNSUPPORTED);
}
