// Doctor wall time for two models (main + small/fast) against the emulator with 50 ms added to every call.
// Target: under 1 s, which only concurrency makes possible (the calls in one run add up to far more).
// Run after `npm run build`: node bench/doctor.mjs [--runs N]
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultWorld, emulatorClientEnv, startEmulator } from "../dist/emulator/index.js";

const REQUEST_MS = 50;
const TARGET_MS = 1000;
const runsArg = process.argv.indexOf("--runs");
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
const BIN = new URL("../bin/quarry.js", import.meta.url).pathname;

const world = defaultWorld();
world.latency = { requestMs: REQUEST_MS, firstTokenMs: 0, tokensPerSecond: 0 };
const emulator = await startEmulator({ world });

/** A fresh HOME per run: no cached profile list, so every run pays for ListInferenceProfiles (a cold start). */
function envFor() {
  const home = mkdtempSync(join(tmpdir(), "quarry-bench-doctor-"));
  return emulatorClientEnv(emulator.url, home);
}

/** One `quarry doctor --json` as a child process: wall time including Node start-up and SDK loading. */
function cliRun() {
  return new Promise((resolve, reject) => {
    const before = emulator.log.length;
    const started = performance.now();
    const child = spawn(process.execPath, [BIN, "doctor", "--json"], {
      env: envFor(),
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const wallMs = performance.now() - started;
      const report = JSON.parse(out);
      resolve({
        code,
        wallMs,
        checks: report.checks.length,
        ok: report.ok,
        calls: emulator.log.length - before,
      });
    });
  });
}

/** The same run in-process: the checks alone, without process start-up. */
async function inProcessRun() {
  const { loadSettings } = await import("../dist/src/config/index.js");
  const { openDoctorContext } = await import("../dist/src/doctor/context.js");
  const { runDoctor } = await import("../dist/src/doctor/run.js");
  const env = envFor();
  // The AWS credential chain and proxy-from-env read process.env itself.
  Object.assign(process.env, env);
  const started = performance.now();
  const settings = loadSettings({ cwd: env.HOME, env, home: env.HOME });
  const report = await runDoctor(await openDoctorContext(settings, env, env.HOME));
  return { wallMs: performance.now() - started, ok: report.ok };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

const cli = [];
for (let i = 0; i < RUNS; i++) cli.push(await cliRun());
const inProc = [];
for (let i = 0; i < RUNS + 1; i++) inProc.push(await inProcessRun());
inProc.shift(); // the first in-process run pays for loading the AWS SDK; the CLI figure already shows that
await emulator.close();

const calls = cli[0].calls;
const result = {
  bench: "doctor",
  models: 2,
  requestLatencyMs: REQUEST_MS,
  runs: RUNS,
  cliWallMsMedian: Math.round(median(cli.map((r) => r.wallMs))),
  cliWallMsMax: Math.round(Math.max(...cli.map((r) => r.wallMs))),
  inProcessMsMedian: Math.round(median(inProc.map((r) => r.wallMs))),
  awsCallsPerRun: calls,
  sequentialLowerBoundMs: calls * REQUEST_MS,
  checksPerRun: cli[0].checks,
  allOk: cli.every((r) => r.ok && r.code === 0) && inProc.every((r) => r.ok),
  targetMs: TARGET_MS,
  withinTarget: Math.max(...cli.map((r) => r.wallMs)) < TARGET_MS,
};
console.log(JSON.stringify(result));
const rows = [
  ["quarry doctor (CLI, median)", `${result.cliWallMsMedian} ms`],
  ["quarry doctor (CLI, slowest)", `${result.cliWallMsMax} ms`],
  ["checks only (in-process, median)", `${result.inProcessMsMedian} ms`],
  [
    `AWS calls per run × ${REQUEST_MS} ms, if sequential`,
    `${result.sequentialLowerBoundMs} ms (${calls} calls)`,
  ],
  ["target", `< ${TARGET_MS} ms ${result.withinTarget ? "(met)" : "(MISSED)"}`],
];
const width = Math.max(...rows.map((r) => r[0].length));
for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
if (!result.allOk) process.exitCode = 1;
