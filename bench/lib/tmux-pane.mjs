// A CLI started in a detached tmux pane (120×40, a clean `env -i` environment), and the time from its spawn until
// what it draws matches each of a set of patterns. Shared by the prompt-ready benches (vs-claude, tui-ready).
import { execFileSync, spawnSync } from "node:child_process";

const tmux = (...args) => execFileSync("tmux", args, { encoding: "utf8" });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Starts `command` (a shell word list) in a new pane with exactly `env`; returns the session, pid and start time. */
export function startPane(name, { cwd, env, command }) {
  const vars = Object.entries(env).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  const started = Date.now();
  tmux(
    "new-session",
    "-d",
    "-s",
    name,
    "-x",
    "120",
    "-y",
    "40",
    "-c",
    cwd,
    `exec env -i ${vars.join(" ")} ${command}`,
  );
  const pid = Number(tmux("display-message", "-p", "-t", name, "#{pane_pid}").trim());
  return { session: name, pid, started };
}

/**
 * Polls the pane every 10 ms until every test in `until` has matched once (or the pane is gone, or `timeoutMs`
 * passed); returns, per key, the ms from spawn to its first match (NaN when it never matched).
 */
export async function timeScreen(pane, until, timeoutMs = 30_000) {
  const at = Object.fromEntries(Object.keys(until).map((k) => [k, Number.NaN]));
  while (Date.now() - pane.started < timeoutMs) {
    let screen = "";
    try {
      screen = tmux("capture-pane", "-p", "-t", pane.session);
    } catch {
      break;
    }
    for (const [key, test] of Object.entries(until))
      if (Number.isNaN(at[key]) && test(screen)) at[key] = Date.now() - pane.started;
    if (Object.values(at).every((v) => !Number.isNaN(v))) break;
    await sleep(10);
  }
  return at;
}

/** Ends the pane's session (and the program in it). */
export function killPane(pane) {
  spawnSync("tmux", ["kill-session", "-t", pane.session]);
}
