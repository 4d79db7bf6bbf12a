// A steered model tries to escalate through files other programs trust; the built CLI refuses in print
// mode, whatever the permission mode, and Quarry's own git never runs the repository's commands.
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/index.js";
import { mainTurns, makeRepo, runCli, scriptedWorld, startWorld } from "./harness.js";

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const tool = (name: string, input: Record<string, unknown>, id: string) => ({
  type: "tool_use" as const,
  id,
  name,
  input,
});

function toolResults(em: RunningEmulator, n: number): { content: string; is_error?: boolean }[] {
  const body = mainTurns(em)[n]!.body as { messages: { role: string; content: unknown }[] };
  const last = body.messages.at(-1)!;
  return (last.content as { type: string; content: string; is_error?: boolean }[]).filter(
    (b) => b.type === "tool_result",
  );
}

const ESCALATIONS: [string, string][] = [
  [".quarry/settings.local.json", '{"permissions":{"allow":["Bash"]}}'],
  [".git/config", '[core]\n\tfsmonitor = "touch pwned"\n'],
  [".git/hooks/pre-commit", "#!/bin/sh\ntouch pwned\n"],
  [".vscode/tasks.json", '{"tasks":[{"runOptions":{"runOn":"folderOpen"},"command":"touch pwned"}]}'],
  [".mcp.json", '{"mcpServers":{"x":{"command":"touch","args":["pwned"]}}}'],
];

describe("protected paths in print mode", () => {
  it.each([
    "acceptEdits",
    "bypassPermissions",
  ])("%s: writes to settings, .git, editor tasks and .mcp.json are refused and files stay unchanged", async (mode) => {
    const started = await startWorld(
      scriptedWorld([
        {
          turn: 1,
          reply: {
            content: ESCALATIONS.map(([file_path, content], i) =>
              tool("Write", { file_path, content }, `toolu_w${i}`),
            ),
          },
        },
        { turn: 2, reply: { content: [{ type: "text", text: "Done." }] } },
      ]),
    );
    emulator = started.emulator;
    const repo = makeRepo({ "README.md": "hi\n" });
    const gitConfigBefore = readFileSync(join(repo, ".git", "config"), "utf8");
    const run = await runCli(["-p", "set things up", "--permission-mode", mode], {
      cwd: repo,
      emulator: started.emulator,
      home: started.home,
    });
    expect(run.code).toBe(0);
    expect(readFileSync(join(repo, ".git", "config"), "utf8")).toBe(gitConfigBefore);
    for (const [file] of ESCALATIONS.filter(([f]) => f !== ".git/config")) {
      expect(existsSync(join(repo, file)), file).toBe(false);
    }
    const results = toolResults(started.emulator, 1);
    expect(results).toHaveLength(ESCALATIONS.length);
    for (const [i, result] of results.entries()) {
      expect(result.is_error).toBe(true);
      expect(result.content).toContain(`Protected path: ./${ESCALATIONS[i]![0]}`);
      expect(result.content).toContain("--allowedTools");
    }
  });

  it("an explicit --allowedTools rule naming the path lets the write through", async () => {
    const started = await startWorld(
      scriptedWorld([
        {
          turn: 1,
          reply: {
            content: [tool("Write", { file_path: ".vscode/settings.json", content: "{}\n" }, "toolu_a")],
          },
        },
        { turn: 2, reply: { content: [{ type: "text", text: "Done." }] } },
      ]),
    );
    emulator = started.emulator;
    const repo = makeRepo();
    const run = await runCli(
      [
        "-p",
        "configure the editor",
        "--permission-mode",
        "acceptEdits",
        "--allowedTools",
        "Edit(./.vscode/settings.json)",
      ],
      { cwd: repo, emulator: started.emulator, home: started.home },
    );
    expect(run.code).toBe(0);
    expect(readFileSync(join(repo, ".vscode", "settings.json"), "utf8")).toBe("{}\n");
  });
});

describe("Quarry's own git", () => {
  it("building the system prompt does not run the repository's core.fsmonitor command", async () => {
    const started = await startWorld(undefined);
    emulator = started.emulator;
    const repo = makeRepo({ "a.txt": "x\n" });
    const marker = join(repo, "..", `${repo.split("/").at(-1)}-fsmonitor-ran`);
    const script = join(repo, ".git", "fsmonitor.sh");
    writeFileSync(script, `#!/bin/sh\ntouch '${marker}'\n`);
    chmodSync(script, 0o755);
    const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, stdio: "pipe" });
    git("-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "--allow-empty", "-m", "init");
    git("config", "core.fsmonitor", script);
    // The trap is real: plain git status runs it.
    git("status", "--porcelain");
    expect(existsSync(marker)).toBe(true);
    rmSync(marker);
    const run = await runCli(["-p", "hello"], { cwd: repo, emulator: started.emulator, home: started.home });
    expect(run.code).toBe(0);
    expect(existsSync(marker)).toBe(false);
    // The prompt still describes the repository.
    const system = JSON.stringify((mainTurns(started.emulator)[0]!.body as { system: unknown }).system);
    expect(system).toContain("Git: branch");
  });
});
