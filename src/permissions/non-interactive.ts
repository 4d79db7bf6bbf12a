import type { PermissionDecision } from "./types.js";

/**
 * In print mode nobody can answer a question, so `ask` becomes `deny` with a reason that tells the model
 * (and, through it, the user) exactly how to re-run with the permission granted.
 */
export function resolveForNonInteractive(decision: PermissionDecision): PermissionDecision {
  if (decision.behavior !== "ask") return decision;
  const summary = decision.ask?.summary ?? "use this tool";
  const options: string[] = [];
  const rules = decision.ask?.suggestedRules ?? [];
  if (rules.length > 0) options.push(`--allowedTools ${shellQuote(rules.join(" "))}`);
  if (decision.ask?.acceptEditsWouldAllow) options.push("--permission-mode acceptEdits");
  // Say why it needed asking (e.g. the path is outside the project), then how to allow it next time.
  const why = `${decision.reason.charAt(0).toUpperCase()}${decision.reason.slice(1).replace(/\.$/, "")}.`;
  const next = options.length > 0 ? ` Re-run with ${options.join(" or ")}.` : "";
  const reason = `Permission to ${summary} was not granted: Quarry is running non-interactively (print mode). ${why}${next}`;
  return decision.rule === undefined
    ? { behavior: "deny", reason }
    : { behavior: "deny", reason, rule: decision.rule };
}

/** Quotes a flag value for a POSIX shell: double quotes when safe, single quotes otherwise. */
function shellQuote(value: string): string {
  if (!/["$`\\!]/.test(value)) return `"${value}"`;
  return `'${value.replace(/'/g, "'\\''")}'`;
}
