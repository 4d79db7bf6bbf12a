import { BedrockError, type EmulatorRequest } from "../http/types.js";

/** The request's JSON object body; anything else is refused with the given exception and message. */
export function jsonObjectBody(req: EmulatorRequest, type: string, message: string): Record<string, unknown> {
  try {
    const parsed = JSON.parse(req.body.toString("utf8") || "{}") as unknown;
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // Falls through to the refusal below.
  }
  throw new BedrockError(400, type, message);
}
