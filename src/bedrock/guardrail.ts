import type { Settings } from "../config/index.js";
import { describeSource } from "../config/index.js";
import { QuarryError } from "./errors.js";

/**
 * Bedrock Guardrails (docs/failover.md#guardrails). InvokeModel takes the guardrail as headers
 * (`X-Amzn-Bedrock-GuardrailIdentifier`, `-GuardrailVersion`, `X-Amzn-Bedrock-Trace`: the SDK's
 * guardrailIdentifier / guardrailVersion / trace members); Converse as the body's `guardrailConfig`.
 */
export interface GuardrailChoice {
  /** The guardrail ID or ARN. */
  id: string;
  /** A version number or DRAFT. */
  version: string;
  trace: "enabled" | "disabled" | "enabled_full";
}

/** The configured guardrail, or undefined; an ID without a version is an error that says what to set. */
export function guardrailFromSettings(
  settings: Pick<Settings, "guardrailId" | "guardrailVersion" | "guardrailTrace">,
): GuardrailChoice | undefined {
  const { guardrailId, guardrailVersion, guardrailTrace } = settings;
  if (!guardrailId && !guardrailVersion) return undefined;
  if (!guardrailId || !guardrailVersion) {
    const given = (guardrailId ?? guardrailVersion)!;
    throw new QuarryError({
      kind: "bad-request",
      rawMessage: "",
      explanation: `A guardrail needs both an ID and a version; only the ${guardrailId ? "ID" : "version"} is set (${describeSource(given.source)}).`,
      fix: 'set both in settings, e.g. "guardrail": { "id": "gr-abc123", "version": "1" } (or QUARRY_GUARDRAIL_ID and QUARRY_GUARDRAIL_VERSION); "DRAFT" is the working version',
      retryable: false,
    });
  }
  const trace = (guardrailTrace?.value ?? "enabled") as GuardrailChoice["trace"];
  return { id: guardrailId.value, version: guardrailVersion.value, trace };
}

/** The InvokeModel / InvokeModelWithResponseStream input members for a guardrail (sent as headers). */
export function invokeGuardrailFields(g: GuardrailChoice): {
  guardrailIdentifier: string;
  guardrailVersion: string;
  trace: "ENABLED" | "DISABLED" | "ENABLED_FULL";
} {
  return {
    guardrailIdentifier: g.id,
    guardrailVersion: g.version,
    trace: g.trace.toUpperCase() as "ENABLED" | "DISABLED" | "ENABLED_FULL",
  };
}
