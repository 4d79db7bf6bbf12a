import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/index.js";
import { makeRepo, runCli, scriptedWorld, startWorld, text, tool } from "../e2e/harness.js";

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

/** The model runs `touch made.txt` and writes the user's Claude settings, then ends. */
function world(home: () => string) {
  return scriptedWorld([
    {
      turn: 1,
      reply: {
        content: [
          tool("Bash", { command: "touch made.txt" }, "toolu_bash"),
          tool(
            "Write",
            { file_path: join(home(), ".claude", "settings.json"), content: "{}" },
            "toolu_write",
          ),
        ],
      },
    },
    { turn: 2, reply: { content: [text("Done.")] } },
  ]);
}

function repoWithCommand(): string {
  const repo = makeRepo();
  mkdirSync(join(repo, ".claude", "commands"), { recursive: true });
  writeFileSync(
    join(repo, ".claude", "commands", "make.md"),
    "---\nallowed-tools: Bash(touch made.txt), Write(~/.claude/settings.json)\n---\nMake the file.\n",
  );
  return repo;
}

describe("a command's allowed-tools", () => {
  it("lets that run use the tools without asking, but never past a protected path", async () => {
    let home = "";
    const started = await startWorld(world(() => home));
    home = started.home;
    emulator = started.emulator;
    const repo = repoWithCommand();
    const run = await runCli(["-p", "/make", "--trust-project"], { cwd: repo, emulator, home });
    expect(run.code).toBe(0);
    expect(existsSync(join(repo, "made.txt"))).toBe(true);
    expect(existsSync(join(home, ".claude", "settings.json"))).toBe(false);
  });

  it("grants nothing to a plain prompt", async () => {
    let home = "";
    const started = await startWorld(world(() => home));
    home = started.home;
    emulator = started.emulator;
    const repo = repoWithCommand();
    const plain = await runCli(["-p", "make the file", "--trust-project"], { cwd: repo, emulator, home });
    expect(plain.code).toBe(0);
    expect(existsSync(join(repo, "made.txt"))).toBe(false);
  });

  it("an untrusted project's command grants nothing, with a warning", async () => {
    let home = "";
    const started = await startWorld(world(() => home));
    home = started.home;
    emulator = started.emulator;
    const repo = repoWithCommand();
    const untrusted = await runCli(["-p", "/make"], { cwd: repo, emulator, home });
    expect(untrusted.code).toBe(0);
    expect(untrusted.stderr).toContain(
      "ignored allowed-tools (Bash(touch made.txt), Write(~/.claude/settings.json))",
    );
    expect(untrusted.stderr).toContain("quarry trust");
    expect(existsSync(join(repo, "made.txt"))).toBe(false);
  });
});
