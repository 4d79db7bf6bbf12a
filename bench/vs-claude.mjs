#!/usr/bin/env node
// Quarry against Claude Code, side by side on this machine (`npm run bench`, or `node bench/vs-claude.mjs
// [--quick] [--runs N]`). Claude Code is installed from the registry into a scratch folder (never a dependency
// of this package) and both talk to the same loopback emulator through a proxy that adds LATENCY_MS to every
// AWS request. Runs alternate (Quarry, Claude Code, Quarry, …) so machine load hits both alike; each figure is
// the median of its runs and the ratio is Quarry ÷ Claude Code (below 1: Quarry is faster or smaller).
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { startLatencyProxy } from "./lib/latency-proxy.mjs";
import { watchPeakRss } from "./lib/peak-rss.mjs";
import { killPane, startPane, timeScreen } from "./lib/tmux-pane.mjs";

const CLAUDE_CODE_VERSION = "2.1.328";
const LATENCY_MS = Number(process.env.LATENCY_MS ?? 80);
const argv = process.argv.slice(2);
const quick = argv.includes("--quick");
const runs = Number(argv[argv.indexOf("--runs") + 1]) || (quick ? 3 : 7);
const root = new URL("..", import.meta.url).pathname;
const QUARRY = join(root, "bin/quarry.js");
const { startEmulator, defaultWorld, emulatorClientEnv } = await import(join(root, "dist/emulator/index.js"));
const MODEL = "us.anthropic.claude-sonnet-4-6"; // what Quarry's default `sonnet` resolves to in the emulator

const median = (xs) => {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return v.length ? v[Math.floor(v.length / 2)] : Number.NaN;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Installs the pinned Claude Code once into a cache folder; returns its executable. */
function installClaudeCode() {
  const dir = join(
    process.env.QUARRY_BENCH_CACHE ?? join(homedir(), ".cache", "quarry-bench"),
    `claude-code-${CLAUDE_CODE_VERSION}`,
  );
  const bin = join(dir, "node_modules", ".bin", "claude");
  if (!existsSync(bin)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "package.json"), '{"name":"bench-scratch","private":true}\n');
    process.stderr.write(`installing @anthropic-ai/claude-code@${CLAUDE_CODE_VERSION} into ${dir}…\n`);
    execFileSync(
      "npm",
      ["install", `@anthropic-ai/claude-code@${CLAUDE_CODE_VERSION}`, "--no-audit", "--no-fund"],
      {
        cwd: dir,
        stdio: ["ignore", "ignore", "inherit"],
      },
    );
  }
  return bin;
}

function tempRepo(files = 20) {
  const dir = mkdtempSync(join(tmpdir(), "bench-repo-"));
  execFileSync("git", ["init", "-q"], { cwd: dir });
  for (let i = 1; i <= files; i++) writeFileSync(join(dir, `f${i}.txt`), `line ${i} of file ${i}\n`);
  return dir;
}

/** Environment for one agent: the emulator's identity and endpoints (through the proxy), nothing telemetric. */
function agentEnv(agent, proxyUrl, home, cwd) {
  const env = {
    ...emulatorClientEnv(proxyUrl, home),
    TERM: "xterm-256color",
    ANTHROPIC_MODEL: MODEL,
    DISABLE_TELEMETRY: "1",
    DISABLE_ERROR_REPORTING: "1",
    DISABLE_AUTOUPDATER: "1",
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
  };
  if (agent === "claude") {
    Object.assign(env, {
      ANTHROPIC_BEDROCK_BASE_URL: proxyUrl,
      AWS_ENDPOINT_URL_BEDROCK: proxyUrl,
      AWS_ENDPOINT_URL_BEDROCK_RUNTIME: proxyUrl,
    });
    // Skip first-run onboarding and the folder-trust dialog, as a returning user would have.
    const state = join(home, ".claude.json");
    if (!existsSync(state))
      writeFileSync(
        state,
        JSON.stringify({
          hasCompletedOnboarding: true,
          theme: "dark",
          projects: { [cwd]: { hasTrustDialogAccepted: true, hasCompletedProjectOnboarding: true } },
        }),
      );
  }
  return env;
}

/** Runs one agent in print mode; returns spawn → first streaming request, peak RSS, request sizes. */
function runPrint(agent, bin, prompt, { proxy, home, cwd, timeoutMs = 90_000 }) {
  return new Promise((resolve) => {
    const started = Date.now();
    const [cmd, args] =
      agent === "quarry" ? [process.execPath, [QUARRY, "-p", prompt]] : [bin, ["-p", prompt]];
    const child = spawn(cmd, args, {
      cwd,
      env: agentEnv(agent, proxy.url, home, cwd),
      stdio: ["ignore", "pipe", "pipe"],
    });
    const rss = watchPeakRss(child.pid, 20);
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    let stderr = "";
    child.stdout.resume();
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => {
      const peakKb = rss.stop();
      clearTimeout(timer);
      const streams = proxy.streams(started);
      resolve({
        code,
        stderr,
        firstMs: streams[0] ? streams[0].at - started : Number.NaN,
        wallMs: Date.now() - started,
        peakMb: peakKb / 1024,
        streamBytes: streams.map((s) => s.bytes),
      });
    });
  });
}

// What each UI shows once its prompt takes input: Quarry's placeholder, Claude Code's mode line under its box.
const READY = { quarry: /Ask Quarry to do something/, claude: /shift\+tab to cycle|for shortcuts/ };

/** Starts an agent's interactive UI in tmux; resolves spawn → prompt on screen, and the pane's pid. */
async function promptReady(agent, bin, { proxy, home, cwd }) {
  const pane = startPane(`bench-${agent}-${process.pid}-${Date.now()}`, {
    cwd,
    env: agentEnv(agent, proxy.url, home, cwd),
    command: agent === "quarry" ? `${process.execPath} ${QUARRY}` : bin,
  });
  const { ready } = await timeScreen(pane, { ready: (screen) => READY[agent].test(screen) });
  return { pane, pid: pane.pid, readyMs: ready };
}

const HZ = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) / HZ;
}

/** A world whose main model reads the 20 files one by one (absolute paths: Claude Code's Read needs them). */
function readingWorld(cwd, turns) {
  const w = defaultWorld();
  w.script = [];
  for (let t = 1; t < turns; t++)
    w.script.push({
      model: "sonnet",
      turn: t,
      reply: {
        content: [
          { type: "tool_use", name: "Read", input: { file_path: join(cwd, `f${((t - 1) % 20) + 1}.txt`) } },
        ],
      },
    });
  w.script.push({
    model: "sonnet",
    turn: turns,
    reply: { content: [{ type: "text", text: "All files read." }] },
  });
  return w;
}

async function withEmulator(world, fn) {
  const emulator = await startEmulator({ world });
  const proxy = await startLatencyProxy(emulator.url, { delayMs: LATENCY_MS });
  try {
    return await fn(proxy);
  } finally {
    await proxy.close();
    await emulator.close();
  }
}

const rows = [];
function row(name, q, c, unit, note = "") {
  const r = { bench: name, quarry: q, claude: c, ratio: q / c, unit, note };
  rows.push(r);
  process.stdout.write(`${JSON.stringify(r)}\n`);
}

const claude = installClaudeCode();
const agents = ["quarry", "claude"];
const bins = { quarry: QUARRY, claude };
const keep = [];

// 1. Spawn → first streaming request, fresh HOME and warm HOME (the second run in the same HOME).
{
  const fresh = { quarry: [], claude: [] };
  const warm = { quarry: [], claude: [] };
  await withEmulator(defaultWorld(), async (proxy) => {
    for (let i = 0; i < runs; i++)
      for (const agent of agents) {
        const home = mkdtempSync(join(tmpdir(), `bench-home-${agent}-`));
        const cwd = tempRepo();
        keep.push(home, cwd);
        const a = await runPrint(agent, bins[agent], "hello", { proxy, home, cwd });
        const b = await runPrint(agent, bins[agent], "hello", { proxy, home, cwd });
        if (!Number.isFinite(a.firstMs))
          process.stderr.write(`${agent}: no model request (exit ${a.code}) ${a.stderr.slice(0, 300)}\n`);
        fresh[agent].push(a.firstMs);
        warm[agent].push(b.firstMs);
      }
  });
  const note = `+${LATENCY_MS} ms per AWS request, ${runs} interleaved runs`;
  row("first_request_fresh_home", median(fresh.quarry), median(fresh.claude), "ms", note);
  row("first_request_warm_home", median(warm.quarry), median(warm.claude), "ms", note);
}

// 2. Interactive: spawn → prompt on screen (tmux), then idle CPU at the prompt.
if (spawnSync("tmux", ["-V"]).status === 0) {
  const ready = { quarry: [], claude: [] };
  const idle = { quarry: [], claude: [] };
  const window = quick ? 3000 : 10_000;
  await withEmulator(defaultWorld(), async (proxy) => {
    for (let i = 0; i < Math.max(2, Math.ceil(runs / 2)); i++)
      for (const agent of agents) {
        const home = mkdtempSync(join(tmpdir(), `bench-home-${agent}-`));
        const cwd = tempRepo();
        keep.push(home, cwd);
        const r = await promptReady(agent, bins[agent], { proxy, home, cwd });
        try {
          ready[agent].push(r.readyMs);
          if (i === 0 && Number.isFinite(r.readyMs)) {
            await sleep(1500); // start-up work settles first
            const before = cpuSeconds(r.pid);
            await sleep(window);
            idle[agent].push(((cpuSeconds(r.pid) - before) / (window / 1000)) * 100);
          }
        } finally {
          killPane(r.pane);
        }
      }
  });
  row("prompt_ready", median(ready.quarry), median(ready.claude), "ms", "tmux, spawn → prompt drawn");
  row(
    "idle_cpu",
    median(idle.quarry),
    median(idle.claude),
    "% of a core",
    `${window / 1000} s at the prompt`,
  );
} else process.stderr.write("tmux missing: prompt-ready and idle CPU skipped\n");

// 3. A 20-turn session (19 Reads, then an answer): peak RSS and bytes per streaming request.
{
  const turns = 20;
  const rss = { quarry: [], claude: [] };
  const bytes = { quarry: [], claude: [] };
  for (let i = 0; i < Math.max(1, Math.ceil(runs / 3)); i++)
    for (const agent of agents) {
      const cwd = tempRepo();
      const home = mkdtempSync(join(tmpdir(), `bench-home-${agent}-`));
      keep.push(home, cwd);
      await withEmulator(readingWorld(cwd, turns), async (proxy) => {
        const r = await runPrint(agent, bins[agent], "read the files one by one", {
          proxy,
          home,
          cwd,
          timeoutMs: 180_000,
        });
        if (r.streamBytes.length < turns)
          process.stderr.write(`${agent}: only ${r.streamBytes.length} model requests (exit ${r.code})\n`);
        rss[agent].push(r.peakMb);
        bytes[agent].push(median(r.streamBytes));
      });
    }
  row("peak_rss_20_turns", median(rss.quarry), median(rss.claude), "MiB");
  row(
    "request_bytes",
    median(bytes.quarry),
    median(bytes.claude),
    "bytes/request",
    "median streaming request body",
  );
}

// 4. Quarry's Grep over a generated tree against ripgrep itself (what Claude Code's Grep runs).
if (spawnSync("rg", ["--version"]).status === 0) {
  const files = quick ? 20_000 : 200_000;
  const tree = mkdtempSync(join(tmpdir(), "bench-tree-"));
  keep.push(tree);
  execFileSync("git", ["init", "-q"], { cwd: tree });
  for (let d = 0; d < files / 1000; d++) {
    const dir = join(tree, `d${d}`);
    mkdirSync(dir);
    for (let f = 0; f < 1000; f++)
      writeFileSync(join(dir, `f${f}.txt`), f === 500 ? `needle in d${d}\n` : `hay ${d} ${f}\n`);
  }
  const rgMs = [];
  const quarryMs = [];
  const quarryRss = [];
  const w = defaultWorld();
  w.script = [
    {
      model: "sonnet",
      turn: 1,
      reply: { content: [{ type: "tool_use", name: "Grep", input: { pattern: "needle", path: tree } }] },
    },
    { model: "sonnet", turn: 2, reply: { content: [{ type: "text", text: "done" }] } },
  ];
  for (let i = 0; i < Math.max(1, Math.ceil(runs / 3)); i++) {
    let t = performance.now();
    spawnSync("rg", ["-l", "needle", tree], { stdio: "ignore" });
    rgMs.push(performance.now() - t);
    const home = mkdtempSync(join(tmpdir(), "bench-home-grep-"));
    keep.push(home);
    await withEmulator(w, async (proxy) => {
      // A warm HOME, so the figure is the tool's: on a fresh one, start-up work deferred until the model's
      // first answer (docs/startup.md) would share the tool's window, the emulator answering instantly.
      await runPrint("quarry", QUARRY, "warm up", { proxy, home, cwd: tree });
      t = Date.now();
      const r = await runPrint("quarry", QUARRY, "find the needle", {
        proxy,
        home,
        cwd: tree,
        timeoutMs: 300_000,
      });
      const streams = proxy.streams(t);
      // The tool's own time: from the first model answer (the Grep call) to the request carrying its result.
      quarryMs.push(streams.length >= 2 ? streams[1].at - streams[0].at - 2 * LATENCY_MS : Number.NaN);
      quarryRss.push(r.peakMb);
    });
  }
  row("grep_vs_ripgrep", median(quarryMs), median(rgMs), "ms", `${files} files; Quarry's Grep tool vs rg -l`);
  process.stdout.write(
    `${JSON.stringify({ bench: "grep_peak_rss", quarry_mib: median(quarryRss), files })}\n`,
  );
}

for (const dir of keep) rmSync(dir, { recursive: true, force: true });
const fmt = (x) => (Number.isFinite(x) ? (Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(2)) : "n/a");
process.stdout.write(
  `\nQuarry vs Claude Code ${CLAUDE_CODE_VERSION}, ${new Date().toISOString().slice(0, 10)}, node ${process.version}\n`,
);
process.stdout.write("| measure | Quarry | Claude Code | ratio | unit |\n|---|---|---|---|---|\n");
for (const r of rows)
  process.stdout.write(
    `| ${r.bench} | ${fmt(r.quarry)} | ${fmt(r.claude)} | ${fmt(r.ratio)}× | ${r.unit} |\n`,
  );
