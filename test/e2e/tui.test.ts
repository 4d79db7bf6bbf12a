import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { HAS_TMUX, mainStreams, startTui, stopTuis, world } from "./tmux.js";

if (!HAS_TMUX) {
  // Shown in the run log so a skipped check is never mistaken for a passing one.
  console.warn("test/e2e/tui.test.ts skipped: tmux is not installed (apt-get install tmux to run it)");
}
afterEach(stopTuis);

describe.skipIf(!HAS_TMUX)("interactive TUI in a pseudo-terminal (tmux, --simulate)", () => {
  it("runs a prompt, approves the write in the dialog, and exits on Ctrl-C twice", async () => {
    const tui = await startTui({ args: ["--simulate"] });
    writeFileSync(join(tui.dir, "notes.txt"), "hello\n");
    await tui.waitFor("SIMULATION");
    tui.type("tidy up this folder");
    tui.keys("Enter");
    await tui.waitFor("Allow this?");
    expect(existsSync(join(tui.dir, "QUARRY-DEMO.md"))).toBe(false);
    tui.keys("1");
    await tui.waitFor("Simulation finished");
    expect(readFileSync(join(tui.dir, "QUARRY-DEMO.md"), "utf8")).toContain("# Quarry demo");
    expect(tui.screen()).toContain("Write QUARRY-DEMO.md");
    tui.keys("C-c");
    await tui.waitFor("Press Ctrl-C again to exit");
    tui.keys("C-c");
    expect(await tui.exitCode()).toBe("0");
  }, 60_000);
});

describe.skipIf(!HAS_TMUX)("interactive TUI in a pseudo-terminal (tmux, emulator with a slow model)", () => {
  it("cancels a streaming answer with Esc, keeps the prompt usable, and exits cleanly", async () => {
    // ~1,900 characters at 10 tokens a second: the answer would take about 45 s to stream.
    const story = Array.from({ length: 40 }, (_, i) => `Sentence ${i + 1} of a very slow answer.`).join(" ");
    // "quick" first: the cancelled prompt reaches Bedrock merged with the next one (roles must alternate).
    const tui = await startTui({
      world: world(
        [
          {
            model: "sonnet",
            promptIncludes: "quick",
            reply: { content: [{ type: "text", text: "Quick answer done." }] },
          },
          { model: "sonnet", promptIncludes: "slow", reply: { content: [{ type: "text", text: story }] } },
        ],
        (w) => {
          w.latency = { requestMs: 0, firstTokenMs: 0, tokensPerSecond: 10 };
        },
      ),
    });
    await tui.waitFor("/help for commands");
    expect(tui.screen()).not.toContain("SIMULATION");

    tui.type("tell me a slow story");
    tui.keys("Enter");
    await tui.waitFor("Sentence 1 of");
    tui.keys("Escape");
    const cancelled = await tui.waitFor("Interrupted · the session is kept");
    expect(cancelled).not.toContain("Sentence 40 of");
    expect(mainStreams(tui.emulator).length).toBe(1);

    // The prompt is usable again: a second turn runs to the end in the same session.
    tui.type("a quick one please");
    tui.keys("Enter");
    await tui.waitFor("Quick answer done.");
    // The turn ends after the side model's title call, which the slow world paces too: wait for the spinner to go.
    await tui.waitUntil((s) => !s.includes("Esc to cancel"), "the second turn to finish");
    expect(mainStreams(tui.emulator).length).toBe(2);
    expect(tui.screen()).not.toContain("Sentence 40 of");

    tui.type("/exit");
    tui.keys("Enter");
    expect(await tui.exitCode()).toBe("0");
  }, 90_000);
});
