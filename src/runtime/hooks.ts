import type { ToolResult } from "../tools/types.js";

/** What a pre-tool hook is told (Claude Code's PreToolUse fields, docs/architecture.md#hooks). */
export interface PreToolHookInput {
  sessionId: string;
  callId: string;
  tool: string;
  /** The input after validation. */
  input: unknown;
}

/**
 * A pre-tool hook's verdict. `deny` blocks the call (the model gets `reason` as an error result); `allow`
 * skips asking the user but never overrides a deny rule; `ask` asks even where the rules would allow;
 * `updatedInput` replaces the input (validated again).
 */
export interface PreToolHookOutcome {
  decision?: "allow" | "deny" | "ask";
  reason?: string;
  updatedInput?: unknown;
  /** The exact error text the model gets when denied (a hook's exit 2 uses Claude Code's wording). */
  message?: string;
}

/** Who a session-level hook (prompt, stop, start, end) is about. */
export interface SessionHookInput {
  sessionId: string;
}

/** A prompt-level hook's answer: `block` refuses the prompt (shown to the user); context goes to the model. */
export interface PromptHookOutcome {
  block?: string;
  additionalContext?: string;
}

/** What a post-tool hook is told: the call and its (unscrubbed) result. */
export interface PostToolHookInput extends PreToolHookInput {
  result: ToolResult;
  durationMs: number;
}

/** A post-tool hook's answer: text added to what the model sees, after the tool's own output. */
export interface PostToolHookOutcome {
  additionalContext?: string;
}

/**
 * Runs the user's hooks around each tool call. Called by the tool pipeline for every call from every source;
 * the hooks issue fills this in from settings — until then sessions use NO_HOOKS.
 */
export interface HookRunner {
  preToolUse(input: PreToolHookInput): Promise<PreToolHookOutcome>;
  postToolUse(input: PostToolHookInput): Promise<PostToolHookOutcome>;
  /** Before a prompt goes to the model (UserPromptSubmit). */
  userPromptSubmit?(input: SessionHookInput & { prompt: string }): Promise<PromptHookOutcome>;
  /** Once, before a session's first prompt (SessionStart; `source` is startup or resume). */
  sessionStart?(input: SessionHookInput & { source: string }): Promise<PromptHookOutcome>;
  /** After each prompt's run ends (Stop). */
  stop?(input: SessionHookInput): Promise<void>;
  /** When a subagent (the Agent tool's nested session) finishes (SubagentStop). */
  subagentStop?(
    input: SessionHookInput & {
      agentId: string;
      agentType: string;
      agentTranscriptPath: string;
      lastAssistantMessage: string;
    },
  ): Promise<void>;
  /** When the session closes (SessionEnd). */
  sessionEnd?(input: SessionHookInput & { reason: string }): Promise<void>;
  /** Before the conversation is compacted (PreCompact; `trigger` is manual for /compact, else auto). */
  preCompact?(
    input: SessionHookInput & { trigger: "manual" | "auto"; customInstructions: string },
  ): Promise<void>;
  /** When Quarry needs the user (Notification): a permission question is being shown. */
  notification?(input: SessionHookInput & { message: string; notificationType: string }): Promise<void>;
}

/** The hook runner of a session with no hooks configured. */
export const NO_HOOKS: HookRunner = {
  preToolUse: async () => ({}),
  postToolUse: async () => ({}),
};
