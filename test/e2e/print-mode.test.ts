import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/index.js";
import { mainTurns, makeRepo, runCli, scriptedWorld, startWorld, text, tool } from "./harness.js";

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function setup(world: Parameters<typeof startWorld>[0]) {
  const started = await startWorld(world);
  emulator = started.emulator;
  return started;
}

/** The tool_result blocks Quarry sent back to the model in the n-th main-model request (0-based). */
function toolResultsSent(em: RunningEmulator, n: number): { content: string; is_error?: boolean }[] {
  const body = mainTurns(em)[n]!.body as { messages: { role: string; content: unknown }[] };
  const last = body.messages.at(-1)!;
  return (last.content as { type: string; content: string; is_error?: boolean }[]).filter(
    (b) => b.type === "tool_result",
  );
}

describe("quarry -p against scripted emulator conversations", () => {
  it("creates a file, and reports in json", async () => {
    const { emulator: em, home } = await setup(
      scriptedWorld([
        {
          turn: 1,
          reply: { content: [tool("Write", { file_path: "hello.txt", content: "Hello from Quarry\n" })] },
        },
        { turn: 2, reply: { content: [text("Created hello.txt.")] } },
      ]),
    );
    const repo = makeRepo();
    const run = await runCli(
      ["-p", "create hello.txt", "--permission-mode", "acceptEdits", "--output-format", "json"],
      {
        cwd: repo,
        emulator: em,
        home,
      },
    );
    expect(run.stderr).not.toContain("error");
    expect(run.code).toBe(0);
    expect(readFileSync(join(repo, "hello.txt"), "utf8")).toBe("Hello from Quarry\n");
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({
      type: "result",
      subtype: "success",
      is_error: false,
      result: "Created hello.txt.",
      num_turns: 2,
    });
    expect(result.session_id).toMatch(/[0-9a-f-]{36}/);
    const u = result.usage;
    expect(u.input_tokens + u.cache_creation_input_tokens + u.cache_read_input_tokens).toBeGreaterThan(0);
    expect(toolResultsSent(em, 1)[0]!.is_error).toBeFalsy();
  });

  it("edits a file it read first", async () => {
    const { emulator: em, home } = await setup(
      scriptedWorld([
        { turn: 1, reply: { content: [tool("Read", { file_path: "src/app.js" })] } },
        {
          turn: 2,
          reply: {
            content: [tool("Edit", { file_path: "src/app.js", old_string: "x = 1", new_string: "x = 2" })],
          },
        },
        { turn: 3, reply: { content: [text("Changed x to 2.")] } },
      ]),
    );
    const repo = makeRepo({ "src/app.js": "const x = 1;\nconsole.log(x);\n" });
    const run = await runCli(["-p", "set x to 2", "--permission-mode", "acceptEdits"], {
      cwd: repo,
      emulator: em,
      home,
    });
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe("Changed x to 2.");
    expect(readFileSync(join(repo, "src/app.js"), "utf8")).toBe("const x = 2;\nconsole.log(x);\n");
    expect(toolResultsSent(em, 1)[0]!.content).toContain("const x = 1;");
  });

  it("runs a bash command allowed by rule and feeds its output back", async () => {
    const { emulator: em, home } = await setup(
      scriptedWorld([
        { turn: 1, reply: { content: [tool("Bash", { command: "expr 6 + 36" })] } },
        { turn: 2, reply: { content: [text("The answer is 42.")] } },
      ]),
    );
    const repo = makeRepo();
    const run = await runCli(["-p", "compute", "--allowedTools", "Bash(expr:*)"], {
      cwd: repo,
      emulator: em,
      home,
    });
    expect(run.code).toBe(0);
    const [result] = toolResultsSent(em, 1);
    expect(result!.content).toContain("42");
    expect(result!.is_error).toBeFalsy();
  });

  it("denies a write in print mode and tells the model how to allow it", async () => {
    const { emulator: em, home } = await setup(
      scriptedWorld([
        { turn: 1, reply: { content: [tool("Write", { file_path: "x.txt", content: "x" })] } },
        { turn: 2, reply: { content: [text("I could not write x.txt.")] } },
      ]),
    );
    const repo = makeRepo();
    const run = await runCli(["-p", "write x"], { cwd: repo, emulator: em, home });
    expect(run.code).toBe(0);
    expect(existsSync(join(repo, "x.txt"))).toBe(false);
    const [result] = toolResultsSent(em, 1);
    expect(result!.is_error).toBe(true);
    expect(result!.content).toContain("non-interactively");
    expect(result!.content).toContain("--permission-mode acceptEdits");
  });

  it("refuses a path outside the project even with acceptEdits", async () => {
    const { emulator: em, home } = await setup(
      scriptedWorld([
        { turn: 1, reply: { content: [tool("Write", { file_path: "../escaped.txt", content: "x" })] } },
        { turn: 2, reply: { content: [text("Refused.")] } },
      ]),
    );
    const repo = makeRepo();
    const run = await runCli(["-p", "escape", "--permission-mode", "acceptEdits"], {
      cwd: repo,
      emulator: em,
      home,
    });
    expect(run.code).toBe(0);
    expect(existsSync(join(repo, "..", "escaped.txt"))).toBe(false);
    const [result] = toolResultsSent(em, 1);
    expect(result!.is_error).toBe(true);
    expect(result!.content).toContain("outside the project");
  });

  it("recovers from invalid tool input: the model sees a tool error naming the field", async () => {
    const { emulator: em, home } = await setup(
      scriptedWorld([
        { turn: 1, reply: { content: [tool("Read", { file_path: 42 })] } },
        { turn: 2, reply: { content: [text("Sorry, retrying differently.")] } },
      ]),
    );
    const repo = makeRepo();
    const run = await runCli(["-p", "read"], { cwd: repo, emulator: em, home });
    expect(run.code).toBe(0);
    const [result] = toolResultsSent(em, 1);
    expect(result!.is_error).toBe(true);
    expect(result!.content).toContain("file_path");
    expect(run.stdout.trim()).toBe("Sorry, retrying differently.");
  });

  it("--continue resumes the latest session in this project with its history", async () => {
    const { emulator: em, home } = await setup(undefined);
    const repo = makeRepo();
    const first = await runCli(["-p", "remember the number 42"], { cwd: repo, emulator: em, home });
    expect(first.code).toBe(0);
    const second = await runCli(["-p", "what number?", "--continue"], { cwd: repo, emulator: em, home });
    expect(second.code).toBe(0);
    const body = mainTurns(em)[1]!.body as { messages: { role: string; content: unknown }[] };
    expect(body.messages).toHaveLength(3);
    expect(JSON.stringify(body.messages[0])).toContain("remember the number 42");
  });

  it("retries a stream cut mid-turn without running any tool twice", async () => {
    const { emulator: em, home } = await setup(
      scriptedWorld([
        { turn: 1, times: 1, fault: { kind: "cut", atByte: 300 } },
        { turn: 1, reply: { content: [tool("Bash", { command: "echo ran >> count.txt" })] } },
        { turn: 2, reply: { content: [text("Done.")] } },
      ]),
    );
    const repo = makeRepo();
    const run = await runCli(["-p", "count", "--allowedTools", "Bash(echo ran >> count.txt)"], {
      cwd: repo,
      emulator: em,
      home,
    });
    expect(run.code).toBe(0);
    expect(readFileSync(join(repo, "count.txt"), "utf8")).toBe("ran\n");
    expect(run.stderr).toContain("retrying");
    expect(mainTurns(em)).toHaveLength(3);
  });

  it("asks for no session title: the answer is the only model call, so the run ends when it is printed", async () => {
    const { emulator: em, home } = await setup(undefined);
    const repo = makeRepo();
    const run = await runCli(["-p", "hello", "--output-format", "quarry-events"], {
      cwd: repo,
      emulator: em,
      home,
    });
    expect(run.code).toBe(0);
    const events = run.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(events.some((e) => e.type === "title")).toBe(false);
    expect(events.at(-1)).toMatchObject({ type: "done", reason: "end_turn" });
    const calls = em.log.filter((e) => e.service === "bedrock-runtime").map((e) => e.modelId);
    expect(calls).toEqual(["us.anthropic.claude-sonnet-4-6"]);
  });

  it("reads the prompt from stdin", async () => {
    const { emulator: em, home } = await setup(undefined);
    const repo = makeRepo();
    const run = await runCli(["-p"], { cwd: repo, emulator: em, home, stdin: "piped prompt" });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("piped prompt");
  });

  it("exit code 2 and the fix for configuration errors; 1 for errors during the run", async () => {
    const { emulator: em, home } = await setup(
      scriptedWorld([], (w) => {
        w.models!.find((m) => m.modelId === "anthropic.claude-sonnet-4-6")!.access = { authorized: false };
      }),
    );
    const repo = makeRepo();
    const noRegion = await runCli(["-p", "hi"], { cwd: repo, emulator: em, home, env: { AWS_REGION: "" } });
    expect(noRegion.code).toBe(2);
    expect(noRegion.stderr).toContain("No AWS region is configured");
    expect(noRegion.stderr).toContain("Fix: Set one of: AWS_REGION");
    const badMode = await runCli(["-p", "hi", "--permission-mode", "yolo"], {
      cwd: repo,
      emulator: em,
      home,
    });
    expect(badMode.code).toBe(2);
    expect(badMode.stderr).toContain("--permission-mode must be one of");
    const denied = await runCli(["-p", "hi"], { cwd: repo, emulator: em, home });
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain("is not enabled for this account in us-east-1");
    expect(denied.stderr).toContain("#/modelaccess");
  });
});

describe("compaction", () => {
  it("compacts older turns with the side model, falling back to the main model when it is denied", async () => {
    const { emulator: em, home } = await setup(
      scriptedWorld([], (w) => {
        w.models!.find((m) => m.modelId.includes("haiku-4-5"))!.access = { authorized: false };
      }),
    );
    const repo = makeRepo({
      // A tiny window (as a settings override) so the second prompt no longer fits and compaction runs.
      ".quarry/settings.json": JSON.stringify({
        catalogOverrides: { "anthropic.claude-sonnet-4-6": { contextWindow: 1000 } },
      }),
    });
    const first = await runCli(["-p", `first request: ${"context ".repeat(150)}`], {
      cwd: repo,
      emulator: em,
      home,
    });
    expect(first.code).toBe(0);
    const second = await runCli(
      ["-p", `second request: ${"more ".repeat(200)}`, "--continue", "--output-format", "quarry-events"],
      {
        cwd: repo,
        emulator: em,
        home,
      },
    );
    expect(second.code).toBe(0);
    const events = second.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(events.find((e) => e.type === "compacted")).toMatchObject({ removedMessages: 2 });
    // The summary request went to the main model after the side model's one denial this session.
    const invokes = em.log.filter((e) => e.operation === "invoke").map((e) => [e.modelId, e.status]);
    // Print mode asks for no title, so the compaction is the one side call: denied once, then the main model.
    expect(invokes).toEqual([
      ["us.anthropic.claude-haiku-4-5-20251001-v1:0", 403],
      ["us.anthropic.claude-sonnet-4-6", 200],
    ]);
    const lastTurn = mainTurns(em).at(-1)!.body as { messages: { content: unknown }[] };
    expect(lastTurn.messages).toHaveLength(1);
    expect(JSON.stringify(lastTurn.messages[0])).toContain("[Summary of the earlier conversation]");
    expect(JSON.stringify(lastTurn.messages[0])).toContain("second request");
  });
});

describe("--simulate", () => {
  it("runs the real agent against the built-in emulator, labelled, with permissions as usual", async () => {
    const { emulator: em, home } = await setup(undefined); // unused: the simulation starts its own emulator
    const repo = makeRepo({ "a.txt": "hello\n" });
    // No AWS at all in the environment: the simulation needs none.
    const env = { AWS_REGION: "", AWS_ACCESS_KEY_ID: "", AWS_SECRET_ACCESS_KEY: "", AWS_ENDPOINT_URL: "" };
    const denied = await runCli(["-p", "demo", "--simulate"], { cwd: repo, emulator: em, home, env });
    expect(denied.code).toBe(0);
    expect(denied.stderr).toContain("SIMULATION: Quarry is talking to its built-in Bedrock emulator");
    expect(denied.stdout).toContain("Simulation finished.");
    expect(existsSync(join(repo, "QUARRY-DEMO.md"))).toBe(false);
    const allowed = await runCli(["-p", "demo", "--simulate", "--permission-mode", "acceptEdits"], {
      cwd: repo,
      emulator: em,
      home,
      env,
    });
    expect(allowed.code).toBe(0);
    expect(readFileSync(join(repo, "QUARRY-DEMO.md"), "utf8")).toContain("# Quarry demo");
    expect(allowed.stderr).not.toContain("NodeVersionSupportWarning");
    expect(em.log).toHaveLength(0);
  });
});

describe("usage errors", () => {
  it("a malformed --allowedTools rule and an unknown --resume id exit 2 with a message, no stack trace", async () => {
    const { emulator: em, home } = await setup(undefined);
    const repo = makeRepo();
    const badRule = await runCli(["-p", "hi", "--allowedTools", "Bash(npm test"], {
      cwd: repo,
      emulator: em,
      home,
    });
    expect(badRule.code).toBe(2);
    expect(badRule.stderr).toContain('Invalid permission rule "Bash(npm test"');
    expect(badRule.stderr).not.toMatch(/\n\s+at /);
    const badResume = await runCli(["-p", "hi", "--resume", "no-such-session"], {
      cwd: repo,
      emulator: em,
      home,
    });
    expect(badResume.code).toBe(2);
    expect(badResume.stderr).toContain("no-such-session");
    expect(badResume.stderr).not.toMatch(/\n\s+at /);
    // Checked before any network call: not even the control plane was asked.
    expect(em.log).toHaveLength(0);
  });
});

describe("extended thinking", () => {
  it("MAX_THINKING_TOKENS turns thinking on for a model that supports it, and thinking blocks go back with tool results", async () => {
    const { emulator: em, home } = await setup(
      scriptedWorld([
        {
          turn: 1,
          reply: {
            content: [
              { type: "thinking", thinking: "I should list the files first." },
              tool("LS", { path: "." }),
            ],
          },
        },
        { turn: 2, reply: { content: [text("There is one file.")] } },
      ]),
    );
    const repo = makeRepo({ "a.txt": "a\n" });
    const run = await runCli(["-p", "what is here?", "--model", "sonnet"], {
      cwd: repo,
      emulator: em,
      home,
      env: { MAX_THINKING_TOKENS: "2048" },
    });
    expect(run.stderr).not.toContain("error");
    expect(run.code).toBe(0);
    const [first, second] = mainTurns(em).map((e) => e.body as Record<string, unknown>);
    expect(first!.thinking).toBeDefined();
    const assistant = (second!.messages as { role: string; content: { type: string }[] }[])[1]!;
    expect(assistant.content.map((b) => b.type)).toEqual(["thinking", "tool_use"]);
    expect(run.stdout.trim()).toBe("There is one file.");
  });
});

describe("deny rules and directory-wide searches", () => {
  it("Grep and Glob leave out files a Read deny rule covers", async () => {
    const { emulator: em, home } = await setup(
      scriptedWorld([
        {
          turn: 1,
          reply: {
            content: [
              tool("Grep", { pattern: "TOKEN", output_mode: "content" }, "toolu_grep"),
              tool("Glob", { pattern: "**/*" }, "toolu_glob"),
            ],
          },
        },
        { turn: 2, reply: { content: [text("Searched.")] } },
      ]),
    );
    const repo = makeRepo({
      ".env": "API_TOKEN=hunter2-very-secret\n",
      "src/a.ts": "export const TOKEN_NAME = 'x';\n",
      ".quarry/settings.json": JSON.stringify({ permissions: { deny: ["Read(./.env)"] } }),
    });
    const run = await runCli(["-p", "find tokens"], { cwd: repo, emulator: em, home });
    expect(run.code).toBe(0);
    const [grep, glob] = toolResultsSent(em, 1);
    expect(grep!.content).toContain("src/a.ts");
    expect(grep!.content).not.toContain("hunter2");
    expect(grep!.content).toContain("1 matching file(s) withheld by deny rules");
    expect(glob!.content).toContain("a.ts");
    expect(glob!.content).not.toContain(".env");
  });
});
