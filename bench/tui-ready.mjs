// Spawn → prompt drawn for Quarry's TUI alone, measured as bench/vs-claude.mjs's prompt_ready does: the real
// CLI in tmux against the emulator behind the latency proxy (+LATENCY_MS per AWS request), a fresh HOME and git
// repo per run, timed until the placeholder "Ask Quarry to do something" is on screen. Also times until the
// model name replaces "resolving…" in the footer (the session is open). `node bench/tui-ready.mjs [--runs N]`.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startLatencyProxy } from "./lib/latency-proxy.mjs";
import { killPane, startPane, timeScreen } from "./lib/tmux-pane.mjs";

const LATENCY_MS = Number(process.env.LATENCY_MS ?? 80);
const argv = process.argv.slice(2);
const runs = Number(argv[argv.indexOf("--runs") + 1]) || 7;
const root = new URL("..", import.meta.url).pathname;
const QUARRY = join(root, "bin/quarry.js");
const { startEmulator, defaultWorld, emulatorClientEnv } = await import(join(root, "dist/emulator/index.js"));

if (spawnSync("tmux", ["-V"]).status !== 0) {
  console.error("bench/tui-ready.mjs: tmux is required (apt-get install tmux)");
  process.exit(2);
}
const median = (xs) => {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return v.length ? v[Math.floor(v.length / 2)] : Number.NaN;
};

const emulator = await startEmulator({ world: defaultWorld() });
const proxy = await startLatencyProxy(emulator.url, { delayMs: LATENCY_MS });
const ready = [];
const open = [];
const dirs = [];
try {
  for (let i = 0; i < runs; i++) {
    const home = mkdtempSync(join(tmpdir(), "bench-home-quarry-"));
    const cwd = mkdtempSync(join(tmpdir(), "bench-repo-"));
    dirs.push(home, cwd);
    execFileSync("git", ["init", "-q"], { cwd });
    writeFileSync(join(cwd, "a.txt"), "a\n");
    const pane = startPane(`bench-ready-${process.pid}-${i}`, {
      cwd,
      env: { ...emulatorClientEnv(proxy.url, home), TERM: "xterm-256color" },
      command: `${process.execPath} ${QUARRY}`,
    });
    let readyMs = Number.NaN;
    let openMs = Number.NaN;
    try {
      ({ ready: readyMs, open: openMs } = await timeScreen(pane, {
        ready: (screen) => /Ask Quarry to do something/.test(screen),
        // The model's name replaces "resolving…" in the footer: the session is open.
        open: (screen) => /sonnet|Sonnet/.test(screen) && !/resolving/.test(screen),
      }));
    } finally {
      killPane(pane);
    }
    ready.push(readyMs);
    open.push(openMs);
    process.stderr.write(`run ${i + 1}: prompt ${readyMs} ms, session open ${openMs} ms\n`);
  }
} finally {
  await proxy.close();
  await emulator.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}
console.log(
  JSON.stringify({
    bench: "tui_prompt_ready",
    median_ms: median(ready),
    session_open_ms: median(open),
    runs,
    latency_ms: LATENCY_MS,
  }),
);
