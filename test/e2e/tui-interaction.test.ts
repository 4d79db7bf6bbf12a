import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runQuarryProcess } from "../support/run-cli.js";
import { HAS_TMUX, mainStreams, startTui, stopTuis, world } from "./tmux.js";

// The interactive UI in a real pseudo-terminal (tmux) against the emulator: the prompt from argv, type-ahead,
// Shift+Tab, rendered tables and checklists, Esc in a dialog.

/** Per test: a few start-ups and waits on a loaded machine. */
const TEST_MS = 120_000;

if (!HAS_TMUX) console.warn("test/e2e/tui-interaction.test.ts skipped: tmux is not installed");
afterEach(stopTuis);

describe.skipIf(!HAS_TMUX)("interactive TUI: prompt from argv, checklist and table (tmux, emulator)", () => {
  it(
    "sends `quarry \"…\"`'s prompt at once, draws TodoWrite's checklist and a markdown table",
    async () => {
      const todos = [
        { content: "Read the failing test", status: "completed" },
        { content: "Fix the parser", status: "in_progress" },
        { content: "Run the suite", status: "pending" },
      ];
      const tui = await startTui({
        world: world([
          {
            model: "sonnet",
            promptIncludes: "fix the tests",
            reply: {
              content: [{ type: "tool_use", name: "TodoWrite", input: { todos } }],
              stopReason: "tool_use",
            },
          },
          {
            model: "sonnet",
            turn: 2,
            reply: {
              content: [
                {
                  type: "text",
                  text: "Results:\n\n| Suite | Passed |\n|---|--:|\n| parser | 12 |\n| lexer | 7 |\n",
                },
              ],
            },
          },
        ]),
        args: ["fix the tests"],
      });
      const screen = await tui.waitFor("└────────┴────────┘");
      expect(screen).toContain("› fix the tests");
      expect(screen).toContain("☒ Read the failing test");
      expect(screen).toContain("◼ Fix the parser");
      expect(screen).toContain("☐ Run the suite");
      expect(screen).toContain("│ Suite  │ Passed │");
      expect(screen).toContain("│ parser │     12 │");
      expect(screen).not.toContain("|---|");
      expect(mainStreams(tui.emulator).length).toBe(2);
    },
    TEST_MS,
  );
});

describe.skipIf(!HAS_TMUX)("interactive TUI: type-ahead and modes (tmux, slow emulator)", () => {
  it(
    "Shift+Tab changes the footer's mode; a prompt typed during a turn is queued, shown, then sent",
    async () => {
      const story = Array.from({ length: 30 }, (_, i) => `Sentence ${i + 1} of a slow answer.`).join(" ");
      const tui = await startTui({
        world: world(
          [
            { model: "sonnet", promptIncludes: "slow", reply: { content: [{ type: "text", text: story }] } },
            {
              model: "sonnet",
              promptIncludes: "queued one",
              reply: { content: [{ type: "text", text: "Queued answer done." }] },
            },
          ],
          (w) => {
            w.latency = { requestMs: 0, firstTokenMs: 0, tokensPerSecond: 40 };
          },
        ),
      });
      await tui.waitFor("⏵ default mode");
      tui.keys("BTab");
      await tui.waitFor("⏵⏵ accept edits on");
      tui.keys("BTab");
      await tui.waitFor("⏸ plan mode on");
      tui.keys("BTab");
      await tui.waitFor("⏵ default mode");

      tui.type("tell me a slow story");
      tui.keys("Enter");
      await tui.waitFor("Sentence 1 of");
      tui.type("the queued one");
      tui.keys("Enter");
      const queued = await tui.waitFor("⧗ queued: the queued one");
      expect(queued).not.toContain("Sentence 30 of");
      expect(mainStreams(tui.emulator).length).toBe(1);
      await tui.waitFor("Queued answer done.", 60_000);
      const after = await tui.waitUntil((s) => !s.includes("queued:"), "the queue to empty");
      expect(after).toContain("Sentence 30 of");
      expect(after).toContain("› the queued one");
      expect(mainStreams(tui.emulator).length).toBe(2);
    },
    TEST_MS,
  );
});

describe.skipIf(!HAS_TMUX)("interactive TUI: Esc in a permission dialog (tmux, emulator)", () => {
  it(
    "stops the turn: the command never runs and the turn is marked interrupted",
    async () => {
      const tui = await startTui({
        world: world([
          {
            model: "sonnet",
            promptIncludes: "make a file",
            reply: {
              content: [{ type: "tool_use", name: "Bash", input: { command: "touch made-by-model.txt" } }],
              stopReason: "tool_use",
            },
          },
          { model: "sonnet", turn: 2, reply: { content: [{ type: "text", text: "SHOULD NOT BE ASKED" }] } },
        ]),
      });
      await tui.waitFor("/help for commands");
      tui.type("make a file");
      tui.keys("Enter");
      await tui.waitFor("Esc stops the turn");
      tui.keys("Escape");
      const screen = await tui.waitFor("Interrupted");
      expect(screen).not.toContain("Allow this?");
      expect(existsSync(join(tui.dir, "made-by-model.txt"))).toBe(false);
      // Stopped, not merely denied: the model was not asked to go on after the refusal.
      expect(mainStreams(tui.emulator).length).toBe(1);
      expect(screen).not.toContain("SHOULD NOT BE ASKED");

      tui.type("/exit");
      tui.keys("Enter");
      expect(await tui.exitCode()).toBe("0");
      expect(tui.screen()).toContain("Resume this session with: quarry --resume ");
    },
    TEST_MS,
  );
});

describe.skipIf(!HAS_TMUX)("interactive TUI: resume (tmux, emulator)", () => {
  it(
    "`quarry --resume` without an id shows a picker, then redraws the picked conversation",
    async () => {
      const tui = await startTui({
        world: world([
          {
            model: "sonnet",
            promptIncludes: "pineapple",
            reply: { content: [{ type: "text", text: "Noted: the word is pineapple." }] },
          },
        ]),
        args: ["remember the word pineapple"],
        thenArgs: ["--resume"],
      });
      await tui.waitFor("Noted: the word is pineapple.");
      await tui.waitUntil((s) => !s.includes("Esc to cancel"), "the turn to end");
      tui.type("/exit");
      tui.keys("Enter");
      const picker = await tui.waitFor("Resume a session");
      expect(picker).toContain("remember the word pineapple");
      expect(picker).toMatch(/\d+s ago/);
      tui.keys("Enter");
      const redrawn = await tui.waitFor("Resumed session");
      expect(redrawn).toContain("› remember the word pineapple");
      expect(redrawn).toContain("Noted: the word is pineapple.");
    },
    TEST_MS,
  );
});

describe("--resume without an id outside the interactive UI", () => {
  it(
    "print mode says it needs an id (exit 2) instead of printing help",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "quarry-resume-flag-"));
      try {
        const run = await runQuarryProcess(["-p", "--resume"], {
          cwd: dir,
          env: { PATH: process.env.PATH ?? "" },
        });
        expect(run.code).toBe(2);
        expect(run.stderr).toContain("--resume needs a session id in print mode");
        expect(run.stderr).toContain("--continue");
        expect(run.stdout).not.toContain("Options:");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    TEST_MS,
  );
});
