import { type ErrorKind, type FailureContext, QuarryError } from "../model/errors.js";
import { redactShapes } from "../secrets/registry.js";
import { defaultGeoForRegion } from "./geography.js";

/**
 * The error taxonomy: every failure talking to Bedrock becomes a QuarryError that says what happened, for which
 * model / region / identity, and the exact next step. Matchers use Bedrock's exact texts (FIELD-REPORT §3,
 * WIRE.md §7.3), including the curly apostrophe of the on-demand message.
 */

// The taxonomy's types live in the provider-neutral model layer (docs/architecture.md); Bedrock fills them in.
export {
  type ErrorKind,
  type FailureContext,
  QuarryError,
  type QuarryErrorFields,
} from "../model/errors.js";

/** The shape of an AWS SDK v3 service exception, read without importing the SDK. */
interface AwsLikeError {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { statusCode?: number };
  code?: string;
}

const IAM_DENIED =
  /is not authorized to perform: (?<action>[\w:*-]+) on resource: (?<resource>\S+?)(?: because| with|$)/;
const TLS_CERT_CODES =
  /^(DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|CERT_UNTRUSTED|CERT_HAS_EXPIRED|ERR_TLS_CERT_ALTNAME_INVALID)$/;
const ON_DEMAND = /Invocation of model ID (?<id>\S+) with on-demand throughput isn[’']t supported/;

/** Maps whatever the SDK threw into a QuarryError with an explanation and a fix. */
export function classifyBedrockError(err: unknown, ctx: FailureContext = {}): QuarryError {
  if (err instanceof QuarryError) return err;
  const e = (err ?? {}) as AwsLikeError;
  const type = e.name ?? "Error";
  const raw = redactSecrets(String(e.message ?? err));
  const status = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
  const build = (
    kind: ErrorKind,
    explanation: string,
    fix: string,
    retryable = false,
    extra: FailureContext = {},
  ): QuarryError =>
    new QuarryError(
      { ...ctx, ...extra, kind, rawMessage: raw, awsType: type, status, explanation, fix, retryable },
      { cause: err },
    );
  const model = ctx.model ?? "the model";
  const region = ctx.region ?? "this region";
  const modelVar = ctx.modelSource ?? "ANTHROPIC_MODEL";

  // --- credentials and signing ---
  if (
    type === "ExpiredTokenException" ||
    type === "ExpiredToken" ||
    /security token included in the request is expired/i.test(raw)
  ) {
    return build("expired-credentials", "Your AWS session credentials have expired.", refreshFix(ctx));
  }
  if (
    /SSO session associated with this profile has expired|Token is expired|refresh token has expired|SSO.*expired/i.test(
      raw,
    )
  ) {
    return build("expired-credentials", "Your AWS SSO session has expired.", refreshFix(ctx));
  }
  if (type === "CredentialsProviderError" || /Could not load credentials from any providers/i.test(raw)) {
    return build(
      "no-credentials",
      "No AWS credentials were found.",
      "Set AWS_PROFILE to a profile in ~/.aws/config (then `aws sso login --profile <name>` if it uses SSO), or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or export AWS_BEARER_TOKEN_BEDROCK with a Bedrock API key. Check with: aws sts get-caller-identity",
    );
  }
  if (type === "InvalidSignatureException" || type === "SignatureDoesNotMatch") {
    if (/Signature expired/i.test(raw)) {
      return build(
        "signature-mismatch",
        "AWS rejected the request because this machine's clock is off by more than 15 minutes.",
        "Sync the system clock (e.g. `sudo timedatectl set-ntp true`), then retry.",
      );
    }
    return build(
      "signature-mismatch",
      "AWS could not verify the request signature: the secret access key does not match the access key ID.",
      "Check AWS_SECRET_ACCESS_KEY (or the profile's aws_secret_access_key) for a typo or stray whitespace; if a proxy sits in between, make sure it does not rewrite the Host header or signed headers.",
    );
  }
  if (
    type === "UnrecognizedClientException" ||
    type === "InvalidClientTokenId" ||
    /security token included in the request is invalid/i.test(raw)
  ) {
    return build(
      "invalid-credentials",
      "AWS does not recognise these credentials (unknown access key or session token).",
      `Check which credentials are in use with \`aws sts get-caller-identity${ctx.awsProfile ? ` --profile ${ctx.awsProfile}` : ""}\`; remove stale AWS_ACCESS_KEY_ID / AWS_SESSION_TOKEN exports or select the right AWS_PROFILE.`,
    );
  }
  if (type === "MissingAuthenticationTokenException" || /Authorization header is missing/i.test(raw)) {
    return build(
      "no-credentials",
      "The request reached Bedrock without credentials.",
      "Unset CLAUDE_CODE_SKIP_BEDROCK_AUTH unless a gateway adds credentials for you, and provide AWS credentials or AWS_BEARER_TOKEN_BEDROCK.",
    );
  }
  if (/Authentication failed: Please make sure your API Key is valid/i.test(raw)) {
    return build(
      "invalid-credentials",
      "Bedrock rejected the API key in AWS_BEARER_TOKEN_BEDROCK (invalid or expired).",
      "Generate a new Bedrock API key in the console (Amazon Bedrock → API keys) and export AWS_BEARER_TOKEN_BEDROCK, or unset it to use your AWS credentials instead.",
    );
  }

  // --- model identity and access ---
  const onDemand = ON_DEMAND.exec(raw);
  if (onDemand) {
    const id = onDemand.groups!.id!;
    const suggestion = ctx.suggestedModel ?? `${ctx.region ? defaultGeoForRegion(ctx.region) : "us"}.${id}`;
    return build(
      "needs-inference-profile",
      `${id} can only be called through an inference profile in ${region}, not by its bare model ID.`,
      `export ${modelVar}=${suggestion}`,
      false,
      { suggestedModel: suggestion },
    );
  }
  const iam = IAM_DENIED.exec(raw);
  if (iam) {
    const { action, resource } = iam.groups as { action: string; resource: string };
    const statement = JSON.stringify({ Effect: "Allow", Action: [action], Resource: [resource] });
    return build(
      "iam-denied",
      `Your IAM identity is not allowed to call ${action} on ${resource}.`,
      `Add this statement to the IAM policy of ${principalOf(raw) ?? ctx.identity ?? "your identity"}: ${statement} (\`quarry doctor --iam-policy\` prints a complete least-privilege policy for your configured models).`,
    );
  }
  if (
    /You don't have access to the model with the specified model ID/i.test(raw) ||
    /is not available for this account/i.test(raw)
  ) {
    return build(
      "model-not-enabled",
      `${model} is not enabled for this account in ${region}.`,
      `Enable it in the Bedrock console: https://console.aws.amazon.com/bedrock/home?region=${ctx.region ?? "<region>"}#/modelaccess — or choose a model that is enabled there (\`quarry models\` lists them).`,
    );
  }
  if (/Model use case details have not been submitted|use-case form|FTUFormNotFilled/i.test(raw)) {
    return build(
      "use-case-required",
      `Anthropic models need the one-time use-case form before ${model} can be used in this account.`,
      `Submit the Anthropic use case details form in the Bedrock console (Model catalog → an Anthropic model → Submit use case details): https://console.aws.amazon.com/bedrock/home?region=${ctx.region ?? "<region>"}#/modelaccess — then wait about 15 minutes.`,
    );
  }
  if (/AWS Marketplace|Marketplace subscription/i.test(raw)) {
    return build(
      "marketplace-agreement",
      `The AWS Marketplace subscription for ${model} is missing or not permitted for this identity.`,
      "Allow aws-marketplace:ViewSubscriptions and aws-marketplace:Subscribe for the identity (or have an administrator open the model once in the Bedrock console to create the agreement), then retry in a few minutes.",
    );
  }
  if (/data retention mode '[^']*' is not available for this model/i.test(raw)) {
    return build(
      "data-retention",
      `${model} refuses the account's data-retention mode in ${region}: ${raw}. Bedrock runs this model only under a retention mode the account (or Bedrock project) has opted into; no request setting changes that.`,
      `An administrator opts the account into a retention mode the model allows (Bedrock console → Settings → Data retention, see https://docs.aws.amazon.com/bedrock/latest/userguide/data-retention.html), or set ${modelVar} to another model (\`quarry models\` lists them).`,
    );
  }
  if (/The provided model identifier is invalid/i.test(raw)) {
    const geo = ctx.model ? /^(us|eu|apac|jp|au|us-gov|global)\./.exec(ctx.model)?.[1] : undefined;
    const expected = ctx.region ? defaultGeoForRegion(ctx.region) : "us";
    if (geo && geo !== "global" && ctx.region && geo !== expected) {
      const suggestion = ctx.suggestedModel ?? `${expected}.${ctx.model!.slice(geo.length + 1)}`;
      return build(
        "region-profile-mismatch",
        `${ctx.model} is a ${geo}. inference profile, which cannot be called from ${ctx.region}.`,
        `export ${modelVar}=${suggestion} — or set AWS_REGION to a region the ${geo}. profile covers.`,
        false,
        { suggestedModel: suggestion },
      );
    }
    return build(
      "invalid-model-id",
      `Bedrock does not know the model ID ${model} in ${region}.`,
      `Run \`quarry models\` to list the model IDs usable in ${ctx.region ?? "your region"}, then set ${modelVar} to one of them.`,
    );
  }
  if (/did not allow prompt caching/i.test(raw)) {
    return build(
      "caching-unsupported",
      `Bedrock refused prompt caching for ${model} in ${region}.`,
      "Quarry turns caching off for the rest of the session automatically; to stop the retry, export DISABLE_PROMPT_CACHING=1.",
    );
  }

  // --- limits and transient failures ---
  if (type === "ThrottlingException" || type === "throttlingException" || status === 429) {
    return build(
      "throttled",
      `Bedrock is throttling requests to ${model} in ${region}.`,
      "Wait and retry; if it persists, request a higher tokens-per-minute quota in Service Quotas (Amazon Bedrock) for this model and region, or use a cross-region inference profile (us./eu./global.) to spread load.",
      true,
    );
  }
  if (type === "ServiceQuotaExceededException") {
    return build(
      "quota-exceeded",
      `A Bedrock service quota was exceeded for ${model} in ${region}.`,
      "Request an increase in Service Quotas (Amazon Bedrock) for this model and region, or lower CLAUDE_CODE_MAX_OUTPUT_TOKENS (quota is reserved up front as input + max_tokens).",
    );
  }
  if (/Input is too long for requested model|prompt is too long/i.test(raw)) {
    return build(
      "context-too-long",
      `The conversation no longer fits in ${model}'s context window.`,
      "Run /compact (or start a new session with /clear); Quarry compacts automatically before the window fills.",
    );
  }
  if (/maximum tokens you requested exceeds the model limit/i.test(raw)) {
    return build(
      "max-tokens-too-high",
      `The requested max_tokens is larger than ${model} allows.`,
      "Lower CLAUDE_CODE_MAX_OUTPUT_TOKENS (or unset it to use the model's default).",
    );
  }
  if (type === "ModelTimeoutException" || type === "modelTimeoutException" || status === 408) {
    return build(
      "model-timeout",
      `${model} timed out while processing the request.`,
      "Retry; Quarry retries this automatically a few times.",
      true,
    );
  }
  if (
    type === "ModelStreamErrorException" ||
    type === "modelStreamErrorException" ||
    type === "ModelErrorException" ||
    type === "ModelNotReadyException"
  ) {
    return build(
      "model-error",
      `${model} failed while generating the response.`,
      "Retry; Quarry retries this automatically a few times.",
      true,
    );
  }
  if (type === "ServiceUnavailableException" || type === "serviceUnavailableException" || status === 503) {
    return build(
      "service-unavailable",
      `Bedrock is temporarily unable to serve ${model} in ${region}.`,
      "This is on AWS's side and usually passes; retry shortly or use a cross-region inference profile.",
      true,
    );
  }
  if (
    type === "InternalServerException" ||
    type === "internalServerException" ||
    (status !== undefined && status >= 500)
  ) {
    return build(
      "service-unavailable",
      `Bedrock had an internal error serving ${model}.`,
      "Retry shortly.",
      true,
    );
  }
  if (/Truncated event message received/i.test(raw)) {
    return build(
      "stream-cut",
      "The response stream from Bedrock ended in the middle of an event.",
      "Usually a proxy, VPN or load balancer closing long responses, or a gateway re-encoding the stream. Check HTTPS_PROXY / NO_PROXY (bedrock-runtime.<region>.amazonaws.com should bypass rewriting proxies) and run `quarry doctor`.",
      true,
    );
  }
  // Node's TLS verification codes; an inspecting proxy or a private endpoint whose CA this machine lacks.
  if (
    TLS_CERT_CODES.test(e.code ?? "") ||
    /self[- ]signed certificate|unable to verify the first certificate/i.test(raw)
  ) {
    return build(
      "network",
      `The TLS certificate of ${ctx.region ? `Bedrock in ${ctx.region}` : "the Bedrock endpoint"} is not trusted: ${raw}`,
      "If a corporate proxy or a private endpoint uses its own certificate authority, point NODE_EXTRA_CA_CERTS or AWS_CA_BUNDLE at that CA's PEM file (e.g. export AWS_CA_BUNDLE=/path/to/ca.pem); otherwise check HTTPS_PROXY and any endpoint override.",
    );
  }
  if (/ECONNREFUSED|ENOTFOUND|ECONNRESET|ETIMEDOUT|EAI_AGAIN|socket hang up|getaddrinfo|network/i.test(raw)) {
    return build(
      "network",
      `Could not reach Bedrock${ctx.region ? ` in ${ctx.region}` : ""}: ${raw}`,
      "Check your network, HTTPS_PROXY / NO_PROXY and any AWS_ENDPOINT_URL_BEDROCK_RUNTIME / ANTHROPIC_BEDROCK_BASE_URL override.",
      true,
    );
  }
  if (type === "ValidationException" || status === 400) {
    return build(
      "bad-request",
      `Bedrock rejected the request to ${model}: ${raw}`,
      "This is likely a Quarry bug; please report it with `quarry doctor --json` output.",
    );
  }
  return build(
    "unknown",
    `Calling Bedrock failed: ${raw}`,
    "Run `quarry doctor` to check the configuration, region, credentials and model access.",
  );
}

/** The stream came back in another content type: something between us and Bedrock re-encoded it. */
export function streamNotEventStreamError(
  contentType: string | undefined,
  ctx: FailureContext = {},
): QuarryError {
  return new QuarryError({
    ...ctx,
    kind: "stream-not-eventstream",
    rawMessage: `content-type ${contentType ?? "(none)"}`,
    explanation: `Bedrock's streaming response arrived as "${contentType ?? "no content type"}" instead of "application/vnd.amazon.eventstream": a proxy or gateway between Quarry and Bedrock is re-encoding the stream.`,
    fix: "Let the proxy pass bedrock-runtime traffic through untouched (or add the host to NO_PROXY); if you use a gateway via ANTHROPIC_BEDROCK_BASE_URL, configure it to forward the AWS event stream as-is.",
    retryable: false,
  });
}

/** The stream ended in the middle of a message even after retries. */
export function streamCutError(detail: string, ctx: FailureContext = {}): QuarryError {
  return classifyBedrockError(
    Object.assign(new Error(`Truncated event message received. ${detail}`), { name: "Error" }),
    ctx,
  );
}

function refreshFix(ctx: FailureContext): string {
  if (ctx.authRefreshCommand)
    return `Quarry ran awsAuthRefresh (\`${ctx.authRefreshCommand}\`) and it did not help; run it yourself and check its output.`;
  if (ctx.awsProfile) return `aws sso login --profile ${ctx.awsProfile}`;
  return "Refresh your temporary credentials (e.g. `aws sso login --profile <name>` and export AWS_PROFILE=<name>, or export new AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN).";
}

function principalOf(raw: string): string | undefined {
  return /^User: (\S+) is not authorized/.exec(raw)?.[1];
}

/** Removes anything that looks like a credential from text that may reach the user or a log. */
export function redactSecrets(text: string): string {
  return redactShapes(text);
}
