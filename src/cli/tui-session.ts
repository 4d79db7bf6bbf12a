import { existsSync } from "node:fs";
import { expandForSession } from "../commands/index.js";
import { openSession, type PolicyDecision, type Session } from "../runtime/session.js";
import { type SandboxMode, sandboxModeFrom } from "../sandbox/index.js";
import type { PermissionBroker, SessionInfo, TuiBackend } from "../ui/tui/backend.js";
import { backendExtras } from "../ui/tui/backend-extras.js";
import { presentWarning } from "../ui/tui/notices.js";
import { notificationChannel } from "../ui/tui/notify.js";
import { dialogSummary } from "../ui/tui/permission-options.js";
import { welcomeLine } from "../ui/tui/reports.js";
import { sessionFiles } from "../ui/tui/session-files.js";
import type { NewItem } from "../ui/tui/state.js";
import { colorAllowed } from "../ui/tui/theme.js";
import type { PrintOptions } from "./options.js";
import { sessionConfigFromFlags } from "./session-flags.js";
import { readPackageVersion } from "./version.js";

// The interactive session behind the TUI: loaded after the first frame is drawn (src/cli/interactive.ts), so
// settings, model resolution, MCP and the agent load while the user types (docs/decisions/0029-tui-draws-first.md).

/**
 * Opens the TUI's session: the backend over it, and the lines for the top of the transcript (welcome line,
 * simulation banner, start-up warnings). Rejects as openSession does; src/cli/start-failure.ts words the error.
 */
export async function openTuiSession(o: {
  options: PrintOptions;
  cwd: string;
  env: NodeJS.ProcessEnv;
  simulation?: string;
  permissions: PermissionBroker;
  hideSideModelWarning: boolean;
}): Promise<{ backend: TuiBackend; intro: NewItem[] }> {
  const options = o.simulation ? { ...o.options, model: undefined, region: undefined } : o.options;
  const { backend, warnings } = await createBackend(options, o.cwd, o.env, o.simulation, o.permissions);
  const intro: NewItem[] = [
    { kind: "info", text: welcomeLine(readPackageVersion(), backend.info(), o.cwd) },
    ...(o.simulation ? [{ kind: "warning" as const, text: o.simulation }] : []),
    ...warnings
      .flatMap((w) => presentWarning(w, o.hideSideModelWarning) ?? [])
      .map((text) => ({ kind: "warning" as const, text })),
  ];
  return { backend, intro };
}

/** The TUI's view of a session, over the runtime's openSession; /clear, /model and /resume reopen it. */
async function createBackend(
  options: PrintOptions,
  cwd: string,
  env: NodeJS.ProcessEnv,
  simulation: string | undefined,
  permissions: PermissionBroker,
): Promise<{ backend: TuiBackend; warnings: readonly string[] }> {
  // One controller per turn: an aborted signal cannot be reused, so a cancelled turn gets a fresh one next.
  let turn = new AbortController();
  let current: Session;

  const ask = async (
    question: { tool: string; summary: string; input: unknown },
    decision: PolicyDecision,
  ) => {
    const suggestedRules = decision.ask?.suggestedRules ?? [];
    const answer = await permissions.ask({
      tool: question.tool,
      summary: dialogSummary(
        question.tool,
        decision.ask?.summary ?? question.summary,
        question.input,
        existsSync,
      ),
      reason: decision.reason,
      input: question.input,
      suggestedRules,
      acceptEditsWouldAllow: decision.ask?.acceptEditsWouldAllow,
    });
    if (answer.choice === "deny") {
      return {
        behavior: "deny" as const,
        reason: answer.note ? `The user denied this and said: ${answer.note}` : "The user denied this.",
      };
    }
    if (answer.choice === "session") for (const rule of suggestedRules) current.policy.addSessionRule(rule);
    return {
      behavior: "allow" as const,
      reason: answer.choice === "session" ? "Allowed by the user for this session." : "Allowed by the user.",
    };
  };

  // No session-wide signal: each turn brings its own, so a cancelled turn leaves the session usable.
  // The status line names the side model from the start; the prompt is already drawn while this settles.
  const open = (o: PrintOptions) =>
    openSession(sessionConfigFromFlags(o, { cwd, env }), { ask, eagerSideModel: true });

  // `--resume` without an id opens a fresh session; the App then shows the picker.
  let currentOptions = options.resume === "" ? { ...options, resume: undefined } : options;
  // A mode chosen with /sandbox outlives /clear, /model and /resume, which open a new session.
  let sandboxChoice: SandboxMode | undefined;
  current = await open(currentOptions);
  const files = sessionFiles(env, cwd);

  const info = (): SessionInfo => {
    const start = current.startEvent;
    if (start.type !== "session_start") throw new Error("unexpected start event");
    return {
      sessionId: start.sessionId,
      model: start.model,
      sideModel: start.sideModel,
      region: start.region,
      contextWindow: current.contextWindow,
      simulation,
      mode: current.policy.mode,
      bypassAllowed:
        options.allowDangerouslySkipPermissions || options.permissionMode === "bypassPermissions",
      notifications: notificationChannel(current.settings.notifications?.value),
    };
  };

  /** Opens a replacement session first, so a failure (bad model, no such session) leaves the old one working. */
  const reopen = async (o: PrintOptions): Promise<SessionInfo> => {
    const next = await open({ ...o, permissionMode: current.policy.mode });
    await current.close();
    current = next;
    if (sandboxChoice) await current.sandbox.setMode(sandboxChoice);
    currentOptions = o;
    return info();
  };

  // /status shows the identity only once /doctor has asked STS for it: no network call of its own.
  let identity: { account: string; arn: string } | undefined;
  const doctorContext = async () => {
    const { openDoctorContext } = await import("../doctor/context.js");
    return openDoctorContext(current.settings, env);
  };

  const backend: TuiBackend = {
    info,
    permissions,
    async *run(prompt) {
      if (turn.signal.aborted) turn = new AbortController();
      const signal = turn.signal;
      // `/name args` of a custom command or MCP prompt becomes its body, and `@server:uri` attaches the
      // resource, as in print mode.
      const text = await expandForSession(current, prompt, {
        cwd,
        env,
        trustProject: options.trustProject,
        signal,
      });
      yield* current.run(text, signal);
    },
    compact() {
      if (turn.signal.aborted) turn = new AbortController();
      return current.compact(turn.signal);
    },
    cancel: () => turn.abort(),
    clear: () => reopen({ ...currentOptions, resume: undefined, continue: undefined }),
    switchModel: (model) =>
      reopen({ ...currentOptions, model, resume: info().sessionId, continue: undefined }),
    resume: (id) => reopen({ ...currentOptions, resume: id, continue: id ? undefined : true }),
    setMode(mode) {
      current.policy.setMode(mode);
      return info();
    },
    sessions: () => files.sessions(),
    pastEvents: () => files.events(info().sessionId),
    async doctor() {
      const [{ runDoctor }, { renderReport }] = await Promise.all([
        import("../doctor/run.js"),
        import("../doctor/report.js"),
      ]);
      const ctx = await doctorContext();
      const report = await runDoctor(ctx);
      // The identity check has asked STS already; this only reads its settled answer.
      identity = await ctx.identity().catch(() => undefined);
      return renderReport(report, colorAllowed(process.env)).trimEnd();
    },
    async models() {
      const { listModels, renderModels } = await import("../doctor/models.js");
      const ctx = await doctorContext();
      if (ctx.regionError) throw ctx.regionError;
      return `${renderModels(await listModels(ctx)).trimEnd()}\nSwitch with /model <name>.`;
    },
    async agents() {
      const { agentsFor, agentsReport } = await import("../agents/report.js");
      const found = agentsFor({ settings: current.settings, cwd, env, trustProject: options.trustProject });
      return [agentsReport(found.agents, { cwd }), ...found.warnings].join("\n");
    },
    async sandbox(arg) {
      if (!arg) return current.sandbox.status();
      const mode = sandboxModeFrom(arg);
      if (!mode) return `Unknown sandbox mode "${arg}": use /sandbox on, /sandbox ask or /sandbox off.`;
      sandboxChoice = mode;
      return current.sandbox.setMode(mode);
    },
    ...backendExtras(() => current, {
      cwd,
      env,
      trustProject: options.trustProject,
      identity: () => identity,
    }),
    close: () => current.close(),
  };
  return { backend, warnings: current.warnings };
}
