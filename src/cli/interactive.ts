import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { render } from "ink";
import { createElement } from "react";
import { findRepoRoot } from "../agent/memory.js";
import { expandForSession } from "../commands/index.js";
import { QuarryError } from "../model/errors.js";
import { isUsageError } from "../runtime/errors.js";
import { openSession, type PolicyDecision, type Session } from "../runtime/session.js";
import { type SandboxMode, sandboxModeFrom } from "../sandbox/index.js";
import { resolveDataDir } from "../session/locations.js";
import { App } from "../ui/tui/App.js";
import { PermissionBroker, type SessionInfo, type TuiBackend } from "../ui/tui/backend.js";
import { backendExtras } from "../ui/tui/backend-extras.js";
import { listProjectFiles } from "../ui/tui/complete.js";
import { PromptHistory } from "../ui/tui/history.js";
import { presentWarning, sideModelWarningHidden } from "../ui/tui/notices.js";
import { notificationChannel } from "../ui/tui/notify.js";
import { dialogSummary } from "../ui/tui/permission-options.js";
import { resumeHint, welcomeLine } from "../ui/tui/reports.js";
import { sessionFiles } from "../ui/tui/session-files.js";
import type { NewItem } from "../ui/tui/state.js";
import { ColorContext, colorAllowed } from "../ui/tui/theme.js";
import type { PrintOptions } from "./options.js";
import { sessionConfigFromFlags } from "./session-flags.js";
import { readPackageVersion } from "./version.js";

/** Error kinds that mean "nothing is configured yet" rather than "something broke". */
const FIRST_RUN_KINDS = new Set(["no-region", "no-credentials"]);

/**
 * `quarry` in a terminal: opens the session, renders the Ink app, and returns the exit code when the user
 * leaves. Configuration problems are explained in a few lines before any UI starts — never a stack trace.
 */
export async function runInteractive(options: PrintOptions, words: string[] = []): Promise<number> {
  const cwd = process.cwd();
  const simulation = options.simulate
    ? await (await import("./simulate.js")).startSimulation(process.env)
    : undefined;
  try {
    const env = simulation?.env ?? process.env;
    const { askTrustIfNeeded } = await import("../ui/tui/trust-gate.js");
    if ((await askTrustIfNeeded({ cwd, env, trustProject: options.trustProject })) === "quit") return 0;
    let backend: TuiBackend;
    try {
      backend = await createBackend(
        simulation ? { ...options, model: undefined, region: undefined } : options,
        cwd,
        env,
        simulation?.banner,
      );
    } catch (err) {
      process.stderr.write(explainStartFailure(err));
      return 2;
    }
    const intro: NewItem[] = [
      { kind: "info", text: welcomeLine(readPackageVersion(), backend.info(), cwd) },
      ...(simulation ? [{ kind: "warning" as const, text: simulation.banner }] : []),
      ...startWarnings
        .splice(0)
        .flatMap((w) => presentWarning(w, sideModelWarningHidden(env)) ?? [])
        .map((text) => ({ kind: "warning" as const, text })),
    ];
    const history = PromptHistory.forProject(resolveDataDir(env, homedir(), cwd), findRepoRoot(cwd) ?? cwd);
    let leaving: { sessionId: string; prompted: boolean } | undefined;
    const app = render(
      createElement(
        ColorContext.Provider,
        { value: colorAllowed(process.env) },
        createElement(App, {
          backend,
          history,
          intro,
          listFiles: () => listProjectFiles(cwd),
          initialPrompt: words.join(" "),
          showConversation: Boolean(options.resume || options.continue),
          pickSession: options.resume === "",
          hideSideModelWarning: sideModelWarningHidden(env),
          cwd,
          // $VISUAL / $EDITOR are the user's, also under --simulate (whose env is only for AWS).
          env: process.env,
          onLeave: (summary) => {
            leaving = summary;
          },
        }),
      ),
      { exitOnCtrlC: false },
    );
    await app.waitUntilExit();
    backend.cancel();
    // The user asked to leave: a side request or a server that is slow to stop must not keep Quarry open.
    await Promise.race([backend.close(), new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
    setTimeout(() => process.exit(process.exitCode ?? 0), 1_000).unref();
    if (leaving?.prompted) process.stdout.write(`${resumeHint(leaving.sessionId)}\n`);
    return 0;
  } finally {
    await simulation?.close();
  }
}

// Warnings from opening the first session, shown at the top of the transcript.
const startWarnings: string[] = [];

/** What a newcomer needs when Quarry cannot start: what is missing, and where to go next. */
export function explainStartFailure(err: unknown): string {
  if (err instanceof QuarryError && FIRST_RUN_KINDS.has(err.kind)) {
    return [
      "Quarry needs an AWS region, credentials, and access to a Claude model on Amazon Bedrock.",
      `  ${err.explanation}`,
      `  Fix: ${err.fix}`,
      "  Run `quarry doctor` to check each of these, or `quarry --simulate` to try Quarry with no AWS account.",
      "",
    ].join("\n");
  }
  if (err instanceof QuarryError) return `quarry: ${err.render()}\n  Check your setup with: quarry doctor\n`;
  if (isUsageError(err)) return `quarry: ${err.message}\n${err.fix ? `  Fix: ${err.fix}\n` : ""}`;
  return `quarry: could not start: ${err instanceof Error ? err.message : String(err)}\n  Check your setup with: quarry doctor\n`;
}

/** The TUI's view of a session, over the runtime's openSession; /clear, /model and /resume reopen it. */
async function createBackend(
  options: PrintOptions,
  cwd: string,
  env: NodeJS.ProcessEnv,
  simulation: string | undefined,
): Promise<TuiBackend> {
  const permissions = new PermissionBroker();
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
  // The status line names the side model from the start; the prompt is drawn before this settles.
  const open = (o: PrintOptions) =>
    openSession(sessionConfigFromFlags(o, { cwd, env }), { ask, eagerSideModel: true });

  // `--resume` without an id opens a fresh session; the App then shows the picker.
  let currentOptions = options.resume === "" ? { ...options, resume: undefined } : options;
  // A mode chosen with /sandbox outlives /clear, /model and /resume, which open a new session.
  let sandboxChoice: SandboxMode | undefined;
  current = await open(currentOptions);
  const files = sessionFiles(env, cwd);
  startWarnings.push(...current.warnings);

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

  return {
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
}
