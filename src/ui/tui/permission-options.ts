import type { PermissionChoice, PermissionPrompt } from "./backend.js";

/** One row of the permission dialog. */
export interface DialogOption {
  label: string;
  choice: Exclude<PermissionChoice["choice"], "deny"> | "deny";
}

/** A suggested rule in words, so the option says exactly what it will allow. */
export function describeRule(rule: string): string {
  const m = /^(\w+)\((.*)\)$/.exec(rule);
  if (!m) return rule === "Edit" ? "edits to any file in this project" : `every ${rule} call`;
  const [, tool, arg] = m as unknown as [string, string, string];
  if (tool === "Bash") {
    return arg.endsWith(":*") ? `commands starting with \`${arg.slice(0, -2)}\`` : `the command \`${arg}\``;
  }
  if (tool === "Edit") return `edits to ${arg}`;
  if (tool === "Read") return `reading ${arg}`;
  return `${tool} for ${arg}`;
}

/**
 * The dialog's choices. An edit acceptEdits mode would allow offers "accept edits from now on" (every file in
 * the project, and Shift+Tab turns it off) instead of a one-file rule; other calls offer the rules the policy
 * suggested, described in words. See docs/decisions/0015-tui-interaction.md.
 */
export function dialogOptions(prompt: PermissionPrompt): DialogOption[] {
  const options: DialogOption[] = [{ label: "Yes, allow once", choice: "once" }];
  if (prompt.acceptEditsWouldAllow) {
    options.push({
      label: "Yes, and accept edits from now on (any file in this project; Shift+Tab turns it off)",
      choice: "acceptEdits",
    });
  } else if (prompt.suggestedRules.length) {
    options.push({
      label: `Yes, and allow ${prompt.suggestedRules.map(describeRule).join(", ")} for this session`,
      choice: "session",
    });
  }
  options.push({ label: "No, and tell the model what to do instead", choice: "deny" });
  return options;
}

/** "create ./notes.md" rather than "edit ./notes.md" when Write is about to make a new file. */
export function dialogSummary(
  tool: string,
  summary: string,
  input: unknown,
  exists: (path: string) => boolean,
): string {
  const path = (input as { file_path?: unknown } | null)?.file_path;
  if (tool !== "Write" || typeof path !== "string" || exists(path)) return summary;
  return summary.replace(/^edit /, "create ");
}
