/** How much Quarry may do without asking (Claude Code's mode names). */
export type PermissionMode = "default" | "acceptEdits" | "plan" | "bypassPermissions";

/** Every mode, in the order the UI cycles through them. */
export const PERMISSION_MODES: readonly PermissionMode[] = [
  "default",
  "acceptEdits",
  "plan",
  "bypassPermissions",
];

/** What a tool call touches, as the tool itself describes it. */
export interface PermissionTarget {
  readonly kind: "read" | "edit" | "bash" | "web" | "none";
  /** Absolute paths the call reads or writes. */
  readonly paths?: readonly string[];
  /** The URL fetched, for `web` (WebFetch; rules match its host). */
  readonly url?: string;
  /** The shell command, for `bash`. */
  readonly command?: string;
  /** Files a `bash` command writes (redirect targets), when the analysis knows them; checked as writes. */
  readonly writes?: readonly string[];
}

/** One tool call to be judged. */
export interface PermissionRequest {
  readonly tool: string;
  readonly readOnly: boolean;
  readonly target: PermissionTarget;
}

/** What to ask the user (or tell the model in print mode) when the policy cannot decide alone. */
export interface AskDetails {
  /** "run `npm test`", "edit ./src/a.ts", "read /etc/hosts". */
  readonly summary: string;
  /** The narrowest rules that would allow this call, for "allow for this session" or `--allowedTools`. */
  readonly suggestedRules: readonly string[];
  /** True when switching to acceptEdits would allow this call without a rule. */
  readonly acceptEditsWouldAllow: boolean;
}

/** The policy's answer for one call; `reason` is written for both the user and the model. */
export interface PermissionDecision {
  readonly behavior: "allow" | "deny" | "ask";
  readonly reason: string;
  /** The rule (or rules, comma separated) that decided, as written. */
  readonly rule?: string;
  /** Present when behavior is "ask". */
  readonly ask?: AskDetails;
}
