import { afterEach, describe, expect, it } from "vitest";
import { defaultWorld } from "../../emulator/index.js";
import { HAS_TMUX, startTui, stopTuis, world } from "./tmux.js";

// The TUI draws its prompt before the session is open (docs/decisions/0029-tui-draws-first.md): here the
// emulator holds every AWS answer, so the session stays "resolving…" for as long as the test wants.

if (!HAS_TMUX) console.warn("test/e2e/tui-startup.test.ts skipped: tmux is not installed");
afterEach(stopTuis);

describe.skipIf(!HAS_TMUX)("interactive TUI start-up (tmux, emulator)", () => {
  it("takes keys while the session is still opening, and Ctrl-C twice exits at once", async () => {
    const tui = await startTui({
      world: world([], (w) => {
        w.latency = { requestMs: 60_000, firstTokenMs: 0, tokensPerSecond: 0 };
      }),
    });
    const first = await tui.waitFor("Ask Quarry to do something");
    expect(first).toContain("resolving…");
    tui.type("an early prompt");
    tui.keys("Enter");
    const queued = await tui.waitFor("⧗ queued: an early prompt");
    expect(queued).toContain("Sent once the session is open");
    expect(queued).toContain("resolving…");
    tui.keys("C-c");
    await tui.waitFor("Press Ctrl-C again to exit");
    const pressed = Date.now();
    tui.keys("C-c");
    expect(await tui.exitCode(10_000)).toBe("0");
    // Nothing waits for the held AWS answers: out well before the emulator would reply.
    expect(Date.now() - pressed).toBeLessThan(5_000);
  }, 60_000);

  it("replaces the drawn prompt with the same explanation as before when the session cannot open", async () => {
    const tui = await startTui({ world: defaultWorld(), args: ["--model", "no-such-model-anywhere"] });
    expect(await tui.exitCode()).toBe("2");
    // (The first line, "quarry: The main model … is not a valid model", is scrolled off by tmux's "Pane is dead".)
    const screen = tui.screen();
    expect(screen).toContain("Fix: use an alias (opus, sonnet, haiku)");
    expect(screen).toContain("Check your setup with: quarry doctor");
    expect(screen).not.toContain("Ask Quarry to do something");
  }, 60_000);
});
