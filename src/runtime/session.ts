import { randomUUID } from "node:crypto";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { repairHistory } from "../agent/history.js";
import { Agent } from "../agent/loop.js";
import { findRepoRoot, loadMemoryFiles } from "../agent/memory.js";
import { buildSystemPrompt, gatherEnvironmentFacts } from "../agent/system-prompt.js";
import type { OutputLimits } from "../agent/truncation.js";
import { installAgents } from "../agents/install.js";
import { type AgentModel, type AgentModelResolver, createAgentModels } from "../agents/model.js";
import { NestedUsage } from "../agents/usage.js";
import { type BedrockConnection, connectBedrock } from "../bedrock/connection.js";
import { claudeSettingsPath, describeSource, loadSettings, type Settings } from "../config/index.js";
import { blockedPromptEvents, createSessionHooks, promptThroughHooks } from "../hooks/session-hooks.js";
import { type McpManager, prepareMcp, withMcpPermissions } from "../mcp/index.js";
import type { Message, ModelPrice, ModelProvider } from "../model/types.js";
import { createPermissionPolicy, type PermissionPolicy, type RuleInput } from "../permissions/index.js";
import { prepareShellAnalysis } from "../permissions/shell.js";
import type { PermissionDecision, PermissionRequest } from "../permissions/types.js";
import type { AgentEvent, EventOf, ProtocolEvent } from "../protocol/events.js";
import { TRANSIENT_EVENT_TYPES } from "../protocol/events.js";
import type { Operation } from "../protocol/operations.js";
import { EventStamper } from "../protocol/stamp.js";
import { createModelSession } from "../providers/create-model-session.js";
import { resolveSandboxMode, SessionSandbox } from "../sandbox/index.js";
import {
  addResolvedCredentials,
  createSessionSecrets,
  guardProvider,
  type SecretRegistry,
} from "../secrets/index.js";
import { resolveDataDir, type SessionEvent, SessionStore, type SessionWriter } from "../session/index.js";
import { prepareSkills } from "../skills/index.js";
import type { NarrowDecision } from "../tools/agent.js";
import { createToolContext, createToolRegistry, ToolRegistry } from "../tools/index.js";
import { useTempJournal } from "../tools/temp-journal.js";
import type { ToolContext } from "../tools/types.js";
import { decideProjectTrust } from "../trust/decide.js";
import type { SessionConfig } from "./config.js";
import { UsageError } from "./errors.js";
import type { HookRunner } from "./hooks.js";
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
  /** Replaces the hooks read from settings files (tests, an SDK with its own). */
  hooks?: HookRunner;
  /** The session's secrets (docs/security/secrets.md); a front end passes its own to scrub what it prints. */
  secrets?: SecretRegistry;
  /**
   * Resolve the side model before the session opens, so its name and any problem with it are known at start
   * (the TUI's status line). Otherwise it resolves after the first answer, off the path to the first request.
   */
  eagerSideModel?: boolean;
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
  /** The child's own model (an agent file's `model`); the parent's when absent. */
  model?: AgentModel;
  /** A further check on the child's decisions; it can only make them stricter. */
  narrow?: NarrowDecision;
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
  /** Every credential the session holds or can see; tool output is scrubbed by value on its way out. */
  secrets: SecretRegistry;
  sandbox: SessionSandbox;
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
  /** Starts what the first request did not need (side model, quotas); called once the model answers. */
  warmUp?: () => void;
  /** The main model's max_tokens and the most it accepts, for recovering from cut-off answers. */
  outputLimits?: OutputLimits;
  parentCallId?: string;
  /** False: no session-title side call (print mode exits as soon as the answer is printed). */
  title?: boolean;
  /** The sequence number to continue from (a resumed transcript). */
  lastSeq: number;
  /** The session's MCP servers (docs/mcp.md); a nested agent uses its parent's and does not own them. */
  mcp?: McpManager;
  /** Text blocks that open the first user message of a top-level session (the skills list). */
  reminders?: string[];
  /** A policy granting only `allow` (a command's allowed-tools); protected paths and deny rules still hold. */
  grantPolicy?(allow: readonly string[]): PermissionPolicy;
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
  /** The Bash sandbox (status and /sandbox). */
  readonly sandbox: SessionSandbox;
  /** Every credential this session holds or can see; scrubs text on its way out. */
  readonly secrets: SecretRegistry;
  /** The unstamped session_start event (front ends show it; `start()` emits it). */
  readonly startEvent: EventOf<"session_start">;
  /**
   * Text the first prompt of a new top-level conversation carries for the model, before the prompt and
   * not in the system prompt (the skills, the subagents it can run), as Claude Code sends them.
   */
  readonly reminders: string[];
  private readonly stamper: EventStamper;
  private readonly askFn: AskPermission | undefined;
  private readonly pending = new Map<string, (answer: PermissionAnswer) => void>();
  private current: AbortController | undefined;
  private closed = false;
  private promptedOnce = false;

  constructor(private readonly parts: SessionParts) {
    this.id = parts.id;
    this.settings = parts.settings;
    this.policy = parts.policy;
    this.registry = parts.registry;
    this.warnings = parts.warnings;
    this.contextWindow = parts.model.contextWindow;
    this.sandbox = parts.sandbox;
    this.secrets = parts.secrets;
    this.stamper = new EventStamper(parts.id, parts.parentCallId, parts.lastSeq);
    const ask: AskPermission | undefined =
      parts.ask === "protocol"
        ? (question) => new Promise((resolve) => this.pending.set(question.id, resolve))
        : parts.ask;
    this.askFn = ask;
    this.pipeline = new ToolPipeline({
      sessionId: parts.id,
      registry: parts.registry,
      context: parts.context,
      decide: (request) => this.decideWithGrant(request),
      ready: prepareShellAnalysis,
      ask,
      hooks: parts.hooks,
      // Tool output reaches the model: the value layer only (docs/decisions/0010-one-redaction-module.md).
      scrub: (text) => parts.secrets.scrub(text, "values"),
      scrubDeep: (value) => parts.secrets.scrubDeep(value, "values"),
    });
    this.agent = new Agent({
      // Once the first request is out: the bash grammar (WebAssembly) loads, and the session's deferred
      // start-up work (side model, quotas, account facts) begins — none of it on the path to that request.
      onAnswering: () => {
        void prepareShellAnalysis();
        parts.warmUp?.();
      },
      provider: parts.provider,
      tools: this.pipeline,
      system: parts.system,
      maxTurns: parts.maxTurns,
      contextWindow: parts.model.contextWindow,
      modelName: parts.model.name,
      price: parts.model.price,
      history: parts.history,
      signal: parts.signal,
      wantTitle: parts.history.length === 0 && !parts.parentCallId && parts.title !== false,
      thinking: parts.thinking,
      notices: parts.notices,
      outputLimits: parts.outputLimits,
      beforeCompact: async (trigger) =>
        parts.hooks.preCompact?.({ sessionId: parts.id, trigger, customInstructions: "" }),
    });
    this.reminders = [...(parts.reminders ?? [])];
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

  /** The session's MCP servers (prompts, resources, `/mcp`); undefined in a nested agent. */
  get mcp(): McpManager | undefined {
    return this.parts.mcp;
  }

  /** The session's hooks (the Agent tool fires SubagentStop). */
  get hooks(): HookRunner {
    return this.parts.hooks;
  }

  /** Where this session's transcript is written. */
  get transcriptPath(): string {
    return this.parts.writer.path;
  }

  /** The stamped session_start, recorded; front ends emit it first. */
  start(): ProtocolEvent {
    return this.emit({ ...this.startEvent, tools: this.registry.names(), permissionMode: this.policy.mode });
  }

  /**
   * Lets the next run use these tools without asking (a custom command's `allowed-tools`, in Claude Code's
   * rule syntax). Only questions become answers: deny rules, protected paths and plan mode still hold.
   * Throws PermissionRuleError for a malformed rule.
   */
  allowForNextRun(rules: readonly string[], source: string): void {
    if (rules.length === 0 || !this.parts.grantPolicy) return;
    this.pendingGrant = { policy: this.parts.grantPolicy(rules), source };
  }

  private pendingGrant: { policy: PermissionPolicy; source: string } | undefined;
  private grant: { policy: PermissionPolicy; source: string } | undefined;

  private decideWithGrant(request: PermissionRequest): PermissionDecision {
    const base = this.parts.decide(request);
    if (base.behavior !== "ask" || !this.grant) return base;
    const granted = this.grant.policy.decide(request);
    if (granted.behavior !== "allow") return base;
    return { ...granted, reason: `${granted.reason} (allowed-tools of ${this.grant.source})` };
  }

  /** Runs one prompt to its `done` event. `signal` cancels this run only; `interrupt` does the same. */
  async *run(prompt: string, signal?: AbortSignal): AsyncGenerator<ProtocolEvent> {
    this.grant = this.pendingGrant;
    this.pendingGrant = undefined;
    const controller = new AbortController();
    const cancel = () => controller.abort();
    for (const s of [signal, this.parts.signal]) {
      if (s?.aborted) controller.abort();
      s?.addEventListener("abort", cancel, { once: true });
    }
    this.current = controller;
    try {
      // Prompt-level hooks belong to the top-level session; a nested agent's prompt is its parent's call.
      const hooked = this.parts.parentCallId
        ? { prompt }
        : await promptThroughHooks(this.parts.hooks, {
            sessionId: this.id,
            prompt,
            first: !this.promptedOnce,
            resumed: this.parts.history.length > 0,
          });
      const announce =
        !this.parts.parentCallId &&
        !this.promptedOnce &&
        this.parts.history.length === 0 &&
        this.reminders.length > 0;
      this.promptedOnce = true;
      if ("block" in hooked) {
        for (const event of blockedPromptEvents(hooked.block)) yield this.emit(event);
        return;
      }
      // Subagents' usage passes through as their events do; the run's `done` counts it (src/agents/usage.ts).
      const nested = new NestedUsage();
      const reminders = announce ? this.reminders : [];
      for await (const event of this.agent.run(hooked.prompt, controller.signal, reminders))
        yield this.emit(nested.fold(event));
      if (!this.parts.parentCallId) await this.parts.hooks.stop?.({ sessionId: this.id });
      // A title that comes after the run ended is still recorded (the transcript lists sessions by it).
      void this.agent.lateTitle()?.then((events) => {
        if (!this.closed) for (const event of events) this.emit(event);
      });
    } finally {
      this.grant = undefined;
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
    writer.scrubWith(p.secrets);
    writer.append({ type: "spawned", parentSessionId: p.id, parentCallId: options.parentCallId });
    const decide = (request: PermissionRequest) => stricter(p.decide(request), extra?.decide(request));
    const model = options.model;
    return new Session({
      ...p,
      id,
      registry,
      // The child can never do more than the parent: the stricter of both decisions wins.
      decide: options.narrow
        ? (request) => {
            const decision = decide(request);
            return stricter(decision, options.narrow?.(request, decision));
          }
        : decide,
      // The parent's asker itself: "protocol" answers arrive at the parent (the child's calls are its calls).
      ask: this.askFn,
      ...(model
        ? {
            provider: model.provider,
            model: { ...p.model, name: model.name, contextWindow: model.contextWindow, price: model.price },
            thinking: model.thinking,
          }
        : {}),
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
    // A title still being written is given up: closing (and `-p` exiting) never waits for a side call.
    this.closed = true;
    this.agent.abandonTitle();
    // A nested agent shares its parent's sandbox and MCP servers; only the session that opened them closes them.
    await this.parts.mcp?.close();
    if (!this.parts.parentCallId) this.parts.sandbox.close();
    if (!this.parts.parentCallId)
      await this.parts.hooks.sessionEnd?.({ sessionId: this.id, reason: "other" });
    await this.parts.writer.close();
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
  const settings = loadSettings({
    cwd,
    env,
    flags: { model: config.model, region: config.region, fallbackModel: config.fallbackModel },
    trustProject: config.trustProject,
  });
  const warnings = [...settings.warnings];
  // The system prompt's git status runs (two git processes) while the model connects; nothing waits on it
  // until the prompt is assembled. A replaced system prompt does not need it.
  const facts = config.systemPrompt?.replace === undefined ? gatherEnvironmentFacts(cwd) : undefined;
  // Everything that can fail on a typo (permission rules, a session id) is checked before any network call.
  const projectRoot = findRepoRoot(cwd) ?? cwd;
  // Leftovers of a killed Quarry (atomic-write temp files, sandbox placeholders) go before anything else runs.
  const dataDir = resolveDataDir(env, homedir(), cwd);
  useTempJournal(join(dataDir, "pending-writes"));
  const { sandbox, warning: sandboxWarning } = await SessionSandbox.open({
    mode: resolveSandboxMode(settings.sandbox),
    modeSource: settings.sandbox ? describeSource(settings.sandbox.source) : undefined,
    layout: {
      roots: [projectRoot],
      home: homedir(),
      userConfigDir: settings.userConfigDir.value,
      dataDir,
      env,
    },
    probe: { env },
  });
  if (sandboxWarning) warnings.push(sandboxWarning);
  const rules = (list: { value: string; source: string }[] | undefined): RuleInput[] => list ?? [];
  const where = {
    projectRoot,
    home: homedir(),
    additionalDirectories: config.additionalDirectories,
    // Writes to the user's own config and data (settings, sessions) always ask: docs/security/protected-paths.md.
    protectedDirectories: [
      settings.userConfigDir.value,
      dirname(claudeSettingsPath(env, homedir(), cwd)),
      dataDir,
    ],
  };
  const policy = createPermissionPolicy({
    mode: config.permissionMode ?? "default",
    allow: [...settings.permissions.allow, ...rules(config.allow)],
    deny: [...settings.permissions.deny, ...rules(config.deny)],
    ...where,
    sandbox,
  });
  const grantPolicy = (allow: readonly string[]) =>
    createPermissionPolicy({ mode: "default", allow, ...where, rulesCoverProtected: false });
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
  existing?.lock(); // one writer per session: a second run stops here, before any network call

  // Credentials never leave in clear: to the model, the transcript, stdout or stderr (docs/security/secrets.md).
  const secrets = options.secrets ?? (await createSessionSecrets({ env }));
  secrets.add(settings.bearerToken?.value.reveal(), "bearer token");
  secrets.add(settings.anthropicApiKey?.value.reveal(), "Anthropic API key");
  secrets.add(settings.anthropicAuthToken?.value.reveal(), "Anthropic auth token");
  // Notices raised during the run (e.g. the side model denied on its first call) become warning events.
  const pendingNotices: string[] = [];
  const notices = { drain: () => pendingNotices.splice(0, pendingNotices.length) };
  // WebFetch asks the side model about a page; the provider exists only once Bedrock is connected, below.
  let sideModel: ModelProvider | undefined;
  const registry = new ToolRegistry(createToolRegistry({ cwd, sideModel: () => sideModel }));
  // Skills: the Skill tool and its announcement; a project's own only in a trusted folder (docs/extensibility.md).
  const extensionSources = {
    settings,
    projectRoot,
    cwd,
    env,
    home: homedir(),
    trustProject: config.trustProject,
  };
  const skills = prepareSkills(extensionSources);
  warnings.push(...skills.warnings);
  if (skills.tool) registry.add(skills.tool);
  // MCP servers connect while Bedrock does; a bad --mcp-config has already thrown (docs/mcp.md).
  const mcp = prepareMcp({
    cwd,
    projectRoot,
    env,
    home: homedir(),
    userConfigDir: settings.userConfigDir.value,
    flagConfigs: config.mcpConfig,
    strict: config.strictMcpConfig,
    // The same trust as the project's .quarry settings (docs/security/trust.md), for the repository root.
    trusted:
      settings.project?.trusted ??
      decideProjectTrust({
        folder: projectRoot,
        configDir: settings.userConfigDir.value,
        env,
        flag: config.trustProject,
      }).trusted,
    registry,
    notify: (m) => pendingNotices.push(m),
  });
  const mcpStarted = mcp.manager.start();
  let bedrock: Awaited<ReturnType<typeof createModelSession>>;
  let agentModels: AgentModelResolver;
  try {
    let connection: BedrockConnection | undefined;
    // Bedrock, Mantle or the Anthropic API, per role (docs/providers.md); AWS is connected only if a role needs it.
    bedrock = await createModelSession({
      settings,
      env,
      connect: async () => {
        connection = await connectBedrock({ settings, env, announce: (m) => warnings.push(m) });
        connection.credentials?.onResolved((creds) => addResolvedCredentials(secrets, creds));
        return connection;
      },
      announce: (m) => warnings.push(m),
      onNotice: (m) => pendingNotices.push(m),
      eagerSide: options.eagerSideModel,
    });
    agentModels = createAgentModels({
      connection,
      bedrock,
      secrets,
      thinkingBudget: settings.maxThinkingTokens?.value,
    });
  } catch (err) {
    await mcp.manager.close();
    throw err;
  }
  warnings.push(...bedrock.warnings, ...mcp.warnings, ...(await mcpStarted));
  const provider = guardProvider(bedrock.provider, secrets);
  sideModel = provider;

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
  writer.scrubWith(secrets);

  // Hooks from settings files; a project's own only in a trusted folder (docs/extensibility.md#hooks).
  const sessionHooks = createSessionHooks({
    ...extensionSources,
    permissionMode: () => policy.mode,
    transcriptPath: () => writer.path,
    warn: (m) => pendingNotices.push(m),
    signal: options.signal,
  });
  if (!options.hooks) warnings.push(...sessionHooks.warnings);

  const context: ToolContext = {
    ...createToolContext({ cwd, signal: options.signal }),
    readable: (path: string) =>
      policy.decide({ tool: "Read", readOnly: true, target: { kind: "read", paths: [path] } }).behavior !==
      "deny",
    sandbox,
  };
  const memory = loadMemoryFiles(cwd, projectRoot, settings.userConfigDir.value);
  const caps = bedrock.main.capabilities;
  const session = new Session({
    id: writer.id,
    settings,
    provider,
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
    hooks: options.hooks ?? sessionHooks.runner,
    ask: options.ask,
    context,
    secrets,
    sandbox,
    system: [
      config.systemPrompt?.replace ?? buildSystemPrompt(await (facts ?? gatherEnvironmentFacts(cwd)), memory),
      config.systemPrompt?.append,
    ]
      .filter(Boolean)
      .join("\n\n"),
    maxTurns: config.maxTurns ?? 50,
    title: config.title,
    history,
    writer,
    store,
    projectRoot,
    cwd,
    warnings,
    signal: options.signal,
    thinking: thinkingFor(settings.maxThinkingTokens?.value, caps.thinking),
    notices,
    warmUp: bedrock.warmUp,
    outputLimits: bedrock.outputLimits,
    lastSeq,
    mcp: mcp.manager,
    reminders: skills.reminder ? [skills.reminder] : [],
    grantPolicy,
  });
  // The Agent tool and its agents (docs/extensibility.md#subagents).
  const home = homedir();
  installAgents(session, {
    settings,
    projectRoot,
    cwd,
    env,
    home,
    trustProject: config.trustProject,
    resolveModel: agentModels,
  });
  return session;
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
  // A damaged or interleaved transcript must still give a history Bedrock accepts (src/agent/history.ts).
  return repairHistory(messages).messages;
}

/** MAX_THINKING_TOKENS applies only to models that think; 0 or unset means no extended thinking. */
function thinkingFor(
  budget: number | undefined,
  mode: "none" | "enabled" | "adaptive",
): { budget: number; mode: "enabled" | "adaptive" } | undefined {
  if (!budget || mode === "none") return undefined;
  return { budget, mode };
}
