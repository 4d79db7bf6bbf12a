import { afterEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/index.js";
import { makeRepo, runCli, scriptedWorld, startWorld, text, tool } from "../e2e/harness.js";

const API_KEY = "sk-ant-api03-mixing-SECRET-0b7e";

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

describe("main and side models on different providers (built CLI, emulator)", () => {
  it("a Bedrock side model under an Anthropic API main model; denied, side tasks fall back to the main model", async () => {
    const started = await startWorld(
      scriptedWorld(
        [
          { turn: 1, reply: { content: [tool("Bash", { command: "sleep 1" })] } },
          { turn: 2, reply: { content: [text("Hello.")] } },
        ],
        (w) => {
          w.anthropicApi = { apiKeys: [API_KEY], authTokens: [] };
          const haiku = w.models!.find((m) => m.modelId.includes("haiku-4-5"))!;
          haiku.access = { authorized: false };
        },
      ),
    );
    emulator = started.emulator;
    // stream-json still names the session with the side model (text and json -p skip that call); the title
    // runs beside the conversation, which here waits on a one-second command so the title comes first.
    const run = await runCli(
      ["-p", "say hello", "--output-format", "stream-json", "--verbose", "--allowedTools", "Bash(sleep:*)"],
      {
        cwd: makeRepo(),
        emulator: started.emulator,
        home: started.home,
        env: {
          CLAUDE_CODE_USE_BEDROCK: "",
          ANTHROPIC_API_KEY: API_KEY,
          ANTHROPIC_BASE_URL: started.emulator.url,
          ANTHROPIC_SMALL_FAST_MODEL: "bedrock:haiku",
        },
      },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Hello.");
    const log = started.emulator.log;
    // The side call went to bedrock-runtime (Invoke, SigV4) and was denied there…
    const side = log.filter((e) => e.service === "bedrock-runtime");
    expect(side.length).toBeGreaterThan(0);
    expect(side[0]).toMatchObject({ operation: "invoke", status: 403, errorType: "AccessDeniedException" });
    expect(side[0]!.modelId).toBe("us.anthropic.claude-haiku-4-5-20251001-v1:0");
    // …and was answered by the main model on the Anthropic API instead, with the reason shown.
    const api = log.filter((e) => e.service === "anthropic-api");
    expect(api.some((e) => e.notes.stream === false && e.status === 200)).toBe(true);
    expect(run.stderr).toMatch(
      /Side-task model us\.anthropic\.claude-haiku-4-5-20251001-v1:0 is unavailable/,
    );
    expect(run.stderr).toContain("Using the main model claude-sonnet-4-6 for side tasks");
  });
});
