import { afterEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/index.js";
import { EVENT_TYPES, ProtocolEventSchema } from "../../src/protocol/index.js";
import { makeRepo, runCli, scriptedWorld, startWorld, text, tool } from "./harness.js";

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

describe("quarry -p --output-format quarry-events", () => {
  it("every line is a protocol event: one session, sequence 1…n, known types", async () => {
    const started = await startWorld(
      scriptedWorld([
        {
          turn: 1,
          reply: {
            content: [
              text("Let me look."),
              tool("LS", {}, "toolu_ls"),
              tool("Write", { file_path: "x.txt", content: "x" }, "toolu_write"),
              tool("Bash", { command: "echo hi" }, "toolu_bash"),
            ],
          },
        },
        { turn: 2, reply: { content: [text("Done looking.")] } },
      ]),
    );
    emulator = started.emulator;
    const repo = makeRepo({ "a.txt": "a" });
    // `stream-json` speaks Claude Code's messages instead; test/headless checks those line by line.
    for (const format of ["quarry-events"]) {
      const run = await runCli(
        ["-p", "look around", "--output-format", format, "--allowedTools", "Bash(echo:*)"],
        {
          cwd: repo,
          emulator,
          home: started.home,
        },
      );
      expect(run.code, run.stderr).toBe(0);
      const lines = run.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      for (const line of lines) {
        const parsed = ProtocolEventSchema.safeParse(line);
        expect(parsed.success, `${JSON.stringify(line)}: ${parsed.error?.message}`).toBe(true);
      }
      expect(lines.map((l) => l.seq)).toEqual(lines.map((_, i) => i + 1));
      expect(new Set(lines.map((l) => l.session_id)).size).toBe(1);
      expect(lines[0]).toMatchObject({ type: "session_start", v: 1 });
      expect(lines[0].tools).toContain("Bash");
      const types = new Set(lines.map((l) => l.type));
      for (const t of ["tool_call", "tool_result", "permission_decision", "message", "usage", "done"]) {
        expect(types.has(t), t).toBe(true);
      }
      for (const t of types) expect(EVENT_TYPES).toContain(t);
      expect(lines.at(-1)).toMatchObject({ type: "done", reason: "end_turn", result: "Done looking." });
    }
  });

  it("an unknown output format is a usage error naming the choices", async () => {
    const started = await startWorld(scriptedWorld([]));
    emulator = started.emulator;
    const run = await runCli(["-p", "hi", "--output-format", "xml"], {
      cwd: makeRepo(),
      emulator,
      home: started.home,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("text, json, stream-json, quarry-events");
  });
});
