#!/usr/bin/env node
// Quarry benchmarks. Run with `npm run bench` (builds first). Prints one JSON line per benchmark and a table.
// Figures are ratios against a baseline measured in the same run (these machines are noisy), plus the raw
// numbers for context. Every loop is bounded; everything talks only to a loopback emulator.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { watchPeakRss } from "./lib/peak-rss.mjs";

const root = new URL("..", import.meta.url).pathname;
const { startEmulator, defaultWorld, emulatorClientEnv } = await import(join(root, "dist/emulator/index.js"));
const BIN = join(root, "bin/quarry.js");
const results = [];

function record(name, value, unit, extra = {}) {
  const row = { bench: name, value: Number(value.toFixed(3)), unit, ...extra };
  results.push(row);
  process.stdout.write(`${JSON.stringify(row)}\n`);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function timeCommand(args, runs) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    execFileSync(process.execPath, args, { stdio: "ignore" });
    times.push(performance.now() - t);
  }
  return median(times);
}

/** Runs the CLI as a child with env pointing at the emulator; returns wall time, first-request time, peak RSS. */
function runQuarry(args, { emulator, cwd, home, env = {} }) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const t0 = performance.now();
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...emulatorClientEnv(emulator.url, home),
        ...env,
      },
    });
    const rss = watchPeakRss(child.pid);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      const peakKb = rss.stop();
      const firstRuntime = emulator.log.find(
        (e) => e.service === "bedrock-runtime" && Date.parse(e.time) >= started,
      );
      resolve({
        code,
        stdout,
        stderr,
        wallMs: performance.now() - t0,
        firstRequestMs: firstRuntime ? Date.parse(firstRuntime.time) - started : undefined,
        peakRssMb: peakKb / 1024,
      });
    });
  });
}

function tempRepo() {
  const dir = mkdtempSync(join(tmpdir(), "quarry-bench-"));
  execFileSync("git", ["init", "-q"], { cwd: dir });
  execFileSync("sh", ["-c", 'for i in $(seq 1 20); do echo "line $i of file $i" > f$i.txt; done'], {
    cwd: dir,
  });
  return dir;
}

// 1. Start-up: `quarry --version` against bare `node -e 0`.
{
  const runs = 15;
  const bare = timeCommand(["-e", "0"], runs);
  const version = timeCommand([BIN, "--version"], runs);
  record("startup_version", version / bare, "x bare node", { quarry_ms: version, node_ms: bare });
}

// 2-4. Scripted sessions against a zero-latency emulator.
const scriptedTurns = (n) => {
  const w = defaultWorld();
  w.script = [];
  for (let t = 1; t < n; t++) {
    w.script.push({
      model: "sonnet",
      turn: t,
      reply: {
        content: [{ type: "tool_use", name: "Read", input: { file_path: `f${((t - 1) % 20) + 1}.txt` } }],
      },
    });
  }
  w.script.push({
    model: "sonnet",
    turn: n,
    reply: { content: [{ type: "text", text: "All files read." }] },
  });
  return w;
};

async function session(turns, env = {}) {
  const emulator = await startEmulator({ world: scriptedTurns(turns) });
  const home = mkdtempSync(join(tmpdir(), "quarry-bench-home-"));
  try {
    const run = await runQuarry(["-p", "read the files one by one", "--output-format", "json"], {
      emulator,
      cwd: tempRepo(),
      home,
      env,
    });
    if (run.code !== 0) throw new Error(`quarry exited ${run.code}: ${run.stderr}`);
    return { run, result: JSON.parse(run.stdout), emulator };
  } finally {
    await emulator.close();
  }
}

{
  const one = await session(1);
  const twenty = await session(20);
  const perTurn = (twenty.run.wallMs - one.run.wallMs) / 19;
  record("first_request_ms", one.run.firstRequestMs ?? Number.NaN, "ms", {
    note: "process start → first Bedrock runtime request",
  });
  record("per_turn_overhead_ms", perTurn, "ms/turn", {
    note: "20-turn scripted session vs 1-turn, zero-latency emulator",
    wall_20_ms: twenty.run.wallMs,
  });
  record("peak_rss_mb", twenty.run.peakRssMb, "MB", { note: "20-turn session" });
}

{
  const billed = (u) =>
    u.input_tokens + 1.25 * u.cache_creation_input_tokens + 0.1 * u.cache_read_input_tokens;
  const cached = await session(10);
  const uncached = await session(10, { DISABLE_PROMPT_CACHING: "1" });
  const b1 = billed(cached.result.usage);
  const b0 = billed(uncached.result.usage);
  record("input_tokens_billed_ratio", b1 / b0, "x uncached", {
    note: "10-turn task; cache writes weighted 1.25, reads 0.1 (Bedrock list pricing)",
    cached: b1,
    uncached: b0,
  });
}

process.stdout.write("\n| benchmark | value | unit |\n|---|---|---|\n");
for (const r of results) process.stdout.write(`| ${r.bench} | ${r.value} | ${r.unit} |\n`);
if (existsSync(join(root, "bench/doctor.mjs"))) {
  process.stdout.write("\n(doctor benchmark: node bench/doctor.mjs)\n");
}
