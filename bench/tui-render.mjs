// Render cost of the interactive TUI in a long session. Renders the real App (from dist/, so `npm run build`
// first) with Ink to a fake 120x50 TTY, with N finished messages already in the transcript (Ink's <Static>
// region), then streams one more answer into it and measures what appending that message costs: CPU time of
// the turn, Ink's render time per frame, the latency from a streamed delta to the frame being written, and the
// bytes written. Thanks to <Static>, none of these should grow with N. Prints JSON lines, then a table with
// the ratio of the largest session against the smallest (e.g. message #501 against #11).
//
//   node bench/tui-render.mjs            # sessions of 10, 500 and 2000 messages
//   SIZES=10,500 TURNS=9 node bench/tui-render.mjs
import { EventEmitter } from "node:events";
import { performance } from "node:perf_hooks";

// Ink decides at import time whether it runs in CI (and then renders differently): measure the terminal path.
delete process.env.CI;
delete process.env.CONTINUOUS_INTEGRATION;

const root = new URL("..", import.meta.url);
const { render } = await import("ink");
const { createElement } = await import("react");
const { App } = await import(new URL("dist/src/ui/tui/App.js", root).href);
const { PermissionBroker } = await import(new URL("dist/src/ui/tui/backend.js", root).href);
const { PromptHistory } = await import(new URL("dist/src/ui/tui/history.js", root).href);

const SIZES = (process.env.SIZES ?? "10,500,2000").split(",").map(Number);
const TURNS = Number(process.env.TURNS ?? 7); // measured turns per session size (after one warm-up turn)
const DELTAS = 20; // streamed deltas per answer
const PACE_MS = 40; // between deltas: above Ink's 33 ms frame throttle, so every delta is its own frame
const ZERO = { inputTokens: 0, outputTokens: 0, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 };

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x, d = 3) => Number(x.toFixed(d));

/** A TTY-like stdout that counts what Ink writes and notes when it last wrote. */
class FakeStdout extends EventEmitter {
  isTTY = true;
  columns = 120;
  rows = 50;
  bytes = 0;
  writes = 0;
  onWrite = undefined;
  write(chunk) {
    this.bytes += Buffer.byteLength(String(chunk));
    this.writes++;
    this.onWrite?.();
    return true;
  }
}

/** The stdin ink-testing-library uses: Ink reads it on "readable". */
class FakeStdin extends EventEmitter {
  isTTY = true;
  data = null;
  write(data) {
    this.data = data;
    this.emit("readable");
    this.emit("data", data);
  }
  read() {
    const d = this.data;
    this.data = null;
    return d;
  }
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
}

const DIFF = {
  kind: "diff",
  path: "/w/src/app.ts",
  patch:
    "--- src/app.ts\n+++ src/app.ts\n@@ -1,4 +1,4 @@\n import { a } from './a';\n-const x = 1;\n+const x = 2;\n export { x };\n",
  added: 1,
  removed: 1,
  created: false,
};

/** N finished transcript items, cycling through what a real session holds. */
function history(n) {
  const items = [];
  for (let i = 0; items.length < n; i++) {
    items.push({ kind: "user", text: `Prompt ${i}: fix the failing test in src/module${i}.ts` });
    items.push({
      kind: "assistant",
      open: false,
      text: `I looked at **src/module${i}.ts**. The problem is the off-by-one in \`loop()\`:\n\n\`\`\`ts\nfor (let j = 0; j <= n; j++) total += xs[j];\n\`\`\`\n\nIt should stop at \`n - 1\`. Fixing it now.`,
    });
    items.push({
      kind: "tool",
      callId: `r${i}`,
      name: "Read",
      summary: `src/module${i}.ts`,
      status: "ok",
      output: "…",
    });
    items.push({
      kind: "tool",
      callId: `e${i}`,
      name: "Edit",
      summary: "src/app.ts",
      status: "ok",
      display: DIFF,
    });
  }
  return items.slice(0, n);
}

/** A backend whose every turn streams the same answer, noting when each delta was handed to the UI. */
function backend(stamps) {
  const info = {
    sessionId: "bench",
    model: "us.anthropic.claude-sonnet-4-6",
    region: "us-east-1",
    contextWindow: 200_000,
  };
  return {
    info: () => info,
    permissions: new PermissionBroker(),
    async *run() {
      yield { type: "turn_start", turn: 1 };
      for (let d = 0; d < DELTAS; d++) {
        await sleep(PACE_MS);
        stamps.push(performance.now());
        yield {
          type: "text_delta",
          text: d % 5 === 4 ? `word ${d} of the answer.\n\n` : `word ${d} of the answer, `,
        };
      }
      await sleep(PACE_MS);
      yield {
        type: "usage",
        model: info.model,
        usage: { ...ZERO, inputTokens: 900, outputTokens: 60 },
        costUsd: 0.001,
      };
      yield {
        type: "done",
        reason: "end_turn",
        result: "",
        turns: 1,
        usage: ZERO,
        costUsd: 0,
        durationMs: 0,
      };
    },
    async *compact() {},
    cancel() {},
    clear: async () => info,
    switchModel: async () => info,
    resume: async () => info,
    doctor: async () => "",
    models: async () => "",
    close: async () => {},
  };
}

async function measure(size) {
  const stdout = new FakeStdout();
  const stdin = new FakeStdin();
  const stamps = [];
  let renderMs = 0;
  let frames = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const app = render(
    createElement(App, { backend: backend(stamps), history: new PromptHistory(), intro: history(size) }),
    {
      stdout,
      stderr: new FakeStdout(),
      stdin,
      exitOnCtrlC: false,
      patchConsole: false,
      onRender: ({ renderTime }) => {
        renderMs += renderTime;
        frames++;
      },
    },
  );
  await sleep(100);
  const initial = process.cpuUsage(cpu0);
  const initialPaint = {
    wall_ms: performance.now() - t0 - 100,
    cpu_ms: (initial.user + initial.system) / 1000,
    bytes: stdout.bytes,
  };

  const turns = [];
  for (let turn = 0; turn <= TURNS; turn++) {
    for (const ch of "go") {
      stdin.write(ch);
      await sleep(5);
    }
    await sleep(50);
    stamps.length = 0;
    const latencies = [];
    stdout.onWrite = () => {
      // The first write after a delta was handed over is the frame that shows it.
      if (stamps.length > latencies.length) latencies.push(performance.now() - stamps[latencies.length]);
    };
    renderMs = 0;
    frames = 0;
    const bytes0 = stdout.bytes;
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    stdin.write("\r");
    // The answer takes DELTAS × PACE_MS; then wait for the done event's frame (Ink's trailing throttle).
    await sleep((DELTAS + 1) * PACE_MS + 150);
    const c = process.cpuUsage(c0);
    stdout.onWrite = undefined;
    if (turn === 0) continue; // warm-up: JIT, first markdown parse
    turns.push({
      cpu_ms: (c.user + c.system) / 1000,
      wall_ms: performance.now() - w0,
      render_ms_per_frame: renderMs / Math.max(frames, 1),
      frames,
      frame_latency_ms: median(latencies),
      bytes: stdout.bytes - bytes0,
    });
  }
  app.unmount();
  app.cleanup();
  const pick = (k) => median(turns.map((t) => t[k]));
  return {
    bench: "tui-render",
    history_messages: size,
    appended_message: size + 1,
    turns_measured: turns.length,
    deltas_per_turn: DELTAS,
    cpu_ms_per_turn: round(pick("cpu_ms"), 2),
    ink_render_ms_per_frame: round(pick("render_ms_per_frame")),
    frame_latency_ms: round(pick("frame_latency_ms")),
    frames_per_turn: pick("frames"),
    bytes_per_turn: pick("bytes"),
    initial_paint_cpu_ms: round(initialPaint.cpu_ms, 1),
    initial_paint_bytes: initialPaint.bytes,
  };
}

const rows = [];
for (const size of SIZES) {
  const row = await measure(size);
  rows.push(row);
  console.log(JSON.stringify(row));
}

const base = rows[0];
const summaries = rows.slice(1).map((r) => {
  const ratio = (k) => round(r[k] / base[k], 2);
  return {
    bench: "tui-render-ratio",
    compare: `message #${r.appended_message} vs #${base.appended_message}`,
    cpu_ratio: ratio("cpu_ms_per_turn"),
    ink_render_ratio: ratio("ink_render_ms_per_frame"),
    frame_latency_ratio: ratio("frame_latency_ms"),
    bytes_ratio: ratio("bytes_per_turn"),
  };
});
for (const s of summaries) console.log(JSON.stringify(s));

const header = [
  "history",
  "append #",
  "CPU ms/turn",
  "Ink render ms/frame",
  "delta→frame ms",
  "frames",
  "bytes/turn",
  "first paint CPU ms",
];
const table = rows.map((r) => [
  r.history_messages,
  r.appended_message,
  r.cpu_ms_per_turn,
  r.ink_render_ms_per_frame,
  r.frame_latency_ms,
  r.frames_per_turn,
  r.bytes_per_turn,
  r.initial_paint_cpu_ms,
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => String(r[i]).length)));
const line = (cells) => cells.map((c, i) => String(c).padStart(widths[i])).join("  ");
console.log(`\nAppending one streamed answer (${DELTAS} deltas) to a session, medians of ${TURNS} turns:`);
console.log(line(header));
for (const r of table) console.log(line(r));
console.log("");
for (const s of summaries) {
  console.log(
    `${s.compare}: CPU ×${s.cpu_ratio}, Ink render ×${s.ink_render_ratio}, delta→frame ×${s.frame_latency_ratio}, bytes ×${s.bytes_ratio}`,
  );
}
console.log("(≈1 means the history costs nothing per frame: finished messages live in <Static>.)");
// Noisy machines vary by tens of percent; growth with history would show as a multiple.
process.exitCode = summaries.some((s) => s.ink_render_ratio > 2 || s.bytes_ratio > 1.5) ? 1 : 0;
