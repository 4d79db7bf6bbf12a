import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  defaultWorld,
  emulatorClientEnv,
  type RunningEmulator,
  startEmulator,
  type WorldInput,
} from "../../emulator/index.js";
import { BIN } from "../support/run-cli.js";

// The interactive UI in a real pseudo-terminal (tmux), shared by the TUI end-to-end tests. Waits always poll
// the pane against a deadline (generous: a loaded machine starts the CLI slowly), never fixed sleeps.

export const HAS_TMUX = spawnSync("tmux", ["-V"]).status === 0;
/** How long one wait for the screen may take. */
export const WAIT_MS = 30_000;

const shellQuote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
const tmux = (...args: string[]) => execFileSync("tmux", args, { encoding: "utf8" });

/** One Quarry run in a tmux pane. */
export interface Tui {
  session: string;
  /** The project folder Quarry runs in. */
  dir: string;
  home: string;
  /** Absent for `--simulate` runs, which start their own. */
  emulator?: RunningEmulator;
  /** Written with the shell's `$?` once Quarry (and any second run) exits. */
  exitFile: string;
  screen(): string;
  waitFor(text: string, ms?: number): Promise<string>;
  waitUntil(check: (screen: string) => boolean, what: string, ms?: number): Promise<string>;
  /** tmux key names (Enter, Escape, C-c, BTab). */
  keys(...keys: string[]): void;
  /** Literal text. */
  type(text: string): void;
  resize(width: number, height: number): void;
  /** Waits for the exit file and returns the exit code. */
  exitCode(ms?: number): Promise<string>;
}

export interface TuiOptions {
  /** The emulator's world; without one no emulator is started (for `--simulate`). */
  world?: WorldInput;
  args?: string[];
  /** A second run in the same project and home (to resume the first). */
  thenArgs?: string[];
  /** The project folder (removed afterwards like a temp one); a new git repository when absent. */
  dir?: string;
  width?: number;
  height?: number;
  /** More environment for Quarry (EDITOR…). */
  env?: Record<string, string>;
}

const running: Tui[] = [];
let count = 0;

/** Starts `quarry <args>` in a fresh tmux session, with only the emulator's client environment. */
export async function startTui(o: TuiOptions = {}): Promise<Tui> {
  const emulator = o.world ? await startEmulator({ world: o.world }) : undefined;
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), "quarry-tui-"));
  if (!o.dir) execFileSync("git", ["init", "-q"], { cwd: dir });
  const home = mkdtempSync(join(tmpdir(), "quarry-tui-home-"));
  const session = `quarry-tui-${process.pid}-${count++}`;
  const exitFile = join(home, "exit-code");
  // Nothing from this machine's AWS setup; a terminal type so Ink draws as in a terminal.
  const env = {
    ...(emulator
      ? emulatorClientEnv(emulator.url, home)
      : { PATH: process.env.PATH ?? "", HOME: home, QUARRY_DATA_DIR: join(home, ".quarry-data") }),
    TERM: "xterm-256color",
    ...o.env,
  };
  const run = (a: string[]) =>
    ["env -i", ...Object.entries(env).map(([k, v]) => `${k}=${shellQuote(v)}`)].join(" ") +
    ` ${shellQuote(process.execPath)} ${shellQuote(BIN)} ${a.map(shellQuote).join(" ")};`;
  const command = [
    run(o.args ?? []),
    ...(o.thenArgs ? [run(o.thenArgs)] : []),
    `echo $? > ${shellQuote(exitFile)}`,
  ].join(" ");
  const [width, height] = [String(o.width ?? 120), String(o.height ?? 50)];
  tmux("new-session", "-d", "-s", session, "-x", width, "-y", height, "-c", dir, command);
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
    home,
    emulator,
    exitFile,
    screen,
    waitUntil,
    waitFor: (text, ms) => waitUntil((s) => s.includes(text), JSON.stringify(text), ms),
    keys: (...keys) => tmux("send-keys", "-t", session, ...keys),
    type: (text) => tmux("send-keys", "-t", session, "-l", text),
    resize: (w, h) => tmux("resize-window", "-t", session, "-x", String(w), "-y", String(h)),
    async exitCode(ms = WAIT_MS) {
      await waitUntil(() => existsSync(exitFile), "Quarry to exit", ms);
      return readFileSync(exitFile, "utf8").trim();
    },
  };
  running.push(tui);
  return tui;
}

/** Ends every TUI started so far: its tmux session, emulator and folders (call from afterEach/afterAll). */
export async function stopTuis(): Promise<void> {
  for (const tui of running.splice(0)) {
    spawnSync("tmux", ["kill-session", "-t", tui.session]);
    await tui.emulator?.close();
    rmSync(tui.dir, { recursive: true, force: true });
    rmSync(tui.home, { recursive: true, force: true });
  }
}

/** The main-model stream requests the emulator answered, in order. */
export function mainStreams(emulator: RunningEmulator | undefined) {
  return (emulator?.log ?? []).filter((e) => e.operation === "invoke-with-response-stream");
}

/** The default world with this script (and any other change). */
export function world(script: WorldInput["script"], change?: (w: WorldInput) => void): WorldInput {
  const w = defaultWorld();
  w.script = script;
  change?.(w);
  return w;
}
