import { spawn } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { emulatorClientEnv, type RunningEmulator } from "../../emulator/index.js";
import { ClaudeMessage, ResultLine } from "../../src/headless/schema.js";
import { mainTurns, makeRepo, runCli, scriptedWorld, startWorld, text, tool } from "../e2e/harness.js";
import { BIN } from "../support/run-cli.js";

// The built CLI's headless protocol, line by line, against what a Claude Code stream-json consumer expects
// (docs/headless.md).

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function setup(rules: Parameters<typeof scriptedWorld>[0] = []) {
  const started = await startWorld(scriptedWorld(rules));
  emulator = started.emulator;
  return { em: started.emulator, home: started.home, repo: makeRepo({ "a.txt": "alpha\n" }) };
}

const SDK_LINE_TYPES = new Set([
  "system",
  "assistant",
  "user",
  "result",
  "stream_event",
  "tool_progress",
  "auth_status",
  "tool_use_summary",
  "rate_limit_event",
  "prompt_suggestion",
  "conversation_reset",
]);

/** Parses stdout and checks every line against the schema and the consumer's rules. */
function lines(stdout: string): Record<string, unknown>[] {
  const parsed = stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  for (const line of parsed) {
    const check = ClaudeMessage.safeParse(line);
    expect(check.success, `${JSON.stringify(line)}\n${check.error?.message}`).toBe(true);
    expect(SDK_LINE_TYPES.has(String(line.type))).toBe(true);
  }
  return parsed;
}

describe("-p --output-format stream-json --verbose", () => {
  it("writes init, assistant lines per block, tool results and the result, all valid, one session id", async () => {
    const { em, home, repo } = await setup([
      {
        turn: 1,
        reply: { content: [text("Reading."), tool("Read", { file_path: "a.txt" }, "toolu_r")] },
      },
      { turn: 2, reply: { content: [text("It says alpha.")] } },
    ]);
    const run = await runCli(["-p", "read a.txt", "--output-format=stream-json", "--verbose"], {
      cwd: repo,
      emulator: em,
      home,
    });
    expect(run.code).toBe(0);
    const out = lines(run.stdout);
    expect(out.map((l) => (l.type === "system" ? `system/${l.subtype}` : l.type))).toEqual([
      "system/init",
      "assistant",
      "assistant",
      "user",
      "assistant",
      "result",
    ]);
    expect(new Set(out.map((l) => l.session_id)).size).toBe(1);
    expect(out[0]).toMatchObject({ cwd: repo, tools: expect.arrayContaining(["Read", "Bash", "Edit"]) });
    const [a1, a2] = [out[1], out[2]] as { message: { id: string; content: { type: string }[] } }[];
    expect(a1!.message.id).toBe(a2!.message.id);
    expect(a2!.message.content[0]!.type).toBe("tool_use");
    expect(out[3]).toMatchObject({
      message: { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_r" }] },
      parent_tool_use_id: null,
    });
    expect(JSON.stringify(out[3])).toContain("alpha");
    const result = ResultLine.parse(out.at(-1));
    expect(result).toMatchObject({ subtype: "success", result: "It says alpha.", num_turns: 2 });
    const model = Object.keys(result.modelUsage)[0]!;
    expect(model).toContain("sonnet");
    expect(result.modelUsage[model]!.outputTokens).toBe(result.usage.output_tokens);
  });

  it("--include-partial-messages adds stream events that spell the reply", async () => {
    const { em, home, repo } = await setup([{ turn: 1, reply: { content: [text("Hello there, friend.")] } }]);
    const run = await runCli(
      ["-p", "hi", "--output-format", "stream-json", "--verbose", "--include-partial-messages"],
      { cwd: repo, emulator: em, home },
    );
    expect(run.code).toBe(0);
    const events = lines(run.stdout)
      .filter((l) => l.type === "stream_event")
      .map((l) => l.event as { type: string; delta?: { text?: string } });
    expect(events[0]!.type).toBe("message_start");
    expect(events.at(-1)!.type).toBe("message_stop");
    const spelled = events.map((e) => e.delta?.text ?? "").join("");
    expect(spelled).toBe("Hello there, friend.");
  });

  it("without --verbose it fails as Claude Code does", async () => {
    const { em, home, repo } = await setup();
    const run = await runCli(["-p", "hi", "--output-format", "stream-json"], {
      cwd: repo,
      emulator: em,
      home,
    });
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(
      "Error: When using --print, --output-format=stream-json requires --verbose",
    );
    expect(mainTurns(em)).toHaveLength(0);
  });
});

describe("-p --output-format json", () => {
  it("max turns: error_max_turns with errors and exit 1; the allowed turn's tools still ran", async () => {
    const { em, home, repo } = await setup([
      { turn: 1, reply: { content: [tool("Write", { file_path: "b.txt", content: "b" }, "toolu_w")] } },
    ]);
    const run = await runCli(
      ["-p", "go", "--output-format=json", "--max-turns=1", "--permission-mode=acceptEdits"],
      {
        cwd: repo,
        emulator: em,
        home,
      },
    );
    expect(run.code).toBe(1);
    const out = lines(run.stdout);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ subtype: "error_max_turns", is_error: true, num_turns: 1 });
    expect((out[0]!.errors as string[]).length).toBeGreaterThan(0);
    expect(mainTurns(em)).toHaveLength(1);
  });

  it("a denial in print mode: listed in permission_denials and on stderr with the rule that allows it; exit 0", async () => {
    const { em, home, repo } = await setup([
      { turn: 1, reply: { content: [tool("Bash", { command: "npm test" }, "toolu_b")] } },
      { turn: 2, reply: { content: [text("Could not test.")] } },
    ]);
    const run = await runCli(["-p", "test it", "--output-format", "json"], { cwd: repo, emulator: em, home });
    expect(run.code).toBe(0);
    const [result] = lines(run.stdout);
    expect(result).toMatchObject({
      subtype: "success",
      permission_denials: [
        { tool_name: "Bash", tool_use_id: "toolu_b", tool_input: { command: "npm test" } },
      ],
    });
    expect(run.stderr).toContain("quarry: denied:");
    expect(run.stderr).toContain('--allowedTools "Bash(npm test)"');
    expect(run.stderr).toContain("1 tool call was denied");
  });

  it("text mode lists denials on stderr too", async () => {
    const { em, home, repo } = await setup([
      { turn: 1, reply: { content: [tool("Bash", { command: "npm test" }, "toolu_b")] } },
      { turn: 2, reply: { content: [text("Could not test.")] } },
    ]);
    const run = await runCli(["-p", "test it"], { cwd: repo, emulator: em, home });
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe("Could not test.");
    expect(run.stderr).toContain('--allowedTools "Bash(npm test)"');
  });
});

/** Runs the CLI with stream-json input, writing stdin lines as the test decides; returns output lines. */
function interactiveCli(args: string[], o: { cwd: string; env: NodeJS.ProcessEnv }) {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: o.cwd,
    env: o.env,
    stdio: ["pipe", "pipe", "pipe"],
  });
  const received: Record<string, unknown>[] = [];
  const waiters: {
    match: (l: Record<string, unknown>) => boolean;
    resolve: (l: Record<string, unknown>) => void;
  }[] = [];
  let buffer = "";
  let stderr = "";
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  child.stdout.on("data", (d) => {
    buffer += d;
    for (let i = buffer.indexOf("\n"); i >= 0; i = buffer.indexOf("\n")) {
      const line = JSON.parse(buffer.slice(0, i)) as Record<string, unknown>;
      buffer = buffer.slice(i + 1);
      received.push(line);
      for (const w of [...waiters]) {
        if (w.match(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  });
  const exit = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  return {
    received,
    exit,
    stderr: () => stderr,
    send: (m: unknown) => child.stdin.write(`${JSON.stringify(m)}\n`),
    end: () => child.stdin.end(),
    next: (match: (l: Record<string, unknown>) => boolean) =>
      new Promise<Record<string, unknown>>((resolve) => {
        const seen = received.find(match);
        if (seen) resolve(seen);
        else waiters.push({ match, resolve });
      }),
  };
}

describe("--input-format stream-json and the control protocol", () => {
  it("one result per user message, history carried over, control requests answered, exit 0 after EOF", async () => {
    const { em, home, repo } = await setup([
      { turn: 1, reply: { content: [text("first answer")] } },
      { turn: 2, reply: { content: [text("second answer")] } },
    ]);
    const cli = interactiveCli(
      ["-p", "--input-format=stream-json", "--output-format=stream-json", "--verbose"],
      {
        cwd: repo,
        env: emulatorClientEnv(em.url, home),
      },
    );
    cli.send({ type: "control_request", request_id: "r1", request: { subtype: "initialize" } });
    cli.send({ type: "control_request", request_id: "r2", request: { subtype: "rewind_files" } });
    cli.send({
      type: "control_request",
      request_id: "r3",
      request: { subtype: "set_permission_mode", mode: "plan" },
    });
    cli.send({ type: "user", message: { role: "user", content: "one" } });
    await cli.next((l) => l.type === "result");
    cli.send({ type: "user", message: { role: "user", content: [{ type: "text", text: "two" }] } });
    await cli.next((l) => l.type === "result" && l.result === "second answer");
    cli.end();
    expect(await cli.exit).toBe(0);
    const responses = cli.received.filter((l) => l.type === "control_response");
    const byId = Object.fromEntries(
      responses.map((r) => [(r.response as { request_id: string }).request_id, r.response]),
    );
    expect(byId.r1).toMatchObject({
      subtype: "success",
      response: { commands: [], models: expect.any(Array) },
    });
    expect(byId.r2).toMatchObject({ subtype: "error", error: expect.stringContaining("rewind_files") });
    expect(byId.r3).toMatchObject({ subtype: "success" });
    const messages = cli.received.filter((l) => l.type !== "control_response");
    lines(messages.map((m) => JSON.stringify(m)).join("\n"));
    const inits = messages.filter((l) => l.type === "system");
    expect(inits).toHaveLength(2);
    expect(inits[0]!.permissionMode).toBe("plan");
    expect(new Set(messages.map((m) => m.session_id)).size).toBe(1);
    // The second request carried the first exchange.
    const second = mainTurns(em)[1]!.body as { messages: unknown[] };
    expect(JSON.stringify(second.messages)).toContain("first answer");
  });

  it("can_use_tool goes to the controller only when the rules ask; a deny never runs the command", async () => {
    const { em, home, repo } = await setup([
      {
        turn: 1,
        reply: {
          content: [
            tool("Read", { file_path: "a.txt" }, "toolu_r"),
            tool("Bash", { command: "touch m" }, "toolu_b"),
          ],
        },
      },
      { turn: 2, reply: { content: [text("done")] } },
    ]);
    const cli = interactiveCli(
      [
        "-p",
        "--input-format",
        "stream-json",
        "--output-format",
        "stream-json",
        "--verbose",
        "--permission-prompt-tool",
        "stdio",
      ],
      { cwd: repo, env: emulatorClientEnv(em.url, home) },
    );
    cli.send({ type: "user", message: { role: "user", content: "go" } });
    const ask = await cli.next((l) => l.type === "control_request");
    const request = ask.request as Record<string, unknown>;
    expect(request).toMatchObject({
      subtype: "can_use_tool",
      tool_name: "Bash",
      tool_use_id: "toolu_b",
      input: { command: "touch m" },
    });
    cli.send({
      type: "control_response",
      response: {
        subtype: "success",
        request_id: ask.request_id,
        response: { behavior: "deny", message: "nope" },
      },
    });
    const result = await cli.next((l) => l.type === "result");
    cli.end();
    expect(await cli.exit).toBe(0);
    expect(cli.received.filter((l) => l.type === "control_request")).toHaveLength(1);
    expect(result.permission_denials).toEqual([
      { tool_name: "Bash", tool_use_id: "toolu_b", tool_input: { command: "touch m" } },
    ]);
    const { existsSync } = await import("node:fs");
    expect(existsSync(`${repo}/m`)).toBe(false);
  });

  it("a malformed stdin line is reported on stderr and skipped; exit 1 when the last run failed", async () => {
    const { em, home, repo } = await setup([]);
    const cli = interactiveCli(
      ["-p", "--input-format=stream-json", "--output-format=stream-json", "--verbose", "--max-turns=1"],
      {
        cwd: repo,
        env: emulatorClientEnv(em.url, home),
      },
    );
    cli.send({ type: "user", message: { role: "robot", content: "x" } });
    cli.end();
    expect(await cli.exit).toBe(1);
    expect(cli.stderr()).toContain("stdin line 1 is not a stream-json message at message.role");
  });
});

describe("flags", () => {
  it("an unknown flag is one line and a pointer to help, not the whole help", async () => {
    const { em, home, repo } = await setup();
    const run = await runCli(["-p", "hi", "--no-such-flag"], { cwd: repo, emulator: em, home });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split("\n")).toEqual([
      "error: unknown option '--no-such-flag'",
      "(see quarry --help, or quarry help <command>)",
    ]);
  });

  it("quarry help doctor shows the doctor command's help", async () => {
    const { em, home, repo } = await setup();
    const run = await runCli(["help", "doctor"], { cwd: repo, emulator: em, home });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Usage: quarry doctor");
  });

  it("SDK flags Quarry does not implement are accepted with a note; --settings JSON rules apply", async () => {
    const { em, home, repo } = await setup([
      { turn: 1, reply: { content: [tool("Bash", { command: "touch made" }, "toolu_b")] } },
      { turn: 2, reply: { content: [text("ok")] } },
    ]);
    const run = await runCli(
      [
        "-p",
        "go",
        "--output-format=json",
        "--effort=high",
        "--setting-sources=project",
        `--settings=${JSON.stringify({ permissions: { allow: ["Bash(touch:*)"] }, hooks: {} })}`,
        "--append-system-prompt=Be brief.",
      ],
      { cwd: repo, emulator: em, home },
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("--effort is not supported by Quarry; ignored");
    expect(run.stderr).toContain("--settings keys not applied: hooks");
    const { existsSync } = await import("node:fs");
    expect(existsSync(`${repo}/made`)).toBe(true);
    expect(JSON.stringify(mainTurns(em)[0]!.body)).toContain("Be brief.");
  });

  it("a --settings file that does not exist is a usage error with the fix", async () => {
    const { em, home, repo } = await setup();
    const run = await runCli(["-p", "hi", "--output-format", "json", "--settings", "nope.json"], {
      cwd: repo,
      emulator: em,
      home,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--settings: cannot read");
    expect(run.stderr).toContain("Fix:");
  });
});
