import { BedrockError, type InvocationTarget } from "./http/types.js";
import type { Identity, PolicyStatement } from "./world/schema.js";

/** IAM's wildcard match: `*` any run of characters, `?` exactly one. */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${source}$`, ignoreCase ? "is" : "s").test(value);
}

/** Request facts IAM conditions can test. */
export interface RequestContext {
  /** aws:RequestedRegion: the region the request was sent to. */
  region?: string;
}

/**
 * An IAM condition block against the request: every operator must hold; within one, any listed value matches
 * (IAM's documented semantics). A key the request has no value for fails a positive operator and satisfies a
 * negated one, as IAM does for absent keys.
 */
function conditionHolds(condition: PolicyStatement["condition"], context: RequestContext): boolean {
  if (!condition) return true;
  for (const [operator, keys] of Object.entries(condition)) {
    for (const [, expected] of Object.entries(keys ?? {})) {
      const values = Array.isArray(expected) ? expected : [expected];
      const actual = context.region;
      const like = operator === "StringLike" || operator === "StringNotLike";
      const matches =
        actual !== undefined && values.some((v) => (like ? wildcardMatch(v, actual) : v === actual));
      const negated = operator === "StringNotEquals" || operator === "StringNotLike";
      if (negated ? matches : !matches) return false;
    }
  }
  return true;
}

function statementMatches(
  st: PolicyStatement,
  action: string,
  resourceArn: string,
  context: RequestContext,
): boolean {
  // Action names are case-insensitive in IAM; resource ARNs are not.
  return (
    st.actions.some((a) => wildcardMatch(a, action, true)) &&
    st.resources.some((r) => wildcardMatch(r, resourceArn)) &&
    conditionHolds(st.condition, context)
  );
}

/** The decision IAM reaches for one request: explicit deny beats allow, nothing matching is an implicit deny. */
export function evaluate(
  policy: readonly PolicyStatement[],
  action: string,
  resourceArn: string,
  context: RequestContext = {},
): "allow" | "explicit-deny" | "implicit-deny" {
  let allowed = false;
  for (const st of policy) {
    if (!statementMatches(st, action, resourceArn, context)) continue;
    if (st.effect === "Deny") return "explicit-deny";
    allowed = true;
  }
  return allowed ? "allow" : "implicit-deny";
}

/** AWS's AccessDeniedException text; actions without a resource ("*") leave out the "on resource" part. */
export function accessDeniedMessage(
  principalArn: string,
  action: string,
  resourceArn: string,
  explicit: boolean,
): string {
  const on = resourceArn === "*" ? "" : ` on resource: ${resourceArn}`;
  const why = explicit
    ? "with an explicit deny in an identity-based policy"
    : `because no identity-based policy allows the ${action} action`;
  return `User: ${principalArn} is not authorized to perform: ${action}${on} ${why}`;
}

/** Throws 403 AccessDeniedException unless the identity's policy allows `action` on `resourceArn`. */
export function authorize(
  identity: Identity | undefined,
  action: string,
  resourceArn: string,
  region?: string,
): void {
  // No identity means the world runs with auth "none": a gateway already decided.
  if (!identity) return;
  const decision = evaluate(identity.policy, action, resourceArn, { region });
  if (decision === "allow") return;
  throw new BedrockError(
    403,
    "AccessDeniedException",
    accessDeniedMessage(identity.arn, action, resourceArn, decision === "explicit-deny"),
  );
}

/**
 * Authorizes a runtime call the way Bedrock does for profiles: the profile (or model) ARN first, then the
 * foundation model in every destination region. The first denied resource is the one reported.
 */
export function authorizeInvocation(
  identity: Identity | undefined,
  action: string,
  target: InvocationTarget,
  region?: string,
): void {
  authorize(identity, action, target.resourceArn, region);
  // A cross-region profile's call reaches each destination region as a request there, so the routed
  // foundation-model check sees that region as aws:RequestedRegion (why region-deny SCPs break CRIS;
  // AWS's cross-Region inference IAM docs). [I] for the exact evaluation order.
  for (const arn of target.routedModelArns) {
    if (arn !== target.resourceArn) authorize(identity, action, arn, arn.split(":")[3] || region);
  }
}
