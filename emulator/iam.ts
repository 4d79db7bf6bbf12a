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

function statementMatches(st: PolicyStatement, action: string, resourceArn: string): boolean {
  // Action names are case-insensitive in IAM; resource ARNs are not.
  return (
    st.actions.some((a) => wildcardMatch(a, action, true)) &&
    st.resources.some((r) => wildcardMatch(r, resourceArn))
  );
}

/** The decision IAM reaches for one request: explicit deny beats allow, nothing matching is an implicit deny. */
export function evaluate(
  policy: readonly PolicyStatement[],
  action: string,
  resourceArn: string,
): "allow" | "explicit-deny" | "implicit-deny" {
  let allowed = false;
  for (const st of policy) {
    if (!statementMatches(st, action, resourceArn)) continue;
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
export function authorize(identity: Identity | undefined, action: string, resourceArn: string): void {
  // No identity means the world runs with auth "none": a gateway already decided.
  if (!identity) return;
  const decision = evaluate(identity.policy, action, resourceArn);
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
): void {
  authorize(identity, action, target.resourceArn);
  for (const arn of target.routedModelArns) if (arn !== target.resourceArn) authorize(identity, action, arn);
}
