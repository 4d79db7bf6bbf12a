import type { PermissionDecision, PermissionMode, PermissionRequest } from "../permissions/types.js";
import type { McpToolHints } from "./manager.js";

/**
 * The permission decision for an MCP tool call (docs/security/mcp.md#permissions). A server's annotations are
 * its own claims, so they never grant anything: every MCP tool needs an allow rule (`mcp__server`,
 * `mcp__server__tool`, `mcp__server__*`) or an answer. `readOnlyHint` only lets the call ask in plan mode
 * (instead of being refused); `destructiveHint` tools are not covered by server-wide or wildcard rules —
 * only a rule naming the tool itself, an answer, or bypassPermissions lets them run.
 */
export function decideMcpCall(
  request: PermissionRequest,
  hints: McpToolHints,
  policy: { mode: PermissionMode; decide(request: PermissionRequest): PermissionDecision },
): PermissionDecision {
  // readOnly: false so the policy never auto-allows on the server's say-so.
  const decision = policy.decide({ ...request, readOnly: false });
  const tool = request.tool;
  const askFor = (reason: string): PermissionDecision => ({
    behavior: "ask",
    reason,
    ask: { summary: `use ${tool}`, suggestedRules: [tool], acceptEditsWouldAllow: false },
  });
  const notGranted = `Quarry requested permissions to use ${tool}, but you haven't granted it yet`;
  switch (decision.behavior) {
    case "deny":
      // A deny rule names itself; the policy's plan-mode refusal does not. A read-only tool may still ask.
      return decision.rule === undefined && policy.mode === "plan" && hints.readOnly
        ? askFor(`${notGranted} (it says it is read-only, so plan mode may use it)`)
        : decision;
    case "ask":
      return askFor(notGranted);
    case "allow":
      if (!hints.destructive || policy.mode === "bypassPermissions" || decision.rule === tool)
        return decision;
      return askFor(
        `${tool} says it is destructive, so only a rule naming it exactly (not ${decision.rule ?? "a broader rule"}) or your answer lets it run`,
      );
  }
}
