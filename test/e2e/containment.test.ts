import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { emulatorClientEnv, type RunningEmulator } from "../../emulator/index.js";
import { probeSandbox } from "../../src/sandbox/probe.js";
import { processAlive } from "../../src/tools/process-group.js";
import { TempJournal } from "../../src/tools/temp-journal.js";
import { BIN } from "../support/run-cli.js";
import { makeRepo, runCli, scriptedWorld, startWorld } from "./harness.js";

// Needs the built CLI (npm run build). Processes, temp files and the Bash sandbox, through `quarry -p`.

let emulator: RunningEmulator | undefined;
const spawned: ChildProcess[] = [];
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
  for (const child of spawned.splice(0)) child.kill("SIGKILL");
});

const tool = (name: string, input: Record<string, unknown>) => ({
  type: "tool_use" as const,
  id: `toolu_${name}`,
  name,
  input,
});
const text = (t: string) => ({ type: "text" as const, text: t });

async function setup(rules: Parameters<typeof scriptedWorld>[0]) {
  const started = await startWorld(scriptedWorld(rules));
  emulator = started.emulator;
  return started;
}

/** Waits (polling, bounded) until `path` exists with content. */
async function fileAppears(path: string, ms = 10_000): Promise<string> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const content = existsSync(path) ? readFileSync(path, "utf8").trim() : "";
    if (content) return content;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${path} never appeared`);
}

describe.each(["SIGTERM", "SIGHUP"] as const)("quarry receiving %s during a Bash call", (signal) => {
  it("ends the command and its background job, and exits with 128+signal", async () => {
    const command = "(sleep 30 & echo $! > bg.pid); echo $$ > shell.pid; sleep 30";
    const { emulator: em, home } = await setup([
      { turn: 1, reply: { content: [tool("Bash", { command })] } },
      { turn: 2, reply: { content: [text("done")] } },
    ]);
    const repo = makeRepo();
    const child = spawn(process.execPath, [BIN, "-p", "wait", "--allowedTools", "Bash"], {
      cwd: repo,
      env: { ...emulatorClientEnv(em.url, home), NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    spawned.push(child);
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const shellPid = Number(await fileAppears(join(repo, "shell.pid")));
    const bgPid = Number(await fileAppears(join(repo, "bg.pid")));
    expect(processAlive(shellPid) && processAlive(bgPid)).toBe(true);

    child.kill(signal);
    const code = await exited;
    expect(code).toBe(signal === "SIGTERM" ? 143 : 129);
    expect(processAlive(shellPid)).toBe(false);
    expect(processAlive(bgPid)).toBe(false);
  });
});

describe("atomic-write leftovers", () => {
  it("a new session removes a dead Quarry's temp files and placeholders, and keeps a live one's", async () => {
    const { emulator: em, home } = await setup([{ turn: 1, reply: { content: [text("hi")] } }]);
    const repo = makeRepo({ "a.txt": "a", "b.txt": "b" });
    const journalDir = join(home, ".quarry-data", "pending-writes");
    const dead = spawn("true");
    await new Promise((r) => dead.once("exit", r));
    const live = spawn("sleep", ["30"]);
    spawned.push(live);
    const deadTemp = join(repo, `.a.txt.quarry-${dead.pid}-0a1b2c.tmp`);
    const deadStub = join(repo, ".quarry");
    const liveTemp = join(repo, `.b.txt.quarry-${live.pid}-3d4e5f.tmp`);
    new TempJournal(journalDir, dead.pid!).note("temp", deadTemp);
    new TempJournal(journalDir, dead.pid!).note("stub", deadStub);
    new TempJournal(journalDir, live.pid!).note("temp", liveTemp);
    writeFileSync(deadTemp, "half-written");
    mkdirSync(deadStub);
    writeFileSync(liveTemp, "being written");

    const run = await runCli(["-p", "hi"], { cwd: repo, emulator: em, home });
    expect(run.code).toBe(0);
    expect(existsSync(deadTemp)).toBe(false);
    expect(existsSync(deadStub)).toBe(false);
    expect(readFileSync(liveTemp, "utf8")).toBe("being written");
    expect(readFileSync(join(repo, "a.txt"), "utf8")).toBe("a");
  });
});

const availability = await probeSandbox();
const skipReason = availability.ok ? undefined : `bubblewrap unavailable: ${availability.reason}`;
if (skipReason) console.warn(`[sandbox e2e tests skipped] ${skipReason}`);

describe("the Bash sandbox through quarry -p", () => {
  it.skipIf(skipReason)("QUARRY_SANDBOX=on: runs an unapproved command inside the sandbox", async () => {
    // Outside /tmp, which the sandbox replaces with a private one: the write must fail, not vanish.
    const base = join(process.cwd(), "node_modules", ".cache");
    mkdirSync(base, { recursive: true });
    const outside = mkdtempSync(join(base, "sandbox-e2e-"));
    try {
      const command = `echo in > inside.txt; echo out > ${outside}/escaped.txt; cat ~/.aws/credentials`;
      const { emulator: em, home } = await setup([
        { turn: 1, reply: { content: [tool("Bash", { command })] } },
        { turn: 2, reply: { content: [text("done")] } },
      ]);
      mkdirSync(join(home, ".aws"), { recursive: true });
      writeFileSync(
        join(home, ".aws", "credentials"),
        "[default]\naws_secret_access_key = E2E-SANDBOX-SECRET\n",
      );
      const repo = makeRepo();
      const run = await runCli(["-p", "go", "--output-format", "quarry-events"], {
        cwd: repo,
        emulator: em,
        home,
        env: { QUARRY_SANDBOX: "on" },
      });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain("It ran inside Quarry's sandbox");
      expect(readFileSync(join(repo, "inside.txt"), "utf8")).toBe("in\n");
      expect(existsSync(join(outside, "escaped.txt"))).toBe(false);
      // Read-only where the folder is visible; absent where it lies under the sandbox's private /tmp.
      expect(run.stdout).toMatch(/Read-only file system|No such file or directory/);
      expect(run.stdout).not.toContain("E2E-SANDBOX-SECRET");
      expect(JSON.stringify(em.log)).not.toContain("E2E-SANDBOX-SECRET");
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it("bwrap missing: one warning, and the command asks (denied in print mode) instead of running", async () => {
    const { emulator: em, home } = await setup([
      { turn: 1, reply: { content: [tool("Bash", { command: "echo ran > ran.txt" })] } },
      { turn: 2, reply: { content: [text("done")] } },
    ]);
    const repo = makeRepo();
    const run = await runCli(["-p", "go"], {
      cwd: repo,
      emulator: em,
      home,
      env: { QUARRY_SANDBOX: "on", QUARRY_BWRAP: "/nonexistent/bwrap" },
    });
    expect(run.code).toBe(0);
    const warnings = run.stderr.split("\n").filter((l) => l.includes("sandbox"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("cannot start: bubblewrap (/nonexistent/bwrap) was not found");
    expect(existsSync(join(repo, "ran.txt"))).toBe(false);
  });

  it("a bad sandbox value stops before any model call, saying what to write", async () => {
    const { emulator: em, home } = await setup([{ turn: 1, reply: { content: [text("hi")] } }]);
    const run = await runCli(["-p", "hi"], {
      cwd: makeRepo(),
      emulator: em,
      home,
      env: { QUARRY_SANDBOX: "maybe" },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('sandbox must be one of off, on, ask (got "maybe" from env QUARRY_SANDBOX)');
    expect(em.log.filter((e) => e.operation === "invoke-with-response-stream")).toHaveLength(0);
  });
});
