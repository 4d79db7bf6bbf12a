import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { RunningEmulator, WorldInput } from "../../emulator/index.js";
import { makeRepo, runCli, scriptedWorld, startWorld, text, tool } from "../e2e/harness.js";

// A key shaped like Anthropic's; the stand-in accepts only this one (emulator/anthropic-api).
const API_KEY = "sk-ant-api03-quarry-e2e-SECRET-4f1c9a7d2b";
const GATEWAY_TOKEN = "litellm-gateway-token-SECRET-77aa31";

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

/** The edit task: read the file, change x, report. */
function editWorld(change?: (w: WorldInput) => void): WorldInput {
  return scriptedWorld(
    [
      { turn: 1, reply: { content: [tool("Read", { file_path: "src/app.js" })] } },
      {
        turn: 2,
        reply: {
          content: [tool("Edit", { file_path: "src/app.js", old_string: "x = 1", new_string: "x = 2" })],
        },
      },
      { turn: 3, reply: { content: [text("Changed x to 2.")] } },
    ],
    (w) => {
      w.anthropicApi = { apiKeys: [API_KEY], authTokens: [GATEWAY_TOKEN] };
      change?.(w);
    },
  );
}

/** Every file under a directory, concatenated (transcripts, caches). */
function allText(dir: string): string {
  let out = "";
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const path = join(dir, name);
    if (statSync(path).isFile()) out += readFileSync(path, "utf8");
  }
  return out;
}

const anthropicEnv = (url: string): NodeJS.ProcessEnv => ({
  CLAUDE_CODE_USE_BEDROCK: "",
  ANTHROPIC_API_KEY: API_KEY,
  ANTHROPIC_BASE_URL: url,
});

describe("the edit task over the Anthropic API and Mantle (built CLI, emulator)", () => {
  it("completes over the Anthropic API with ANTHROPIC_API_KEY; the key is only ever in the auth header", async () => {
    const started = await startWorld(editWorld());
    emulator = started.emulator;
    const repo = makeRepo({ "src/app.js": "const x = 1;\nconsole.log(x);\n" });
    const run = await runCli(
      ["-p", "set x to 2", "--permission-mode", "acceptEdits", "--output-format", "json"],
      {
        cwd: repo,
        emulator: started.emulator,
        home: started.home,
        env: anthropicEnv(started.emulator.url),
      },
    );
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    expect(readFileSync(join(repo, "src/app.js"), "utf8")).toContain("x = 2");
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ subtype: "success", result: "Changed x to 2.", num_turns: 3 });
    expect(result.usage.output_tokens).toBeGreaterThan(0);
    expect(result.total_cost_usd).toBeGreaterThan(0);
    const turns = started.emulator.log.filter((e) => e.service === "anthropic-api" && e.notes.stream);
    expect(turns).toHaveLength(3);
    for (const t of turns) {
      expect(t.status).toBe(200);
      // @anthropic-ai/sdk 1.x sends the key as a bearer; the log keeps only "Bearer <redacted>".
      expect(t.authScheme).toBe("bearer");
      expect(t.headers.authorization).toBe("Bearer <redacted>");
      expect(t.notes.stream).toBe(true);
      expect((t.body as { model: string }).model).toBe("claude-sonnet-4-6");
      expect(JSON.stringify(t)).not.toContain(API_KEY);
    }
    // cache_control breakpoints travel as on Bedrock.
    expect(JSON.stringify(turns[0]!.body)).toContain('"cache_control":{"type":"ephemeral"}');
    expect(run.stdout + run.stderr).not.toContain(API_KEY);
    expect(allText(join(started.home, ".quarry-data"))).not.toContain(API_KEY);
  });

  it("completes through a gateway-style base URL with ANTHROPIC_AUTH_TOKEN (Authorization: Bearer)", async () => {
    const started = await startWorld(editWorld());
    emulator = started.emulator;
    const { run, repo } = await (async () => {
      const repo = makeRepo({ "src/app.js": "const x = 1;\n" });
      const run = await runCli(
        ["-p", "set x to 2", "--permission-mode", "acceptEdits", "--output-format", "json"],
        {
          cwd: repo,
          emulator: started.emulator,
          home: started.home,
          env: {
            CLAUDE_CODE_USE_BEDROCK: "",
            ANTHROPIC_AUTH_TOKEN: GATEWAY_TOKEN,
            ANTHROPIC_BASE_URL: `${started.emulator.url}/gateway`,
          },
        },
      );
      return { run, repo };
    })();
    expect(run.code).toBe(0);
    expect(readFileSync(join(repo, "src/app.js"), "utf8")).toContain("x = 2");
    const turns = started.emulator.log.filter((e) => e.service === "anthropic-api" && e.notes.stream);
    expect(turns.map((t) => [t.path, t.authScheme, t.status])).toEqual([
      ["/gateway/v1/messages", "bearer", 200],
      ["/gateway/v1/messages", "bearer", 200],
      ["/gateway/v1/messages", "bearer", 200],
    ]);
    expect(run.stdout + run.stderr).not.toContain(GATEWAY_TOKEN);
    expect(allText(join(started.home, ".quarry-data"))).not.toContain(GATEWAY_TOKEN);
  });

  it("a wrong API key is a clear error naming ANTHROPIC_API_KEY, not retried", async () => {
    const started = await startWorld(editWorld());
    emulator = started.emulator;
    const run = await runCli(["-p", "hi"], {
      cwd: makeRepo(),
      emulator: started.emulator,
      home: started.home,
      env: { ...anthropicEnv(started.emulator.url), ANTHROPIC_API_KEY: "sk-ant-api03-wrong-key-0000" },
    });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(
      "The Anthropic API rejected the credential in ANTHROPIC_API_KEY: Invalid bearer token.",
    );
    expect(run.stderr).toMatch(/Fix: Set ANTHROPIC_API_KEY to a valid key/);
    expect(run.stderr).not.toContain("sk-ant-api03-wrong-key-0000");
    expect(started.emulator.log.filter((e) => e.service === "anthropic-api")).toHaveLength(1);
  });

  it("a 529 overload is retried by Quarry's retry policy, not the SDK's", async () => {
    const started = await startWorld(
      scriptedWorld(
        [{ fault: { kind: "http", status: 529 }, times: 1 }, { reply: { content: [text("Done.")] } }],
        (w) => {
          w.anthropicApi = { apiKeys: [API_KEY], authTokens: [] };
        },
      ),
    );
    emulator = started.emulator;
    const run = await runCli(["-p", "hi"], {
      cwd: makeRepo(),
      emulator: started.emulator,
      home: started.home,
      env: anthropicEnv(started.emulator.url),
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Done.");
    const turns = started.emulator.log.filter((e) => e.service === "anthropic-api" && e.notes.stream);
    expect(turns.map((t) => t.status)).toEqual([529, 200]);
    // Each attempt is the SDK's first: its own retries are off (maxRetries 0).
    expect(turns.map((t) => t.headers["x-stainless-retry-count"])).toEqual(["0", "0"]);
  });
});
