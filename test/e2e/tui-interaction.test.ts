import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  defaultWorld,
  emulatorClientEnv,
  type RunningEmulator,
  startEmulator,
  type WorldInput,
} from "../../emulator/index.js";
import { runQuarryProcess } from "../support/run-cli.js";

// The interactive UI in a real pseudo-terminal (tmux) against the emulator: the prompt from argv, type-ahead,
// Shift+Tab, rendered tables and checklists, Esc in a dialog. Waits are generous (a loaded machine starts the
// CLI slowly) but always poll the screen: no fixed sleeps.

const BIN = new URL("../../bin/quarry.js", import.meta.url).pathname;
const HAS_TMUX = spawnSync("tmux", ["-V"]).status === 0;
const WAIT_MS = 30_000;
/** Per test: a few start-ups and waits on a loaded machine. */
const TEST_MS = 120_000;

if (!HAS_TMUX) console.warn("test/e2e/tui-interaction.test.ts skipped: tmux is not installed");

const shellQuote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
const tmux = (...args: string[]) => execFileSync("tmux", args, { encoding: "utf8" });

interface Tui {
  session: string;
  dir: string;
  emulator: RunningEmulator;
  exitFile: string;
  screen(): string;
  waitFor(text: string, ms?: number): Promise<string>;
  waitUntil(check: (screen: string) => boolean, what: string, ms?: number): Promise<string>;
  keys(...keys: string[]): void;
  type(text: string): void;
}

const running: { tui: Tui; home: string }[] = [];
afterEach(async () => {
  for (const { tui, home } of running.splice(0)) {
    spawnSync("tmux", ["kill-session", "-t", tui.session]);
    await tui.emulator.close();
    rmSync(tui.dir, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  }
});

let count = 0;
/** Starts `quarry <args>` in a fresh tmux session against an emulator playing `world`. */
async function startTui(world: WorldInput, args: string[] = [], thenArgs?: string[]): Promise<Tui> {
  const emulator = await startEmulator({ world });
  const dir = mkdtempSync(join(tmpdir(), "quarry-tui-int-"));
  const home = mkdtempSync(join(tmpdir(), "quarry-tui-int-home-"));
  execFileSync("git", ["init", "-q"], { cwd: dir });
  const session = `quarry-tui-int-${process.pid}-${count++}`;
  const exitFile = join(dir, "exit-code");
  const env = { ...emulatorClientEnv(emulator.url, home), TERM: "xterm-256color" };
  // Only the emulator's client environment (plus a terminal type): nothing from this machine's AWS setup.
  const run = (a: string[]) =>
    ["env -i", ...Object.entries(env).map(([k, v]) => `${k}=${shellQuote(v)}`)].join(" ") +
    ` ${shellQuote(process.execPath)} ${shellQuote(BIN)} ${a.map(shellQuote).join(" ")};`;
  const command = [
    run(args),
    // A second run in the same project and home (to resume the first), when asked for.
    ...(thenArgs ? [run(thenArgs)] : []),
    `echo $? > ${shellQuote(exitFile)}`,
  ].join(" ");
  tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "50", "-c", dir, command);
  // Keep the pane after Quarry exits, so what it printed last (the resume hint) can be read.
  tmux("set-option", "-t", session, "remain-on-exit", "on");
  const screen = () => tmux("capture-pane", "-p", "-t", session);
  const waitUntil = async (check: (s: string) => boolean, what: string, ms = WAIT_MS) => {
    const end = Date.now() + ms;
    for (;;) {
      const s = screen();
      if (check(s)) return s;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; screen:\n${s}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const tui: Tui = {
    session,
    dir,
    emulator,
    exitFile,
    screen,
    waitUntil,
    waitFor: (text, ms) => waitUntil((s) => s.includes(text), JSON.stringify(text), ms),
    keys: (...keys) => tmux("send-keys", "-t", session, ...keys),
    type: (text) => tmux("send-keys", "-t", session, "-l", text),
  };
  running.push({ tui, home });
  return tui;
}

function mainStreams(emulator: RunningEmulator) {
  return emulator.log.filter((e) => e.operation === "invoke-with-response-stream");
}

function world(script: WorldInput["script"], change?: (w: WorldInput) => void): WorldInput {
  const w = defaultWorld();
  w.script = script;
  change?.(w);
  return w;
}

describe.skipIf(!HAS_TMUX)("interactive TUI: prompt from argv, checklist and table (tmux, emulator)", () => {
  it(
    "sends `quarry \"…\"`'s prompt at once, draws TodoWrite's checklist and a markdown table",
    async () => {
      const todos = [
        { content: "Read the failing test", status: "completed" },
        { content: "Fix the parser", status: "in_progress" },
        { content: "Run the suite", status: "pending" },
      ];
      const tui = await startTui(
        world([
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
        ["fix the tests"],
      );
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
      const tui = await startTui(
        world(
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
      );
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
      const tui = await startTui(
        world([
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
      );
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
      const end = Date.now() + WAIT_MS;
      while (!existsSync(tui.exitFile) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
      expect(readFileSync(tui.exitFile, "utf8").trim()).toBe("0");
      expect(tui.screen()).toContain("Resume this session with: quarry --resume ");
    },
    TEST_MS,
  );
});

describe.skipIf(!HAS_TMUX)("interactive TUI: resume (tmux, emulator)", () => {
  it(
    "`quarry --resume` without an id shows a picker, then redraws the picked conversation",
    async () => {
      const tui = await startTui(
        world([
          {
            model: "sonnet",
            promptIncludes: "pineapple",
            reply: { content: [{ type: "text", text: "Noted: the word is pineapple." }] },
          },
        ]),
        ["remember the word pineapple"],
        ["--resume"],
      );
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
