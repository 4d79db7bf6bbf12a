// Idle CPU of the interactive TUI: starts `quarry --simulate` in a real pseudo-terminal (tmux), waits until the
// prompt is drawn, then reads the process's CPU time (utime + stime from /proc/<pid>/stat) over 10 s of idle.
// Target: under 1% of one core. Linux only (needs /proc) and tmux. Prints a JSON line, then a table.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const WINDOW_MS = Number(process.env.IDLE_WINDOW_MS ?? 10_000);
const BIN = new URL("../bin/quarry.js", import.meta.url).pathname;
const SESSION = `quarry-idle-${process.pid}`;
// USER_HZ: the unit of utime/stime. 100 on every mainstream Linux; getconf confirms when available.
const HZ = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;

if (spawnSync("tmux", ["-V"]).status !== 0) {
  console.error("bench/tui-idle.mjs: tmux is required (apt-get install tmux)");
  process.exit(2);
}

const tmux = (...args) => execFileSync("tmux", args, { encoding: "utf8" });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** utime + stime in seconds (fields 14 and 15; the command name in field 2 may contain spaces). */
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / HZ;
}

const dir = mkdtempSync(join(tmpdir(), "quarry-idle-"));
try {
  // `exec` so the pane's process is Node itself; CI unset because Ink renders differently there.
  const command = `exec env -u CI QUARRY_DATA_DIR=${dir}/data ${process.execPath} ${BIN} --simulate`;
  tmux("new-session", "-d", "-s", SESSION, "-x", "120", "-y", "40", "-c", dir, command);
  const pid = Number(tmux("display-message", "-p", "-t", SESSION, "#{pane_pid}").trim());
  const end = Date.now() + 15_000;
  while (!tmux("capture-pane", "-p", "-t", SESSION).includes("SIMULATION")) {
    if (Date.now() > end) throw new Error("the TUI did not start within 15 s");
    await sleep(50);
  }
  await sleep(1000); // let start-up work (module loading, first frame) finish before measuring
  const before = cpuSeconds(pid);
  const t0 = performance.now();
  await sleep(WINDOW_MS);
  const cpu = cpuSeconds(pid) - before;
  const wall = (performance.now() - t0) / 1000;
  const pct = (cpu / wall) * 100;
  const result = {
    bench: "tui-idle",
    pid,
    startup_cpu_s: before,
    wall_s: Number(wall.toFixed(2)),
    cpu_s: cpu,
    cpu_pct_of_core: Number(pct.toFixed(3)),
    target_pct: 1,
    ok: pct < 1,
  };
  console.log(JSON.stringify(result));
  console.log(
    `\nTUI idle at the prompt for ${wall.toFixed(1)} s: CPU ${cpu.toFixed(3)} s = ${pct.toFixed(2)}% of one core (target < 1%)`,
  );
  process.exitCode = result.ok ? 0 : 1;
} finally {
  spawnSync("tmux", ["kill-session", "-t", SESSION]);
  rmSync(dir, { recursive: true, force: true });
}
