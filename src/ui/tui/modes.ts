import type { PermissionMode } from "../../permissions/types.js";

/** Shift+Tab's order (Claude Code's); bypassPermissions only when the user allowed it at start-up. */
export function nextMode(mode: PermissionMode, bypassAllowed: boolean): PermissionMode {
  const order: PermissionMode[] = ["default", "acceptEdits", "plan"];
  if (bypassAllowed) order.push("bypassPermissions");
  const i = order.indexOf(mode);
  return order[(i + 1) % order.length]!;
}

/** The footer's mode line: what Quarry may do without asking, in words. */
export function modeLabel(mode: PermissionMode): { text: string; color?: string } {
  switch (mode) {
    case "acceptEdits":
      return { text: "⏵⏵ accept edits on: edits in the project run without asking", color: "magenta" };
    case "plan":
      return { text: "⏸ plan mode on: read-only, no edits or commands", color: "cyan" };
    case "bypassPermissions":
      return { text: "⚠ bypass permissions on: everything runs without asking", color: "red" };
    default:
      return { text: "⏵ default mode: edits and commands ask first" };
  }
}
