import { randomUUID } from "node:crypto";
import { homedir } from "node:os";
import type { AgentEvent } from "../agent/events.js";
import { Agent, type PermissionDecision, type PermissionQuestion } from "../agent/loop.js";
import { findRepoRoot, loadMemoryFiles } from "../agent/memory.js";
import { createSecretScrubber } from "../agent/secret-scrubber.js";
import { buildSystemPrompt, environmentFacts } from "../agent/system-prompt.js";
import { connectBedrock } from "../bedrock/connection.js";
import { ConfigError, describeSource, loadSettings, type Settings } from "../config/index.js";
import {
  createPermissionPolicy,
  type PermissionPolicy,
  PermissionRuleError,
  type PermissionTarget,
  resolveForNonInteractive,
  splitRuleList,
} from "../permissions/index.js";
import { createBedrockSession } from "../providers/create-bedrock.js";
import type { Message } from "../providers/types.js";
import {
  type SessionEvent,
  SessionNotFoundError,
  SessionStore,
  type SessionWriter,
} from "../session/index.js";
import { createToolContext, createToolRegistry, runToolCall, toolDefinitions } from "../tools/index.js";
import type { PrintOptions } from "./commands/print.js";

/** A usage mistake on the command line (exit code 2). */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly fix?: string,
  ) {
    super(message);
  }
}

/** Mistakes in flags, settings files, permission rules or session ids: exit code 2, message and fix only. */
export function isUsageError(err: unknown): err is Error & { fix?: string } {
  return (
    err instanceof UsageError ||
    err instanceof ConfigError ||
    err instanceof PermissionRuleError ||
    err instanceof SessionNotFoundError
  );
}

const MODES = ["default", "acceptEdits", "plan", "bypassPermissions"] as const;
type Mode = (typeof MODES)[number];

export interface OpenSessionOptions {
  options: PrintOptions;
  interactive: boolean;
  signal: AbortSignal;
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /**
   * Interactive front ends answer permission questions themselves (a dialog); without this, "ask" resolves
   * as print mode does: denied, and the model told why. The decision is the policy's, with `ask` details.
   */
  ask?: (question: PermissionQuestion, decision: PolicyDecision) => Promise<PermissionAnswer>;
  /** `--system-prompt` replaces Quarry's system prompt; `--append-system-prompt` adds to it (docs/headless.md). */
  systemPrompt?: { replace?: string; append?: string };
}

/** The permission policy's decision, including the `ask` details (summary, suggested rules). */
export type PolicyDecision = ReturnType<PermissionPolicy["decide"]>;

/** What a permission prompt answers. */
export interface PermissionAnswer {
  behavior: "allow" | "deny";
  reason: string;
}

/** Everything a front end (print mode, TUI) needs to run the agent. */
export interface AgentSession {
  agent: Agent;
  settings: Settings;
  startEvent: AgentEvent;
  warnings: string[];
  /** The session's permission policy; "allow for this session" adds rules to it. */
  policy: PermissionPolicy;
  /** The main model's context window in tokens, for a "context used" figure. */
  contextWindow: number;
  /** The names of the tools the model is offered. */
  toolNames: string[];
  close(): Promise<void>;
}

/** Loads settings, connects to Bedrock, opens the transcript, and builds the agent with tools and permissions. */
export async function openAgentSession(o: OpenSessionOptions): Promise<AgentSession> {
  const env = o.env ?? process.env;
  const opts = o.options;
  const mode = (opts.permissionMode ?? "default") as Mode;
  if (!MODES.includes(mode)) {
    throw new UsageError(
      `--permission-mode must be one of ${MODES.join(", ")} (got "${opts.permissionMode}")`,
    );
  }
  const maxTurns = Number(opts.maxTurns ?? 50);
  if (!Number.isInteger(maxTurns) || maxTurns < 1) {
    throw new UsageError(`--max-turns must be a positive integer (got "${opts.maxTurns}")`);
  }
  const settings = loadSettings({ cwd: o.cwd, env, flags: { model: opts.model, region: opts.region } });
  const warnings = [...settings.warnings];
  if (settings.provider?.value === "anthropic") {
    throw new UsageError(
      `The direct Anthropic API (chosen by ${describeSource(settings.provider.source)}) is not supported yet; Quarry talks to Claude on Amazon Bedrock.`,
      "export CLAUDE_CODE_USE_BEDROCK=1 (and AWS_REGION, AWS credentials), then run `quarry doctor`.",
    );
  }
  // Everything that can fail on a typo (permission rules, a session id) is checked before any network call.
  const projectRoot = findRepoRoot(o.cwd) ?? o.cwd;
  const fromFlag = (values: string[] | undefined, source: string) =>
    (values ?? []).flatMap(splitRuleList).map((value) => ({ value, source }));
  const policy = createPermissionPolicy({
    mode,
    allow: [...settings.permissions.allow, ...fromFlag(opts.allowedTools, "--allowedTools")],
    deny: [...settings.permissions.deny, ...fromFlag(opts.disallowedTools, "--disallowedTools")],
    projectRoot,
    home: homedir(),
    additionalDirectories: opts.addDir,
  });
  const store = SessionStore.fromEnvironment(env);
  const existing = opts.resume
    ? store.open(opts.resume, projectRoot)
    : opts.continue
      ? store.latest(projectRoot)
      : undefined;
  if ((opts.resume || opts.continue) && !existing) {
    throw new UsageError(
      "There is no earlier session in this project to continue.",
      'start one with quarry -p "…"',
    );
  }

  const connection = await connectBedrock({ settings, env, announce: (m) => warnings.push(m) });
  // Notices raised during the run (e.g. the side model denied on its first call) become warning events.
  const pending: string[] = [];
  const notices = { drain: () => pending.splice(0, pending.length) };
  const bedrock = await createBedrockSession(connection, { onNotice: (m) => pending.push(m) });
  warnings.push(...bedrock.warnings);

  let history: Message[] = [];
  let writer: SessionWriter;
  if (existing) {
    const loaded = existing.load();
    warnings.push(...loaded.warnings);
    history = replayMessages(loaded.events);
    writer = existing.resume();
  } else {
    writer = store.create({ projectRoot, model: bedrock.main.sendId, id: randomUUID() });
  }

  const tools = createToolRegistry({ cwd: o.cwd });
  const toolContext = {
    ...createToolContext({ cwd: o.cwd, signal: o.signal }),
    readable: (path: string) =>
      policy.decide({ tool: "Read", readOnly: true, target: { kind: "read", paths: [path] } }).behavior !==
      "deny",
  };
  // Credentials in this process's env never travel in tool output (to the model, the transcript or the UI).
  const scrub = createSecretScrubber({ ...process.env, ...env });
  const memory = loadMemoryFiles(o.cwd, projectRoot, settings.userConfigDir.value);
  const agent = new Agent({
    provider: bedrock.provider,
    tools,
    definitions: toolDefinitions(tools),
    runTool: async (name, input, signal) => {
      const result = await runToolCall(tools, name, input, { ...toolContext, signal });
      return { ...result, content: scrub(result.content) };
    },
    decide: (tool, input) =>
      policy.decide({
        tool: tool.name,
        readOnly: tool.readOnly,
        target: tool.permissionTarget(input as never) as PermissionTarget,
      }),
    ask: async (question, decision: PermissionDecision) => {
      if (o.ask) return o.ask(question, decision as PolicyDecision);
      const resolved = resolveForNonInteractive(decision);
      return { behavior: resolved.behavior === "allow" ? "allow" : "deny", reason: resolved.reason };
    },
    system: [
      o.systemPrompt?.replace ?? buildSystemPrompt(environmentFacts(o.cwd), memory),
      o.systemPrompt?.append,
    ]
      .filter(Boolean)
      .join("\n\n"),
    maxTurns,
    contextWindow: bedrock.main.capabilities.contextWindow,
    modelName: bedrock.main.sendId,
    price: bedrock.main.capabilities.price,
    record: (event) => writer.append(event as SessionEvent),
    history,
    signal: o.signal,
    wantTitle: history.length === 0,
    thinking: thinkingFor(settings.maxThinkingTokens?.value, bedrock.main.capabilities.thinking),
    notices,
  });
  return {
    agent,
    settings,
    warnings,
    policy,
    contextWindow: bedrock.main.capabilities.contextWindow,
    toolNames: tools.map((t) => t.name),
    startEvent: {
      type: "session_start",
      sessionId: writer.id,
      model: bedrock.main.sendId,
      sideModel: bedrock.side?.sendId,
      region: bedrock.main.region,
      cwd: o.cwd,
    },
    close: async () => writer.close(),
  };
}

/**
 * Rebuilds the conversation from a transcript: messages in order, with a compaction replacing everything
 * before it.
 */
export function replayMessages(events: readonly { type: string; [k: string]: unknown }[]): Message[] {
  let messages: Message[] = [];
  for (const e of events) {
    if (e.type === "message") messages.push(e.message as Message);
    else if (e.type === "compacted") messages = [...(e.messages as Message[])];
  }
  // Tool calls whose results never made it (the process died while they ran) cannot be sent back. Trailing
  // user messages stay: tool results after --max-turns, or a prompt cancelled before any reply; the API joins
  // consecutive user messages with the next prompt.
  const last = messages.at(-1);
  if (
    last?.role === "assistant" &&
    Array.isArray(last.content) &&
    last.content.some((b) => b.type === "tool_use")
  ) {
    messages.pop();
  }
  return messages;
}

/** MAX_THINKING_TOKENS applies only to models that think; 0 or unset means no extended thinking. */
function thinkingFor(
  budget: number | undefined,
  mode: "none" | "enabled" | "adaptive",
): { budget: number; mode: "enabled" | "adaptive" } | undefined {
  if (!budget || mode === "none") return undefined;
  return { budget, mode };
}
