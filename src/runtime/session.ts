import { randomUUID } from "node:crypto";
import { homedir } from "node:os";
import { Agent } from "../agent/loop.js";
import { findRepoRoot, loadMemoryFiles } from "../agent/memory.js";
import { createSecretScrubber } from "../agent/secret-scrubber.js";
import { buildSystemPrompt, environmentFacts } from "../agent/system-prompt.js";
import { connectBedrock } from "../bedrock/connection.js";
import { describeSource, loadSettings, type Settings } from "../config/index.js";
import { type McpManager, prepareMcp, projectTrustedByFlagOrEnv, withMcpPermissions } from "../mcp/index.js";
import type { Message, ModelPrice, ModelProvider } from "../model/types.js";
import { createPermissionPolicy, type PermissionPolicy, type RuleInput } from "../permissions/index.js";
import type { PermissionDecision, PermissionRequest } from "../permissions/types.js";
import type { AgentEvent, EventOf, ProtocolEvent } from "../protocol/events.js";
import { TRANSIENT_EVENT_TYPES } from "../protocol/events.js";
import type { Operation } from "../protocol/operations.js";
import { EventStamper } from "../protocol/stamp.js";
import { createBedrockSession } from "../providers/create-bedrock.js";
import { type SessionEvent, SessionStore, type SessionWriter } from "../session/index.js";
import { createToolContext, createToolRegistry, ToolRegistry } from "../tools/index.js";
import type { ToolContext } from "../tools/types.js";
import type { SessionConfig } from "./config.js";
import { UsageError } from "./errors.js";
import { type HookRunner, NO_HOOKS } from "./hooks.js";
import { type AskPermission, type PermissionAnswer, ToolPipeline } from "./tool-pipeline.js";

export { isUsageError, UsageError } from "./errors.js";
export type { PermissionAnswer, PermissionQuestion } from "./tool-pipeline.js";

/** How a session gets answers to permission questions. */
export interface OpenSessionOptions {
  /** Cancels everything the session does (Ctrl-C in print mode). */
  signal?: AbortSignal;
  /**
   * Who answers "ask": a function (the TUI's dialog), "protocol" (wait for a permission_answer operation —
   * the SDK and control protocol), or nobody (print mode: denied, and the model told how to allow it).
   */
  ask?: AskPermission | "protocol";
  /** The user's hooks; none until the hooks issue. */
  hooks?: HookRunner;
}

/** The permission policy's decision, including the `ask` details (summary, suggested rules). */
export type PolicyDecision = PermissionDecision;

/** What a nested agent is given: fewer tools, more deny rules, its own prompt, the same pipeline. */
export interface SpawnAgentOptions {
  /** The parent's tool call that runs this agent; every child event carries it as parent_call_id. */
  parentCallId: string;
  /** The child's system prompt (an agent file's body); the parent's when absent. */
  system?: string;
  /** Names of the parent's tools the child may use; all of them when absent. */
  tools?: readonly string[];
  /** Extra deny rules for the child; the parent's rules always apply too. */
  deny?: readonly string[];
  maxTurns?: number;
}

/** Everything one session is assembled from; the factory (`openSession`) or a parent session builds it. */
interface SessionParts {
  id: string;
  settings: Settings;
  provider: ModelProvider;
  model: { name: string; sideModel?: string; region: string; contextWindow: number; price?: ModelPrice };
  registry: ToolRegistry;
  policy: PermissionPolicy;
  decide(request: PermissionRequest): PermissionDecision;
  hooks: HookRunner;
  ask: OpenSessionOptions["ask"];
  context: ToolContext;
  scrub(text: string): string;
  system: string;
  maxTurns: number;
  history: Message[];
  writer: SessionWriter;
  store: SessionStore;
  projectRoot: string;
  cwd: string;
  warnings: string[];
  signal?: AbortSignal;
  thinking?: { budget: number; mode: "enabled" | "adaptive" };
  notices?: { drain(): string[] };
  parentCallId?: string;
  /** The sequence number to continue from (a resumed transcript). */
  lastSeq: number;
  /** The session's MCP servers (docs/mcp.md); a nested agent uses its parent's and does not own them. */
  mcp?: McpManager;
}

/**
 * An open session: the agent, its tool registry and pipeline, its permission policy and transcript. Front
 * ends (print mode, the TUI, the SDK) send it prompts and operations and read stamped protocol events; every
 * event but the transient ones (deltas, progress) is written to the transcript as emitted.
 */
export class Session {
  readonly id: string;
  readonly agent: Agent;
  readonly settings: Settings;
  readonly policy: PermissionPolicy;
  readonly registry: ToolRegistry;
  readonly pipeline: ToolPipeline;
  readonly warnings: string[];
  /** The main model's context window in tokens, for a "context used" figure. */
  readonly contextWindow: number;
  /** The unstamped session_start event (front ends show it; `start()` emits it). */
  readonly startEvent: EventOf<"session_start">;
  private readonly stamper: EventStamper;
  private readonly pending = new Map<string, (answer: PermissionAnswer) => void>();
  private current: AbortController | undefined;

  constructor(private readonly parts: SessionParts) {
    this.id = parts.id;
    this.settings = parts.settings;
    this.policy = parts.policy;
    this.registry = parts.registry;
    this.warnings = parts.warnings;
    this.contextWindow = parts.model.contextWindow;
    this.stamper = new EventStamper(parts.id, parts.parentCallId, parts.lastSeq);
    const ask: AskPermission | undefined =
      parts.ask === "protocol"
        ? (question) => new Promise((resolve) => this.pending.set(question.id, resolve))
        : parts.ask;
    this.pipeline = new ToolPipeline({
      sessionId: parts.id,
      registry: parts.registry,
      context: parts.context,
      decide: parts.decide,
      ask,
      hooks: parts.hooks,
      scrub: parts.scrub,
    });
    this.agent = new Agent({
      provider: parts.provider,
      tools: this.pipeline,
      system: parts.system,
      maxTurns: parts.maxTurns,
      contextWindow: parts.model.contextWindow,
      modelName: parts.model.name,
      price: parts.model.price,
      history: parts.history,
      signal: parts.signal,
      wantTitle: parts.history.length === 0 && !parts.parentCallId,
      thinking: parts.thinking,
      notices: parts.notices,
    });
    this.startEvent = {
      type: "session_start",
      sessionId: parts.id,
      model: parts.model.name,
      sideModel: parts.model.sideModel,
      region: parts.model.region,
      cwd: parts.cwd,
      tools: parts.registry.names(),
      permissionMode: parts.policy.mode,
      ...(parts.mcp ? { mcpServers: parts.mcp.statuses() } : {}),
    };
  }

  /** The stamped session_start, recorded; front ends emit it first. */
  start(): ProtocolEvent {
    return this.emit({ ...this.startEvent, tools: this.registry.names(), permissionMode: this.policy.mode });
  }

  /** Runs one prompt to its `done` event. `signal` cancels this run only; `interrupt` does the same. */
  async *run(prompt: string, signal?: AbortSignal): AsyncGenerator<ProtocolEvent> {
    const controller = new AbortController();
    const cancel = () => controller.abort();
    for (const s of [signal, this.parts.signal]) {
      if (s?.aborted) controller.abort();
      s?.addEventListener("abort", cancel, { once: true });
    }
    this.current = controller;
    try {
      for await (const event of this.agent.run(prompt, controller.signal)) yield this.emit(event);
    } finally {
      this.current = undefined;
      for (const s of [signal, this.parts.signal]) s?.removeEventListener("abort", cancel);
    }
  }

  /** Compacts the conversation now (`/compact`). */
  async *compact(signal?: AbortSignal): AsyncGenerator<ProtocolEvent> {
    for await (const event of this.agent.compact(signal)) yield this.emit(event);
  }

  /**
   * Applies an operation other than a user message (which is `run`): an interrupt, a permission answer (for
   * sessions opened with `ask: "protocol"`), a permission-mode change. A model change reopens the session
   * (`openSession` with `resume`), so it is refused here with that instruction.
   */
  apply(op: Exclude<Operation, { op: "user_message" }>): void {
    switch (op.op) {
      case "interrupt":
        this.current?.abort();
        for (const [id, resolve] of this.pending) {
          this.pending.delete(id);
          resolve({ behavior: "deny", reason: "The user interrupted the turn." });
        }
        return;
      case "permission_answer": {
        const resolve = this.pending.get(op.callId);
        if (!resolve) throw new UsageError(`No permission question is waiting for tool call ${op.callId}.`);
        this.pending.delete(op.callId);
        if (op.behavior === "allow" && op.scope === "session") {
          // The rules the question suggested, as the TUI's "allow for this session" adds them.
          for (const rule of this.lastSuggested.get(op.callId) ?? []) this.policy.addSessionRule(rule);
        }
        resolve({
          behavior: op.behavior,
          reason: op.reason ?? (op.behavior === "allow" ? "Allowed by the user." : "The user denied this."),
        });
        return;
      }
      case "set_permission_mode":
        this.policy.setMode(op.mode);
        return;
      case "set_model":
        throw new UsageError(
          "A model change reopens the session.",
          "call openSession again with { model, resume: session.id } and close this one",
        );
    }
  }

  private readonly lastSuggested = new Map<string, readonly string[]>();

  /**
   * A nested agent: a child session with its own id and transcript, a subset of this session's tools, this
   * session's rules plus its own deny rules, the same provider, hooks, asker and pipeline. Its events carry
   * `parent_call_id`; a tool that runs it passes them on with `ctx.emit`.
   */
  spawnAgent(options: SpawnAgentOptions): Session {
    const p = this.parts;
    const id = randomUUID();
    const registry = options.tools ? p.registry.subset(options.tools) : new ToolRegistry(p.registry.list());
    const extra = options.deny?.length
      ? createPermissionPolicy({
          mode: "bypassPermissions",
          deny: options.deny.map((value) => ({ value, source: "the agent's rules" })),
          projectRoot: p.projectRoot,
          home: homedir(),
        })
      : undefined;
    const writer = p.store.create({ projectRoot: p.projectRoot, model: p.model.name, id });
    writer.append({ type: "spawned", parentSessionId: p.id, parentCallId: options.parentCallId });
    return new Session({
      ...p,
      id,
      registry,
      // The child can never do more than the parent: the stricter of both decisions wins.
      decide: (request) => stricter(p.decide(request), extra?.decide(request)),
      system: options.system ?? p.system,
      maxTurns: options.maxTurns ?? p.maxTurns,
      history: [],
      writer,
      warnings: [],
      parentCallId: options.parentCallId,
      lastSeq: 0,
      notices: undefined,
      mcp: undefined,
    });
  }

  async close(): Promise<void> {
    await this.parts.mcp?.close();
    this.parts.writer.close();
  }

  /** Emits an event of the front end's own (a start-up warning): stamped and recorded like the agent's. */
  publish(event: AgentEvent): ProtocolEvent {
    return this.emit(event);
  }

  /** Stamps and records one event; a nested agent's events arrive stamped (and recorded) already. */
  private emit(event: AgentEvent): ProtocolEvent {
    if ("seq" in event && "session_id" in event) return event as ProtocolEvent;
    if (event.type === "permission_request" && event.suggestedRules)
      this.lastSuggested.set(event.id, event.suggestedRules);
    const stamped = this.stamper.stamp(event);
    if (!TRANSIENT_EVENT_TYPES.has(stamped.type))
      this.parts.writer.append(stamped as unknown as SessionEvent);
    return stamped;
  }
}

const RANK = { allow: 0, ask: 1, deny: 2 } as const;

function stricter(a: PermissionDecision, b: PermissionDecision | undefined): PermissionDecision {
  return b && RANK[b.behavior] > RANK[a.behavior] ? b : a;
}

/** Loads settings, connects to the model, opens the transcript, and assembles the session's parts. */
export async function openSession(config: SessionConfig, options: OpenSessionOptions = {}): Promise<Session> {
  const env = config.env ?? process.env;
  const cwd = config.cwd;
  const settings = loadSettings({ cwd, env, flags: { model: config.model, region: config.region } });
  const warnings = [...settings.warnings];
  if (settings.provider?.value === "anthropic") {
    throw new UsageError(
      `The direct Anthropic API (chosen by ${describeSource(settings.provider.source)}) is not supported yet; Quarry talks to Claude on Amazon Bedrock.`,
      "export CLAUDE_CODE_USE_BEDROCK=1 (and AWS_REGION, AWS credentials), then run `quarry doctor`.",
    );
  }
  // Everything that can fail on a typo (permission rules, a session id) is checked before any network call.
  const projectRoot = findRepoRoot(cwd) ?? cwd;
  const rules = (list: { value: string; source: string }[] | undefined): RuleInput[] => list ?? [];
  const policy = createPermissionPolicy({
    mode: config.permissionMode ?? "default",
    allow: [...settings.permissions.allow, ...rules(config.allow)],
    deny: [...settings.permissions.deny, ...rules(config.deny)],
    projectRoot,
    home: homedir(),
  });
  const store = SessionStore.fromEnvironment(env);
  const existing = config.resume
    ? store.open(config.resume, projectRoot)
    : config.continue
      ? store.latest(projectRoot)
      : undefined;
  if ((config.resume || config.continue) && !existing) {
    throw new UsageError(
      "There is no earlier session in this project to continue.",
      'start one with quarry -p "…"',
    );
  }

  // Notices raised during the run (e.g. the side model denied on its first call) become warning events.
  const pendingNotices: string[] = [];
  const notices = { drain: () => pendingNotices.splice(0, pendingNotices.length) };
  const registry = new ToolRegistry(createToolRegistry({ cwd }));
  // MCP servers connect while Bedrock does; a bad --mcp-config has already thrown (docs/mcp.md).
  const mcp = prepareMcp({
    cwd,
    projectRoot,
    env,
    home: homedir(),
    userConfigDir: settings.userConfigDir.value,
    flagConfigs: config.mcpConfig,
    strict: config.strictMcpConfig,
    trusted: projectTrustedByFlagOrEnv(config.trustProject, env),
    registry,
    notify: (m) => pendingNotices.push(m),
  });
  const mcpStarted = mcp.manager.start();
  let bedrock: Awaited<ReturnType<typeof createBedrockSession>>;
  try {
    const connection = await connectBedrock({ settings, env, announce: (m) => warnings.push(m) });
    bedrock = await createBedrockSession(connection, { onNotice: (m) => pendingNotices.push(m) });
  } catch (err) {
    await mcp.manager.close();
    throw err;
  }
  warnings.push(...bedrock.warnings, ...mcp.warnings, ...(await mcpStarted));

  let history: Message[] = [];
  let writer: SessionWriter;
  let lastSeq = 0;
  if (existing) {
    const loaded = existing.load();
    warnings.push(...loaded.warnings);
    history = replayMessages(loaded.events);
    lastSeq = loaded.events.reduce((max, e) => (typeof e.seq === "number" && e.seq > max ? e.seq : max), 0);
    writer = existing.resume();
  } else {
    writer = store.create({ projectRoot, model: bedrock.main.sendId, id: randomUUID() });
  }

  const context: ToolContext = {
    ...createToolContext({ cwd, signal: options.signal }),
    readable: (path: string) =>
      policy.decide({ tool: "Read", readOnly: true, target: { kind: "read", paths: [path] } }).behavior !==
      "deny",
  };
  // Credentials in this process's env never travel in tool output (to the model, the transcript or the UI).
  const scrub = createSecretScrubber({ ...process.env, ...env });
  const memory = loadMemoryFiles(cwd, projectRoot, settings.userConfigDir.value);
  const caps = bedrock.main.capabilities;
  return new Session({
    id: writer.id,
    settings,
    provider: bedrock.provider,
    model: {
      name: bedrock.main.sendId,
      sideModel: bedrock.side?.sendId,
      region: bedrock.main.region,
      contextWindow: caps.contextWindow,
      price: caps.price,
    },
    registry,
    policy,
    decide: withMcpPermissions(mcp.manager, policy),
    hooks: options.hooks ?? NO_HOOKS,
    ask: options.ask,
    context,
    scrub,
    system: buildSystemPrompt(environmentFacts(cwd), memory),
    maxTurns: config.maxTurns ?? 50,
    history,
    writer,
    store,
    projectRoot,
    cwd,
    warnings,
    signal: options.signal,
    thinking: thinkingFor(settings.maxThinkingTokens?.value, caps.thinking),
    notices,
    lastSeq,
    mcp: mcp.manager,
  });
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
