import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createWorkspace, type Workspace } from "../../test/support/tool-workspace.js";

let ws: Workspace;
beforeEach(() => {
  ws = createWorkspace();
});
afterEach(() => ws.cleanup());

/** A process counts as gone when it no longer exists or is a zombie (dead, waiting for a reaper). */
function processAlive(pid: number): boolean {
  if (process.platform === "linux") {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      return !["Z", "X"].includes(stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3));
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Bounded polling: waits for a condition without fixed sleeps. */
async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("Bash", () => {
  it("returns interleaved stdout and stderr with the exit code", async () => {
    const result = await ws.call("Bash", { command: "echo out; echo err >&2" });
    expect(result.isError).toBe(false);
    expect(result.content).toBe("out\nerr\nExit code: 0");
    expect(result.display).toMatchObject({ kind: "bash", exitCode: 0, timedOut: false, aborted: false });
  });

  it("reports a non-zero exit code as an error", async () => {
    const result = await ws.call("Bash", { command: "echo failing; exit 3" });
    expect(result.isError).toBe(true);
    expect(result.content).toBe("failing\nExit code: 3");
    expect(result.display).toMatchObject({ exitCode: 3 });
  });

  it("keeps the working directory across calls, and the exit status of the command", async () => {
    mkdirSync(join(ws.dir, "sub dir"));
    const cd = await ws.call("Bash", { command: 'cd "sub dir" && false' });
    expect(cd.content).toContain("Exit code: 1");
    expect(cd.content).toContain(`Working directory is now ${ws.dir}/sub dir.`);
    const pwd = await ws.call("Bash", { command: "pwd" });
    expect(pwd.content).toBe(`${ws.dir}/sub dir\nExit code: 0`);
    expect(ws.ctx.shell.cwd).toBe(join(ws.dir, "sub dir"));
    // A cd inside a subshell does not leak.
    await ws.call("Bash", { command: "(cd /)" });
    expect(ws.ctx.shell.cwd).toBe(join(ws.dir, "sub dir"));
  });

  it("returns to the project root when the working directory was deleted", async () => {
    mkdirSync(join(ws.dir, "tmp"));
    await ws.call("Bash", { command: "cd tmp" });
    rmSync(join(ws.dir, "tmp"), { recursive: true });
    const result = await ws.call("Bash", { command: "pwd" });
    expect(result.content).toContain(`${ws.dir}\nExit code: 0`);
    expect(result.content).toContain("no longer exists; reset to");
  });

  it("closes stdin and marks the environment", async () => {
    const result = await ws.call("Bash", { command: 'cat; echo "quarry=$QUARRY"' });
    expect(result.content).toBe("quarry=1\nExit code: 0");
  });

  it("says so when there is no output", async () => {
    expect((await ws.call("Bash", { command: "true" })).content).toBe("(no output)\nExit code: 0");
  });

  it("kills the command and its children on timeout", async () => {
    const pidFile = join(ws.dir, "grandchild.pid");
    const started = Date.now();
    const result = await ws.call("Bash", {
      command: `bash -c 'sleep 30 & echo $! > "${pidFile}"; wait'; echo never`,
      timeout: 400,
    });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result.isError).toBe(true);
    expect(result.content).toContain("Command timed out after 400 ms");
    expect(result.content).not.toContain("never");
    expect(result.display).toMatchObject({ timedOut: true });
    const grandchild = Number(readFileSync(pidFile, "utf8"));
    await waitFor(() => !processAlive(grandchild), 2000);
  });

  it("kills the process group when aborted", async () => {
    const pidFile = join(ws.dir, "child.pid");
    const controller = new AbortController();
    const running = ws.call(
      "Bash",
      { command: `sleep 30 & echo $! > "${pidFile}"; wait` },
      controller.signal,
    );
    await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, "utf8").trim() !== "");
    controller.abort();
    const result = await running;
    expect(result.isError).toBe(true);
    expect(result.content).toContain("interrupted by the user");
    expect(result.display).toMatchObject({ aborted: true });
    const child = Number(readFileSync(pidFile, "utf8"));
    await waitFor(() => !processAlive(child), 2000);
  });

  it("does not run when already aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await ws.call("Bash", { command: "touch ran" }, controller.signal);
    expect(result.isError).toBe(true);
    expect(existsSync(join(ws.dir, "ran"))).toBe(false);
  });

  it("caps long output, keeping head and tail", async () => {
    const result = await ws.call("Bash", {
      command: "echo START; head -c 100000 /dev/zero | tr '\\0' a; echo; echo END",
    });
    expect(result.content.startsWith("START\n")).toBe(true);
    expect(result.content).toContain("END\nExit code: 0");
    expect(result.content).toMatch(/\[… \d+ characters of output cut from the middle/);
    expect(result.content.length).toBeLessThan(31_000);
    expect(result.display?.kind === "bash" && result.display.truncatedChars).toBeGreaterThan(69_000);
  });

  it("returns promptly when a background job keeps the output pipe open", async () => {
    const started = Date.now();
    const result = await ws.call("Bash", { command: "sleep 3 & echo $!" });
    expect(Date.now() - started).toBeLessThan(2000);
    const pid = Number(result.content.split("\n")[0]);
    process.kill(pid, "SIGKILL");
  });

  it("rejects a timeout above the maximum, naming the field", async () => {
    const result = await ws.call("Bash", { command: "true", timeout: 700_000 });
    expect(result.isError).toBe(true);
    expect(result.content).toContain("- timeout:");
    expect(result.content).toContain("600000");
  });
});
