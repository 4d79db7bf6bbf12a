import type { PrintOptions } from "../cli/options.js";
import { HeadlessConversation, type ToolPermissionAnswer } from "../headless/conversation.js";
import { ClaudeMessage } from "../headless/schema.js";
import type { SDKMessage, SDKMessageValidator } from "./messages.js";

/**
 * Quarry's in-process SDK (docs/headless.md, "In-process SDK"): `query()` runs Quarry's agent in this process
 * and yields the same Claude Code–compatible messages `quarry -p --output-format stream-json` prints, so code
 * written against `@anthropic-ai/claude-agent-sdk`'s message types reads them unchanged. The public types are
 * plain declarations (./messages.ts), so a TypeScript project needs nothing but this package to check them.
 */

export type {
  SDKApiUsage,
  SDKAssistantMessage,
  SDKFailover,
  SDKFailoverMessage,
  SDKMessage,
  SDKMessageValidator,
  SDKModelUsage,
  SDKPartialAssistantMessage,
  SDKPermissionDenial,
  SDKResultMessage,
  SDKSessionStateMessage,
  SDKStreamEvent,
  SDKSystemMessage,
  SDKUserMessage,
} from "./messages.js";

/** Checks that an untrusted value (a line of `quarry -p --output-format stream-json`) is an SDK message. */
export const SDKMessageSchema: SDKMessageValidator = {
  parse: (value) => ClaudeMessage.parse(value),
  safeParse: (value) => {
    const r = ClaudeMessage.safeParse(value);
    return r.success ? { success: true, data: r.data } : { success: false, error: r.error };
  },
};

/** The answer of a `canUseTool` callback, as in Claude Code's SDK. */
export type PermissionResult =
  | { behavior: "allow"; updatedInput?: Record<string, unknown> }
  | { behavior: "deny"; message: string };

/** Called when Quarry's own permission rules say "ask" for a tool call. */
export type CanUseTool = (
  toolName: string,
  input: Record<string, unknown>,
  context: {
    signal: AbortSignal;
    toolUseID: string;
    /** Permission rules that would allow this call next time, e.g. `Bash(npm test:*)`. */
    suggestions: string[];
    /** Why Quarry's rules ask. */
    decisionReason: string;
  },
) => Promise<PermissionResult>;

/** A user message for a streaming prompt. */
export interface UserPrompt {
  type: "user";
  message: { role: "user"; content: string | { type: string; text?: string }[] };
}

/** Options of `query()`; the names follow Claude Code's SDK where the meaning is the same. */
export interface QueryOptions {
  /** The project directory (default: process.cwd()). */
  cwd?: string;
  /**
   * The environment Quarry's settings are read from (default: process.env). AWS credentials resolve through the
   * AWS SDK's chain, which reads this process's own environment.
   */
  env?: NodeJS.ProcessEnv;
  model?: string;
  region?: string;
  permissionMode?: "default" | "acceptEdits" | "plan" | "bypassPermissions";
  allowedTools?: string[];
  disallowedTools?: string[];
  maxTurns?: number;
  /** Replaces Quarry's system prompt. */
  systemPrompt?: string;
  appendSystemPrompt?: string;
  additionalDirectories?: string[];
  includePartialMessages?: boolean;
  resume?: string;
  continue?: boolean;
  allowDangerouslySkipPermissions?: boolean;
  canUseTool?: CanUseTool;
  /** Aborting it ends the running turn and the query. */
  abortController?: AbortController;
  /** Warnings and notes (what `quarry -p` writes to stderr). */
  stderr?: (line: string) => void;
}

/** The running query: an async iterator of messages, with controls. */
export interface Query extends AsyncGenerator<SDKMessage, void> {
  /** Ends the running turn: a running tool is killed and the turn's result is `error_during_execution`. */
  interrupt(): Promise<void>;
  /** Changes the permission mode for the rest of the query. */
  setPermissionMode(mode: NonNullable<QueryOptions["permissionMode"]>): Promise<void>;
  /** Switches the model from the next user message on. */
  setModel(model?: string): Promise<void>;
}

/**
 * Runs one prompt (a string) or a stream of user messages; each user message is one run ending in a result
 * message, with history carried over. Unlike Claude Code's SDK, an error result is yielded, not thrown: check
 * `is_error`. Configuration mistakes (bad model ID, no region) throw.
 */
export function query(params: { prompt: string | AsyncIterable<UserPrompt>; options?: QueryOptions }): Query {
  const o = params.options ?? {};
  const signal = o.abortController?.signal ?? new AbortController().signal;
  const options: PrintOptions = {
    model: o.model,
    region: o.region,
    permissionMode: o.permissionMode,
    allowedTools: o.allowedTools,
    disallowedTools: o.disallowedTools,
    maxTurns: o.maxTurns === undefined ? undefined : String(o.maxTurns),
    addDir: o.additionalDirectories,
    resume: o.resume,
    continue: o.continue,
    allowDangerouslySkipPermissions: o.allowDangerouslySkipPermissions,
  };
  const canUseTool = o.canUseTool;
  const conversation = new HeadlessConversation({
    options,
    cwd: o.cwd ?? process.cwd(),
    env: o.env,
    signal,
    includePartialMessages: Boolean(o.includePartialMessages),
    systemPrompt: { replace: o.systemPrompt, append: o.appendSystemPrompt },
    onNote: (m) => o.stderr?.(m),
    canUseTool: canUseTool
      ? (r): Promise<ToolPermissionAnswer> =>
          canUseTool(r.toolName, r.input, {
            signal: r.signal,
            toolUseID: r.toolUseId,
            suggestions: r.suggestions,
            decisionReason: r.reason,
          })
      : undefined,
  });
  async function* run(): AsyncGenerator<SDKMessage, void> {
    try {
      for await (const text of prompts(params.prompt)) {
        if (signal.aborted) return;
        yield* conversation.send(text);
      }
    } finally {
      await conversation.close();
    }
  }
  const generator = run();
  return Object.assign(generator, {
    interrupt: async () => conversation.interrupt(),
    setPermissionMode: async (mode: NonNullable<QueryOptions["permissionMode"]>) =>
      conversation.setPermissionMode(mode),
    setModel: async (model?: string) => conversation.setModel(model),
  });
}

async function* prompts(prompt: string | AsyncIterable<UserPrompt>): AsyncGenerator<string> {
  if (typeof prompt === "string") {
    yield prompt;
    return;
  }
  for await (const m of prompt) {
    const content = m.message.content;
    yield typeof content === "string"
      ? content
      : content
          .flatMap((b) => (b.type === "text" && typeof b.text === "string" ? [b.text] : []))
          .join("\n\n");
  }
}
