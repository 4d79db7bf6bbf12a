// Effect test for the Bash permission analysis (docs/security/bash-analysis.md): the built CLI in print mode,
// with only `Bash(echo:*)` allowed, is told by a scripted model to run commands that smuggle a second command
// or a write past that rule. The smuggled effects must not happen on disk; the plain echo must run.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/index.js";
import { mainTurns, makeRepo, runCli, scriptedWorld, startWorld } from "./harness.js";

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const bash = (id: string, command: string) => ({
  type: "tool_use" as const,
  id: `toolu_${id}`,
  name: "Bash",
  input: { command },
});

describe("Bash allow rules cannot be bypassed through the real Bash tool", () => {
  it("runs the allowed echo, and neither the chained commands nor the <> write", async () => {
    const started = await startWorld(
      scriptedWorld([
        {
          turn: 1,
          reply: {
            content: [
              bash("ansi", "echo $'\\'' && touch chained-ansi #'"),
              bash("grammar", "echo $'\\\\' ; touch chained-grammar ; # '"),
              bash("continuation", "echo x\\\n#; touch chained-continuation"),
              bash("rw", "echo pwned 1<> ~/.bashrc"),
              bash("control", "echo control-ran"),
            ],
          },
        },
        { turn: 2, reply: { content: [{ type: "text", text: "Done." }] } },
      ]),
    );
    emulator = started.emulator;
    const home = started.home;
    writeFileSync(join(home, ".bashrc"), "# the user's own rc file\n");
    const repo = makeRepo();

    const run = await runCli(["-p", "go", "--allowedTools", "Bash(echo:*)"], {
      cwd: repo,
      emulator,
      home,
    });

    expect(run.code).toBe(0);
    for (const marker of ["chained-ansi", "chained-grammar", "chained-continuation"]) {
      expect(existsSync(join(repo, marker)), marker).toBe(false);
    }
    expect(readFileSync(join(home, ".bashrc"), "utf8")).toBe("# the user's own rc file\n");

    const body = mainTurns(emulator)[1]!.body as { messages: { content: unknown }[] };
    const results = body.messages.at(-1)!.content as {
      tool_use_id: string;
      content: string;
      is_error?: boolean;
    }[];
    const byId = new Map(results.map((r) => [r.tool_use_id, r]));
    for (const id of ["ansi", "grammar", "continuation", "rw"]) {
      const result = byId.get(`toolu_${id}`)!;
      expect(result.is_error, id).toBe(true);
      expect(result.content, id).toContain("was not granted");
    }
    expect(byId.get("toolu_control")!.content).toContain("control-ran");
  });
});
