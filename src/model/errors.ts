/**
 * Errors with fixes, shared by every layer: a failure says what happened, for which model / region / identity,
 * and the exact next step. Provider clients (src/bedrock/errors.ts for Bedrock) classify their failures into
 * these kinds; the loop, print mode and the TUI only read them.
 */

export type ErrorKind =
  | "no-region"
  | "no-credentials"
  | "expired-credentials"
  | "invalid-credentials"
  | "signature-mismatch"
  | "model-not-enabled"
  | "use-case-required"
  | "marketplace-agreement"
  | "data-retention"
  | "iam-denied"
  | "invalid-model-id"
  | "needs-inference-profile"
  | "region-profile-mismatch"
  | "caching-unsupported"
  | "throttled"
  | "quota-exceeded"
  | "context-too-long"
  | "max-tokens-too-high"
  | "model-timeout"
  | "model-error"
  | "service-unavailable"
  | "stream-cut"
  | "stream-not-eventstream"
  | "network"
  | "bad-request"
  | "unknown";

/** What we know about the call that failed, so the message can name it. */
export interface FailureContext {
  /** The model ID exactly as sent. */
  model?: string;
  /** The model as the user configured it and where that came from, e.g. "ANTHROPIC_SMALL_FAST_MODEL". */
  modelSource?: string;
  region?: string;
  regionSource?: string;
  /** Principal ARN when known, else a description such as "profile dev" or "env keys". */
  identity?: string;
  /** The AWS profile in use (for `aws sso login --profile X`). */
  awsProfile?: string;
  /** The command configured as awsAuthRefresh, if any. */
  authRefreshCommand?: string;
  /** The inference profile that would work in this region, when the resolver knows one. */
  suggestedModel?: string;
  operation?: string;
}

export interface QuarryErrorFields extends FailureContext {
  kind: ErrorKind;
  /** The raw message from AWS (or the SDK), secrets never included. */
  rawMessage: string;
  awsType?: string;
  status?: number;
  explanation: string;
  fix: string;
  retryable: boolean;
}

/** A failure with a fix. The UI prints `message` (explanation) and `fix`; nothing else is needed. */
export class QuarryError extends Error implements QuarryErrorFields {
  kind!: ErrorKind;
  rawMessage!: string;
  awsType?: string;
  status?: number;
  explanation!: string;
  fix!: string;
  retryable!: boolean;
  model?: string;
  modelSource?: string;
  region?: string;
  regionSource?: string;
  identity?: string;
  awsProfile?: string;
  authRefreshCommand?: string;
  suggestedModel?: string;
  operation?: string;

  constructor(fields: QuarryErrorFields, options?: { cause?: unknown }) {
    super(fields.explanation, options);
    this.name = "QuarryError";
    Object.assign(this, fields);
  }

  /** Explanation, the facts, and the fix, as the CLI prints them. */
  render(): string {
    const facts = [
      this.model ? `model ${this.model}${this.modelSource ? ` (from ${this.modelSource})` : ""}` : undefined,
      this.region
        ? `region ${this.region}${this.regionSource ? ` (from ${this.regionSource})` : ""}`
        : undefined,
      this.identity ? `identity ${this.identity}` : undefined,
    ].filter(Boolean);
    const lines = [this.explanation];
    if (facts.length) lines.push(`  ${facts.join(", ")}`);
    if (this.rawMessage && !this.explanation.includes(this.rawMessage)) {
      lines.push(`  Bedrock said: ${this.awsType ? `${this.awsType}: ` : ""}${this.rawMessage}`);
    }
    lines.push(`  Fix: ${this.fix}`);
    return lines.join("\n");
  }

  /** The same error with call facts filled in where this one lacks them. */
  withContext(ctx: FailureContext): QuarryError {
    const fields: QuarryErrorFields = { ...ctx, ...definedFields(this) };
    return new QuarryError(fields, { cause: this.cause });
  }

  toJSON(): Record<string, unknown> {
    const { kind, model, region, identity, rawMessage, awsType, status, explanation, fix, retryable } = this;
    return { kind, model, region, identity, rawMessage, awsType, status, explanation, fix, retryable };
  }
}

function definedFields(e: QuarryError): QuarryErrorFields {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) if (v !== undefined && k !== "name" && k !== "message") out[k] = v;
  return out as unknown as QuarryErrorFields;
}
