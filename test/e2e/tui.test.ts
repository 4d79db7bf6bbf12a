import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

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

function screen(): string {
  return tmux("capture-pane", "-p", "-t", SESSION);
}

/** Polls the pane (a real pseudo-terminal) until it shows `text`. */
async function waitForScreen(text: string, ms = 10_000): Promise<string> {
  const end = Date.now() + ms;
  for (;;) {
    const s = screen();
    if (s.includes(text)) return s;
    if (Date.now() > end) throw new Error(`timed out waiting for ${JSON.stringify(text)}; screen:\n${s}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

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
    const end = Date.now() + 10_000;
    while (!existsSync(exitFile) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    expect(readFileSync(exitFile, "utf8").trim()).toBe("0");
  });
});
