import { homedir } from "node:os";
import { render } from "ink";
import { createElement } from "react";
import { findRepoRoot } from "../agent/memory.js";
import { findProjectSettingsDir } from "../config/locations.js";
import { SESSION_MODES } from "../runtime/config.js";
import { resolveDataDir } from "../session/locations.js";
import { App } from "../ui/tui/App.js";
import { PermissionBroker } from "../ui/tui/backend.js";
import { DeferredBackend, pendingInfo } from "../ui/tui/deferred-backend.js";
import { PromptHistory } from "../ui/tui/history.js";
import { sideModelWarningHidden } from "../ui/tui/notices.js";
import { resumeHint } from "../ui/tui/reports.js";
import { ColorContext, colorAllowed } from "../ui/tui/theme.js";
import type { PrintOptions } from "./options.js";
import type { Simulation } from "./simulate.js";

// What this module imports statically is what the first frame costs: Ink, React, the App and small helpers.
// The session (settings, model resolution, MCP, the agent) is a dynamic import that runs after the prompt is
// drawn — see docs/decisions/0029-tui-draws-first.md, and test/tui/first-frame-imports.test.ts, which keeps it so.

/**
 * `quarry` in a terminal: draws the prompt at once and opens the session behind it; returns the exit code
 * when the user leaves. Configuration problems replace the UI with a few lines — never a stack trace.
 */
export async function runInteractive(options: PrintOptions, words: string[] = []): Promise<number> {
  const cwd = process.cwd();
  const simulating = options.simulate
    ? import("./simulate.js").then((m) => m.startSimulation(process.env))
    : undefined;
  let simulation: Simulation | undefined;
  try {
    // The trust dialog comes before anything of the session: only a folder with its own .quarry settings can
    // need it (src/trust/first-run.ts asks nothing otherwise), so only there does the first frame wait for the
    // settings to be read. Elsewhere no project setting exists to apply early.
    if (findProjectSettingsDir(cwd, homedir()) !== undefined) {
      simulation = await simulating;
      const { askTrustIfNeeded } = await import("../ui/tui/trust-gate.js");
      const env = simulation?.env ?? process.env;
      if ((await askTrustIfNeeded({ cwd, env, trustProject: options.trustProject })) === "quit") return 0;
    }
    const permissions = new PermissionBroker();
    const backend = new DeferredBackend(
      permissions,
      pendingInfo({
        simulation: Boolean(options.simulate),
        // As the flag says until the session is open (it may then show the settings' default mode instead).
        mode: SESSION_MODES.find((m) => m === options.permissionMode),
        bypassAllowed:
          options.allowDangerouslySkipPermissions || options.permissionMode === "bypassPermissions",
      }),
    );
    // QUARRY_HIDE_SIDE_MODEL_WARNING is read from the user's environment (the simulation keeps it too).
    const hideSideModelWarning = sideModelWarningHidden(process.env);
    const history = PromptHistory.forProject(
      resolveDataDir(process.env, homedir(), cwd),
      findRepoRoot(cwd) ?? cwd,
    );
    let leaving: { sessionId: string; prompted: boolean } | undefined;
    const unsent: { current?: () => string[] } = {};
    const app = render(
      createElement(
        ColorContext.Provider,
        { value: colorAllowed(process.env) },
        createElement(App, {
          backend,
          history,
          listFiles: async () => (await import("../ui/tui/complete.js")).listProjectFiles(cwd),
          initialPrompt: words.join(" "),
          showConversation: Boolean(options.resume || options.continue),
          pickSession: options.resume === "",
          hideSideModelWarning,
          cwd,
          // $VISUAL / $EDITOR are the user's, also under --simulate (whose env is only for AWS).
          env: process.env,
          onLeave: (summary) => {
            leaving = summary;
          },
          unsent,
        }),
      ),
      { exitOnCtrlC: false },
    );

    // Behind the drawn prompt: the simulation (if any), then the session.
    let left = false;
    let failure: { error: unknown; unsent: string[] } | undefined;
    void (async () => {
      simulation ??= await simulating;
      const { openTuiSession } = await import("./tui-session.js");
      const opened = await openTuiSession({
        options,
        cwd,
        env: simulation?.env ?? process.env,
        simulation: simulation?.banner,
        permissions,
        hideSideModelWarning,
      });
      backend.open(opened.backend, opened.intro);
    })().catch((error: unknown) => {
      // After the user left, the UI is gone already: clearing now would erase the shell's lines below it.
      if (left) return;
      // What was typed while the session was opening is not lost with the UI: it is printed after the error.
      failure = { error, unsent: unsent.current?.() ?? [] };
      app.clear(); // the explanation replaces the prompt
      app.unmount();
    });

    await app.waitUntilExit();
    left = true;
    if (failure) {
      const { explainStartFailure } = await import("./start-failure.js");
      process.stderr.write(explainStartFailure(failure.error));
      const texts = failure.unsent;
      if (texts.length) process.stderr.write(`Not sent:\n${texts.map((t) => `  ${t}\n`).join("")}`);
      return 2;
    }
    backend.cancel();
    // The user asked to leave: a side request, a server that is slow to stop, or a session still opening must
    // not keep Quarry open.
    await Promise.race([backend.close(), new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
    setTimeout(() => process.exit(process.exitCode ?? 0), 1_000).unref();
    if (leaving?.prompted) process.stdout.write(`${resumeHint(leaving.sessionId)}\n`);
    return 0;
  } finally {
    simulation ??= await simulating?.catch(() => undefined);
    await simulation?.close();
  }
}
