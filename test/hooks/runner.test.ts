import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CommandHookRunner, type ConfiguredHook, compileMatcher, parseHooks } from "../../src/hooks/index.js";

// Real /bin/sh processes: each hook's effect (a file it writes, what it printed) is what is asserted.

function runnerFor(hooks: Record<string, unknown>, warnings: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), "quarry-hooks-"));
  const parsed: ConfiguredHook[] = parseHooks(hooks, "test settings", warnings);
  const runner = new CommandHookRunner({
    hooks: parsed,
    projectDir: dir,
    env: { PATH: process.env.PATH },
    permissionMode: () => "default",
    transcriptPath: () => join(dir, "transcript.jsonl"),
    warn: (m) => warnings.push(m),
  });
  return { dir, runner, warnings };
}

const pre = (tool: string, input: unknown = { command: "ls" }) => ({
  sessionId: "sess-1",
  callId: "toolu_1",
  tool,
  input,
});
const cmd = (command: string, extra: Record<string, unknown> = {}) => ({
  type: "command",
  command,
  ...extra,
});

describe("PreToolUse command hooks", () => {
  it("get Claude Code's event JSON on stdin, run in the project dir with its env", async () => {
    const { dir, runner } = runnerFor({
      PreToolUse: [{ matcher: "Bash", hooks: [cmd("cat > stdin.json; env > env.txt; pwd > pwd.txt")] }],
    });
    expect(await runner.preToolUse(pre("Bash", { command: "echo hi" }))).toEqual({});
    const input = JSON.parse(readFileSync(join(dir, "stdin.json"), "utf8"));
    expect(input).toEqual({
      session_id: "sess-1",
      transcript_path: join(dir, "transcript.jsonl"),
      cwd: dir,
      permission_mode: "default",
      hook_event_name: "PreToolUse",
      tool_name: "Bash",
      tool_input: { command: "echo hi" },
      tool_use_id: "toolu_1",
    });
    const env = readFileSync(join(dir, "env.txt"), "utf8");
    expect(env).toContain(`CLAUDE_PROJECT_DIR=${dir}\n`);
    expect(env).toContain("CLAUDECODE=1\n");
    expect(env).toContain("CLAUDE_CODE_SESSION_ID=sess-1\n");
    expect(readFileSync(join(dir, "pwd.txt"), "utf8").trim()).toBe(dir);
  });

  it("exit 2 denies with Claude Code's error text", async () => {
    const { runner } = runnerFor({
      PreToolUse: [{ matcher: "Bash", hooks: [cmd("echo 'no rm here' >&2; exit 2")] }],
    });
    expect(await runner.preToolUse(pre("Bash"))).toEqual({
      decision: "deny",
      reason: "no rm here",
      message: "PreToolUse:Bash hook error: [echo 'no rm here' >&2; exit 2]: no rm here",
    });
  });

  it("other exit codes only warn, and the call goes on", async () => {
    const { runner, warnings } = runnerFor({ PreToolUse: [{ hooks: [cmd("echo broken >&2; exit 1")] }] });
    expect(await runner.preToolUse(pre("Read"))).toEqual({});
    expect(warnings.join("\n")).toMatch(/failed with exit code 1: broken/);
  });

  it("honours JSON decisions: deny, allow, ask, updatedInput and the older decision field", async () => {
    const json = (o: unknown) => cmd(`echo '${JSON.stringify(o)}'`);
    const deny = runnerFor({
      PreToolUse: [
        {
          hooks: [
            json({ hookSpecificOutput: { permissionDecision: "deny", permissionDecisionReason: "nope" } }),
          ],
        },
      ],
    });
    expect(await deny.runner.preToolUse(pre("Bash"))).toEqual({ decision: "deny", reason: "nope" });

    const allow = runnerFor({
      PreToolUse: [
        {
          hooks: [
            json({
              hookSpecificOutput: { permissionDecision: "allow", updatedInput: { command: "echo changed" } },
            }),
          ],
        },
      ],
    });
    expect(await allow.runner.preToolUse(pre("Bash"))).toEqual({
      decision: "allow",
      updatedInput: { command: "echo changed" },
    });

    const older = runnerFor({ PreToolUse: [{ hooks: [json({ decision: "block", reason: "old style" })] }] });
    expect(await older.runner.preToolUse(pre("Bash"))).toEqual({ decision: "deny", reason: "old style" });

    const stop = runnerFor({ PreToolUse: [{ hooks: [json({ continue: false, stopReason: "halt" })] }] });
    expect(await stop.runner.preToolUse(pre("Bash"))).toEqual({ decision: "deny", reason: "halt" });

    // ask beats allow when two hooks disagree
    const mixed = runnerFor({
      PreToolUse: [
        { hooks: [json({ hookSpecificOutput: { permissionDecision: "ask" } })] },
        { hooks: [json({ hookSpecificOutput: { permissionDecision: "allow" } })] },
      ],
    });
    expect((await mixed.runner.preToolUse(pre("Bash"))).decision).toBe("ask");
  });

  it("runs only hooks whose matcher accepts the tool", async () => {
    const { dir, runner } = runnerFor({
      PreToolUse: [
        { matcher: "Edit|Write", hooks: [cmd("touch edit-hook")] },
        { matcher: "mcp__memory__.*", hooks: [cmd("touch mcp-hook")] },
        { matcher: "*", hooks: [cmd("touch star-hook")] },
      ],
    });
    await runner.preToolUse(pre("mcp__memory__store"));
    expect(existsSync(join(dir, "mcp-hook"))).toBe(true);
    expect(existsSync(join(dir, "star-hook"))).toBe(true);
    expect(existsSync(join(dir, "edit-hook"))).toBe(false);
  });

  it("runs the hooks of one event in parallel", async () => {
    const { runner } = runnerFor({
      PreToolUse: [{ hooks: [cmd("sleep 0.4"), cmd("sleep 0.4"), cmd("sleep 0.4")] }],
    });
    const started = Date.now();
    await runner.preToolUse(pre("Bash"));
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("kills a hook that outlives its timeout, with everything it started", async () => {
    const { dir, runner, warnings } = runnerFor({
      PreToolUse: [{ hooks: [cmd("(sleep 0.8; touch late-marker) & sleep 30", { timeout: 0.3 })] }],
    });
    const started = Date.now();
    expect(await runner.preToolUse(pre("Bash"))).toEqual({});
    expect(Date.now() - started).toBeLessThan(2000);
    expect(warnings.join("\n")).toMatch(/timed out after 0.3s and was killed/);
    await new Promise((r) => setTimeout(r, 1000));
    expect(existsSync(join(dir, "late-marker"))).toBe(false);
  });
});

describe("PostToolUse and prompt hooks", () => {
  it("PostToolUse gets tool_response and duration_ms; exit 2 reaches the model as context", async () => {
    const { dir, runner } = runnerFor({
      PostToolUse: [{ matcher: "Write", hooks: [cmd("cat > post.json; echo 'lint failed' >&2; exit 2")] }],
    });
    const out = await runner.postToolUse({
      ...pre("Write", { file_path: "a.txt", content: "x" }),
      result: { content: "Wrote a.txt" },
      durationMs: 12,
    });
    const input = JSON.parse(readFileSync(join(dir, "post.json"), "utf8"));
    expect(input.hook_event_name).toBe("PostToolUse");
    expect(input.tool_response).toEqual({ content: "Wrote a.txt", is_error: false });
    expect(input.duration_ms).toBe(12);
    expect(out.additionalContext).toContain("lint failed");
  });

  it("UserPromptSubmit: plain stdout becomes context, exit 2 blocks the prompt", async () => {
    const ok = runnerFor({ UserPromptSubmit: [{ hooks: [cmd("echo 'today is Tuesday'")] }] });
    expect(await ok.runner.userPromptSubmit({ sessionId: "s", prompt: "hi" })).toEqual({
      additionalContext: "today is Tuesday",
    });
    const no = runnerFor({ UserPromptSubmit: [{ hooks: [cmd("echo 'no secrets' >&2; exit 2")] }] });
    expect((await no.runner.userPromptSubmit({ sessionId: "s", prompt: "hi" })).block).toContain(
      "no secrets",
    );
  });
});

describe("reading hooks settings", () => {
  it("skips malformed entries with a warning naming them, keeps the rest", () => {
    const warnings: string[] = [];
    const hooks = parseHooks(
      {
        PreToolUse: [{ matcher: "Bash", hooks: [{ type: "command" }, cmd("true", { timeout: 5 })] }],
        PreToolUser: [],
      },
      "s.json",
      warnings,
    );
    expect(hooks).toEqual([
      { event: "PreToolUse", matcher: "Bash", command: "true", timeoutSeconds: 5, source: "s.json" },
    ]);
    expect(warnings.join("\n")).toContain('"hooks.PreToolUse[0].hooks[0]"');
    expect(warnings.join("\n")).toContain('unknown hook event "PreToolUser"');
  });

  it("matchers: names exactly, regexes whole, empty and * for all, invalid regex refused", () => {
    expect(compileMatcher("Bash")?.("BashOutput")).toBe(false);
    expect(compileMatcher("Notebook.*")?.("NotebookEdit")).toBe(true);
    expect(compileMatcher("")?.("Anything")).toBe(true);
    expect(compileMatcher("*")?.("Anything")).toBe(true);
    expect(compileMatcher("(")).toBeUndefined();
  });
});

describe("/hooks report", () => {
  it("lists each hook under its event with matcher, command and source, and what was left out", async () => {
    const { hooksReport } = await import("../../src/hooks/report.js");
    const text = hooksReport({
      hooks: [
        {
          event: "PreToolUse",
          matcher: "Bash",
          command: "./block-rm.sh",
          timeoutSeconds: 60,
          source: ".claude/settings.json",
        },
        {
          event: "PostToolUse",
          matcher: "",
          command: "./log.sh",
          timeoutSeconds: 5,
          source: "~/.claude/settings.json",
        },
      ],
      warnings: ["/repo/.claude/settings.json: hooks ignored; /repo is not trusted"],
      projectTrusted: false,
    });
    expect(text.split("\n")).toEqual([
      "Hooks in force (2):",
      "  PreToolUse",
      "    [Bash] ./block-rm.sh  (.claude/settings.json, 60 s)",
      "  PostToolUse",
      "    [*] ./log.sh  (~/.claude/settings.json, 5 s)",
      "Left out: /repo/.claude/settings.json: hooks ignored; /repo is not trusted",
    ]);
    expect(hooksReport({ hooks: [], warnings: [], projectTrusted: true })).toBe("No hooks are active.");
  });
});
