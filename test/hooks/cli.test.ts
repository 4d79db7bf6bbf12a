import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/index.js";
import { mainTurns, makeRepo, runCli, scriptedWorld, startWorld } from "../e2e/harness.js";

// The built CLI against the emulator: a repo's .claude/settings.json hooks, as a Claude Code team writes them.

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const bash = (command: string) => ({
  type: "tool_use" as const,
  id: "toolu_bash_1",
  name: "Bash",
  input: { command },
});

/** Turn 1 runs `command` with Bash; turn 2 ends. */
const runsBash = (command: string) =>
  scriptedWorld([
    { turn: 1, reply: { content: [bash(command)] } },
    { turn: 2, reply: { content: [{ type: "text", text: "done" }] } },
  ]);

function repoWithHooks(hooks: unknown): string {
  const repo = makeRepo({ "README.md": "hello\n" });
  mkdirSync(join(repo, ".claude"));
  writeFileSync(join(repo, ".claude", "settings.json"), JSON.stringify({ hooks }));
  return repo;
}

/** The tool_result Quarry sent back for the Bash call in the second model request. */
function bashResult(em: RunningEmulator): { content: string; is_error?: boolean } {
  const body = mainTurns(em)[1]?.body as { messages: { content: unknown }[] };
  const blocks = body.messages.at(-1)?.content as { type: string; tool_use_id?: string }[];
  return blocks.find((b) => b.type === "tool_result" && b.tool_use_id === "toolu_bash_1") as never;
}

const blockRm = {
  PreToolUse: [
    {
      matcher: "Bash",
      hooks: [
        {
          type: "command",
          command: "grep -q 'rm ' && { echo 'rm is not allowed here' >&2; exit 2; } || exit 0",
        },
      ],
    },
  ],
};

describe("project hooks through the CLI", () => {
  it("a PreToolUse hook exiting 2 blocks an allowed Bash call; the model sees Claude Code's error text", async () => {
    const started = await startWorld(runsBash("rm README.md && touch ran.txt"));
    emulator = started.emulator;
    const repo = repoWithHooks(blockRm);
    const run = await runCli(["-p", "clean up", "--trust-project", "--allowedTools", "Bash"], {
      cwd: repo,
      emulator,
      home: started.home,
    });
    expect(run.code).toBe(0);
    expect(existsSync(join(repo, "README.md"))).toBe(true);
    expect(existsSync(join(repo, "ran.txt"))).toBe(false);
    const result = bashResult(emulator);
    expect(result.is_error).toBe(true);
    expect(result.content).toBe(
      `PreToolUse:Bash hook error: [${blockRm.PreToolUse[0]?.hooks[0]?.command}]: rm is not allowed here`,
    );
  });

  it("in an untrusted folder the project's hooks never run, with one line saying how to trust", async () => {
    const started = await startWorld(runsBash("echo hi"));
    emulator = started.emulator;
    const repo = repoWithHooks({
      PreToolUse: [{ matcher: "*", hooks: [{ type: "command", command: "touch hook-ran" }] }],
      UserPromptSubmit: [{ hooks: [{ type: "command", command: "touch prompt-hook-ran" }] }],
    });
    const run = await runCli(["-p", "say hi"], { cwd: repo, emulator, home: started.home });
    expect(run.code).toBe(0);
    expect(existsSync(join(repo, "hook-ran"))).toBe(false);
    expect(existsSync(join(repo, "prompt-hook-ran"))).toBe(false);
    const lines = run.stderr.split("\n").filter((l) => l.includes('ignored "hooks"'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(".claude/settings.json");
    expect(lines[0]).toContain("quarry trust");
    expect(lines[0]).toContain("--trust-project");

    const trusted = await runCli(["-p", "say hi", "--trust-project"], {
      cwd: repo,
      emulator,
      home: started.home,
    });
    expect(trusted.code).toBe(0);
    expect(existsSync(join(repo, "hook-ran"))).toBe(true);
    expect(existsSync(join(repo, "prompt-hook-ran"))).toBe(true);
    expect(trusted.stderr).not.toContain('ignored "hooks"');
  });

  it("a hook's allow skips the question print mode cannot ask; updatedInput changes the command", async () => {
    const started = await startWorld(runsBash("touch original.txt"));
    emulator = started.emulator;
    const answer = JSON.stringify({
      hookSpecificOutput: {
        hookEventName: "PreToolUse",
        permissionDecision: "allow",
        updatedInput: { command: "touch rewritten.txt" },
      },
    });
    const repo = repoWithHooks({
      PreToolUse: [{ matcher: "Bash", hooks: [{ type: "command", command: `echo '${answer}'` }] }],
    });
    // No --allowedTools: without the hook, print mode would deny this Bash call.
    const run = await runCli(["-p", "make a file", "--trust-project"], {
      cwd: repo,
      emulator,
      home: started.home,
    });
    expect(run.code).toBe(0);
    expect(existsSync(join(repo, "rewritten.txt"))).toBe(true);
    expect(existsSync(join(repo, "original.txt"))).toBe(false);
    expect(bashResult(emulator).is_error).toBeFalsy();
  });

  it("a JSON deny blocks; PostToolUse fires exactly once per call with tool_response", async () => {
    const started = await startWorld(
      scriptedWorld([
        {
          turn: 1,
          reply: {
            content: [
              bash("touch denied.txt"),
              {
                type: "tool_use",
                id: "toolu_write_1",
                name: "Write",
                input: { file_path: "notes.txt", content: "hi\n" },
              },
            ],
          },
        },
        { turn: 2, reply: { content: [{ type: "text", text: "done" }] } },
      ]),
    );
    emulator = started.emulator;
    const deny = JSON.stringify({
      hookSpecificOutput: { permissionDecision: "deny", permissionDecisionReason: "no shell today" },
    });
    const repo = repoWithHooks({
      PreToolUse: [{ matcher: "Bash", hooks: [{ type: "command", command: `echo '${deny}'` }] }],
      PostToolUse: [
        {
          matcher: "Write|Bash",
          hooks: [{ type: "command", command: "cat >> post-log.jsonl; echo >> post-log.jsonl" }],
        },
      ],
    });
    const run = await runCli(["-p", "go", "--trust-project", "--allowedTools", "Bash,Write"], {
      cwd: repo,
      emulator,
      home: started.home,
    });
    expect(run.code).toBe(0);
    expect(existsSync(join(repo, "denied.txt"))).toBe(false);
    expect(bashResult(emulator).content).toContain("no shell today");
    expect(readFileSync(join(repo, "notes.txt"), "utf8")).toBe("hi\n");
    const posts = readFileSync(join(repo, "post-log.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    // The denied Bash call never ran, so only the Write has a PostToolUse.
    expect(posts).toHaveLength(1);
    expect(posts[0].tool_name).toBe("Write");
    expect(posts[0].tool_use_id).toBe("toolu_write_1");
    expect(posts[0].tool_response).toBeDefined();
    expect(typeof posts[0].duration_ms).toBe("number");
  });
});
