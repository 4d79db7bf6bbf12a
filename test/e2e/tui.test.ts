import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  defaultWorld,
  emulatorClientEnv,
  type RunningEmulator,
  startEmulator,
} from "../../emulator/index.js";

const BIN = new URL("../../bin/quarry.js", import.meta.url).pathname;
const HAS_TMUX = spawnSync("tmux", ["-V"]).status === 0;
const SESSION = `quarry-tui-${process.pid}`;

if (!HAS_TMUX) {
  // Shown in the run log so a skipped check is never mistaken for a passing one.
  console.warn("test/e2e/tui.test.ts skipped: tmux is not installed (apt-get install tmux to run it)");
}

function tmux(...args: string[]): string {
  return execFileSync("tmux", args, { encoding: "utf8" });
}

function screen(session = SESSION): string {
  return tmux("capture-pane", "-p", "-t", session);
}

/** Polls the pane (a real pseudo-terminal) until it shows `text`. */
async function waitForScreen(text: string, ms = 10_000, session = SESSION): Promise<string> {
  const end = Date.now() + ms;
  for (;;) {
    const s = screen(session);
    if (s.includes(text)) return s;
    if (Date.now() > end) throw new Error(`timed out waiting for ${JSON.stringify(text)}; screen:\n${s}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits for the shell command around the TUI to write its exit code. */
async function exitCode(file: string, ms = 10_000, session = SESSION): Promise<string> {
  const end = Date.now() + ms;
  while (!existsSync(file)) {
    if (Date.now() > end)
      throw new Error(`the TUI did not exit within ${ms} ms; screen:\n${screen(session)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return readFileSync(file, "utf8").trim();
}

const shellQuote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;

describe.skipIf(!HAS_TMUX)("interactive TUI in a pseudo-terminal (tmux, --simulate)", () => {
  const dir = mkdtempSync(join(tmpdir(), "quarry-tui-e2e-"));
  afterAll(() => {
    spawnSync("tmux", ["kill-session", "-t", SESSION]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs a prompt, approves the write in the dialog, and exits on Ctrl-C twice", async () => {
    writeFileSync(join(dir, "notes.txt"), "hello\n");
    const exitFile = join(dir, "exit-code");
    // CI unset: Ink renders only the final frame when it believes it runs in CI.
    const command = [
      "env -u CI",
      `QUARRY_DATA_DIR=${join(dir, "data")}`,
      `HOME=${dir}`,
      `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} --simulate;`,
      `echo $? > ${JSON.stringify(exitFile)}`,
    ].join(" ");
    tmux("new-session", "-d", "-s", SESSION, "-x", "120", "-y", "50", "-c", dir, command);
    await waitForScreen("SIMULATION");
    tmux("send-keys", "-t", SESSION, "-l", "tidy up this folder");
    tmux("send-keys", "-t", SESSION, "Enter");
    await waitForScreen("Allow this?");
    expect(existsSync(join(dir, "QUARRY-DEMO.md"))).toBe(false);
    tmux("send-keys", "-t", SESSION, "1");
    await waitForScreen("Simulation finished");
    expect(readFileSync(join(dir, "QUARRY-DEMO.md"), "utf8")).toContain("# Quarry demo");
    expect(screen()).toContain("Write QUARRY-DEMO.md");
    tmux("send-keys", "-t", SESSION, "C-c");
    await waitForScreen("Press Ctrl-C again to exit");
    tmux("send-keys", "-t", SESSION, "C-c");
    expect(await exitCode(exitFile)).toBe("0");
  });
});

describe.skipIf(!HAS_TMUX)("interactive TUI in a pseudo-terminal (tmux, emulator with a slow model)", () => {
  const session = `${SESSION}-cancel`;
  const dir = mkdtempSync(join(tmpdir(), "quarry-tui-cancel-"));
  const home = mkdtempSync(join(tmpdir(), "quarry-tui-home-"));
  let emulator: RunningEmulator | undefined;
  afterAll(async () => {
    spawnSync("tmux", ["kill-session", "-t", session]);
    await emulator?.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  });

  it("cancels a streaming answer with Esc, keeps the prompt usable, and exits cleanly", async () => {
    const world = defaultWorld();
    // ~1,900 characters at 10 tokens a second: the answer would take about 45 s to stream.
    const story = Array.from({ length: 40 }, (_, i) => `Sentence ${i + 1} of a very slow answer.`).join(" ");
    // "quick" first: the cancelled prompt reaches Bedrock merged with the next one (roles must alternate).
    world.script = [
      {
        model: "sonnet",
        promptIncludes: "quick",
        reply: { content: [{ type: "text", text: "Quick answer done." }] },
      },
      { model: "sonnet", promptIncludes: "slow", reply: { content: [{ type: "text", text: story }] } },
    ];
    world.latency = { requestMs: 0, firstTokenMs: 0, tokensPerSecond: 10 };
    emulator = await startEmulator({ world });
    execFileSync("git", ["init", "-q"], { cwd: dir });
    const exitFile = join(dir, "exit-code");
    // Only the emulator's client environment (plus a terminal type): nothing from this machine's AWS setup.
    const env = { ...emulatorClientEnv(emulator.url, home), TERM: "xterm-256color" };
    const command = [
      "env -i",
      ...Object.entries(env).map(([k, v]) => `${k}=${shellQuote(v)}`),
      `${shellQuote(process.execPath)} ${shellQuote(BIN)};`,
      `echo $? > ${shellQuote(exitFile)}`,
    ].join(" ");
    tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "50", "-c", dir, command);
    await waitForScreen("/help for commands", 15_000, session);
    expect(screen(session)).not.toContain("SIMULATION");

    tmux("send-keys", "-t", session, "-l", "tell me a slow story");
    tmux("send-keys", "-t", session, "Enter");
    await waitForScreen("Sentence 1 of", 15_000, session);
    tmux("send-keys", "-t", session, "Escape");
    const cancelled = await waitForScreen("Interrupted · the session is kept", 10_000, session);
    expect(cancelled).not.toContain("Sentence 40 of");
    const streamed = mainStreams(emulator).length;
    expect(streamed).toBe(1);

    // The prompt is usable again: a second turn runs to the end in the same session.
    tmux("send-keys", "-t", session, "-l", "a quick one please");
    tmux("send-keys", "-t", session, "Enter");
    await waitForScreen("Quick answer done.", 15_000, session);
    // The turn ends after the side model's title call, which the slow world paces too: wait for the spinner to go.
    const end = Date.now() + 20_000;
    while (screen(session).includes("Esc to cancel")) {
      if (Date.now() > end) throw new Error(`the second turn did not finish; screen:\n${screen(session)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(mainStreams(emulator).length).toBe(2);
    expect(screen(session)).not.toContain("Sentence 40 of");

    tmux("send-keys", "-t", session, "-l", "/exit");
    tmux("send-keys", "-t", session, "Enter");
    expect(await exitCode(exitFile, 10_000, session)).toBe("0");
  });
});

function mainStreams(emulator: RunningEmulator) {
  return emulator.log.filter((e) => e.operation === "invoke-with-response-stream");
}
