import { createHash, randomBytes } from "node:crypto";
import type { FoundationModel } from "../world/schema.js";

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** Random letters and digits, e.g. for the `p` padding field Bedrock adds to stream events. */
export function randomAlnum(length: number): string {
  const bytes = randomBytes(length);
  let out = "";
  for (const b of bytes) out += ALNUM[b % ALNUM.length];
  return out;
}

/** A message ID in Bedrock's form (`msg_bdrk_01…`). */
export function messageId(): string {
  return `msg_bdrk_01${randomAlnum(22)}`;
}

/** A generated tool-use ID: `toolu_bdrk_01…` for Anthropic bodies, `tooluse_<22 base64url>` for Converse. */
export function toolUseId(style: ToolIdStyle): string {
  if (style === "converse") return `tooluse_${randomBytes(17).toString("base64url").slice(0, 22)}`;
  return `toolu_bdrk_01${randomAlnum(22)}`;
}

export type ToolIdStyle = "anthropic" | "converse";

/** A stand-in thinking signature, stable for the same text so replays compare equal. */
export function thinkingSignature(thinking: string): string {
  return createHash("sha256").update(`emulator-thinking:${thinking}`).digest("base64");
}

/**
 * The `model` Anthropic puts in responses: the world's anthropicModel, else the foundation-model ID without
 * its provider prefix and version suffix (anthropic.claude-sonnet-4-5-20250929-v1:0 → claude-sonnet-4-5-20250929).
 */
export function anthropicModelName(model: FoundationModel): string {
  if (model.anthropicModel) return model.anthropicModel;
  const bare = model.modelId.replace(/^[a-z0-9-]+\./, "");
  return bare.replace(/-v\d+(:\d+)?$/, "").replace(/:\d+$/, "");
}
