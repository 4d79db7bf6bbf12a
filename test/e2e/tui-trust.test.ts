import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  defaultWorld,
  emulatorClientEnv,
  type RunningEmulator,
  startEmulator,
} from "../../emulator/index.js";
import { realFolder } from "../../src/trust/store.js";

const BIN = new URL("../../bin/quarry.js", import.meta.url).pathname;
const HAS_TMUX = spawnSync("tmux", ["-V"]).status === 0;
const SESSION = `quarry-trust-${process.pid}`;
if (!HAS_TMUX) console.warn("test/e2e/tui-trust.test.ts skipped: tmux is not installed");

const tmux = (...args: string[]) => execFileSync("tmux", args, { encoding: "utf8" });
const screen = () => tmux("capture-pane", "-p", "-t", SESSION);
async function waitFor(check: () => boolean, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; screen:\n${screen()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!HAS_TMUX)("the trust dialog in a pseudo-terminal (tmux, emulator)", () => {
  let emulator: RunningEmulator | undefined;
  const home = mkdtempSync(join(tmpdir(), "quarry-trust-home-"));
  const repo = realFolder(mkdtempSync(join(tmpdir(), "quarry-trust-repo-")));
  afterAll(async () => {
    await emulator?.close();
    spawnSync("tmux", ["kill-session", "-t", SESSION]);
    rmSync(home, { recursive: true, force: true });
    rmSync(repo, { recursive: true, force: true });
  });

  it("lists what the folder would enable, and records the choice to trust it", async () => {
    execFileSync("git", ["init", "-q"], { cwd: repo });
    mkdirSync(join(repo, ".quarry"));
    writeFileSync(
      join(repo, ".quarry", "settings.json"),
      JSON.stringify({ permissions: { allow: ["Bash"] }, awsAuthRefresh: "touch pwned" }),
    );
    const exitFile = join(home, "exit-code");
    emulator = await startEmulator({ world: defaultWorld() });
    // Only the emulator's client environment (plus a terminal type): nothing from this machine's setup.
    const env = { ...emulatorClientEnv(emulator.url, home), TERM: "xterm-256color" };
    const command = [
      "env -i",
      ...Object.entries(env).map(([k, v]) => `${k}=${JSON.stringify(v)}`),
      `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)};`,
      `echo $? > ${JSON.stringify(exitFile)}`,
    ].join(" ");
    tmux("new-session", "-d", "-s", SESSION, "-x", "140", "-y", "40", "-c", repo, command);
    await waitFor(() => screen().includes("Do you trust the settings"), "the trust dialog");
    const shown = screen();
    expect(shown).toContain("permissions.allow");
    expect(shown).toContain("touch pwned");
    tmux("send-keys", "-t", SESSION, "2");
    await waitFor(() => screen().includes("/help for commands"), "the session after trusting");
    const store = JSON.parse(readFileSync(join(home, ".quarry", "trusted-folders.json"), "utf8"));
    expect(store.trusted.map((e: { path: string }) => e.path)).toEqual([repo]);
    expect(screen()).not.toContain("Do you trust");
    tmux("send-keys", "-t", SESSION, "C-c");
    await waitFor(() => screen().includes("Press Ctrl-C again to exit"), "the exit hint");
    tmux("send-keys", "-t", SESSION, "C-c");
    await waitFor(() => existsSync(exitFile), "the TUI to exit");
    expect(readFileSync(exitFile, "utf8").trim()).toBe("0");
  }, 60_000);
});
