import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/index.js";
import { CommandHookRunner, parseHooks } from "../../src/hooks/index.js";
import { createLsTool } from "../../src/tools/ls.js";
import { makeRepo, runCli, scriptedWorld, startWorld } from "../e2e/harness.js";
import { testPipeline } from "../support/pipeline.js";

// Real /bin/sh hooks; what they wrote to disk is what is asserted.

function runnerFor(hooks: Record<string, unknown>) {
  const dir = mkdtempSync(join(tmpdir(), "quarry-hooks-"));
  const warnings: string[] = [];
  const runner = new CommandHookRunner({
    hooks: parseHooks(hooks, "test settings", warnings),
    projectDir: dir,
    env: { PATH: process.env.PATH },
    permissionMode: () => "default",
    transcriptPath: () => join(dir, "transcript.jsonl"),
    warn: (m) => warnings.push(m),
  });
  return { dir, runner, warnings };
}
const cmd = (command: string) => ({ type: "command", command });
const readJson = (path: string) => JSON.parse(readFileSync(path, "utf8"));

describe("PreCompact hooks", () => {
  it("get trigger and custom_instructions; the matcher picks manual or auto", async () => {
    const { dir, runner } = runnerFor({
      PreCompact: [
        { matcher: "manual", hooks: [cmd("cat > manual.json")] },
        { matcher: "auto", hooks: [cmd("cat > auto.json")] },
      ],
    });
    await runner.preCompact({ sessionId: "s1", trigger: "manual", customInstructions: "" });
    expect(readJson(join(dir, "manual.json"))).toEqual({
      session_id: "s1",
      transcript_path: join(dir, "transcript.jsonl"),
      cwd: dir,
      permission_mode: "default",
      hook_event_name: "PreCompact",
      trigger: "manual",
      custom_instructions: "",
    });
    expect(existsSync(join(dir, "auto.json"))).toBe(false);
  });
});

describe("Notification hooks", () => {
  const asks = () => ({
    behavior: "ask" as const,
    reason: "needs approval",
    ask: { summary: "list", suggestedRules: [], acceptEditsWouldAllow: false },
  });

  it("fire when a permission question is shown, with Claude Code's fields", async () => {
    const { dir, runner } = runnerFor({
      Notification: [{ matcher: "permission_prompt", hooks: [cmd("cat > note.json")] }],
    });
    let asked = 0;
    const pipeline = testPipeline([createLsTool({ cwd: dir })], {
      cwd: dir,
      hooks: runner,
      decide: asks,
      ask: async () => {
        asked++;
        return { behavior: "allow", reason: "ok" };
      },
    });
    const run = pipeline.run(
      { type: "tool_use", id: "t1", name: "LS", input: { path: dir } },
      new AbortController().signal,
    );
    for (let r = await run.next(); !r.done; r = await run.next()) {}
    expect(asked).toBe(1);
    expect(readJson(join(dir, "note.json"))).toMatchObject({
      session_id: "test-session",
      hook_event_name: "Notification",
      message: "Quarry needs your permission to use LS",
      notification_type: "permission_prompt",
    });
  });

  it("do not fire when nobody is asked (print mode denies on its own)", async () => {
    const { dir, runner } = runnerFor({ Notification: [{ hooks: [cmd("touch notified")] }] });
    const pipeline = testPipeline([createLsTool({ cwd: dir })], { cwd: dir, hooks: runner, decide: asks });
    const run = pipeline.run(
      { type: "tool_use", id: "t1", name: "LS", input: { path: dir } },
      new AbortController().signal,
    );
    let last: Awaited<ReturnType<typeof run.next>>;
    do last = await run.next();
    while (!last.done);
    expect(last.value.block.is_error).toBe(true);
    expect(existsSync(join(dir, "notified"))).toBe(false);
  });
});

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

describe("PreCompact through the CLI", () => {
  it("an automatic compaction runs the project's PreCompact hook with trigger auto first", async () => {
    const started = await startWorld(scriptedWorld([]));
    emulator = started.emulator;
    const repo = makeRepo({
      // A tiny window so the second prompt no longer fits and compaction runs.
      ".quarry/settings.json": JSON.stringify({
        catalogOverrides: { "anthropic.claude-sonnet-4-6": { contextWindow: 1000 } },
      }),
    });
    mkdirSync(join(repo, ".claude"), { recursive: true });
    writeFileSync(
      join(repo, ".claude", "settings.json"),
      JSON.stringify({
        hooks: { PreCompact: [{ matcher: "auto", hooks: [cmd("cat > pre-compact.json")] }] },
      }),
    );
    const opts = { cwd: repo, emulator, home: started.home };
    expect((await runCli(["-p", `first: ${"context ".repeat(150)}`, "--trust-project"], opts)).code).toBe(0);
    expect(existsSync(join(repo, "pre-compact.json"))).toBe(false);
    const second = await runCli(
      ["-p", `second: ${"more ".repeat(200)}`, "--continue", "--trust-project"],
      opts,
    );
    expect(second.code).toBe(0);
    expect(readJson(join(repo, "pre-compact.json"))).toMatchObject({
      hook_event_name: "PreCompact",
      trigger: "auto",
    });
  });
});
