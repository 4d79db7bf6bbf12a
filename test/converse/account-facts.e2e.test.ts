import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { multiFamilyWorld, type RunningEmulator, type WorldInput } from "../../emulator/index.js";
import { makeRepo, runCli, startWorld, text, tool } from "../e2e/harness.js";

/**
 * Capabilities taken from the account (ListFoundationModels, cached by src/bedrock/account-models.ts) and
 * applied by the wire client: the emulator's world says Nova Pro does not stream, and the requests it
 * received show Quarry used the non-streamed Converse call.
 */

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

type Logged = { path: string; method: string; modelId?: string; status?: number };

/** ListFoundationModels: GET /foundation-models (WIRE.md §10.1). */
const isListing = (e: Logged) => e.method === "GET" && /\/foundation-models$/.test(e.path);

function world(): WorldInput {
  const w = multiFamilyWorld();
  // Nova Pro streams tool use per the catalog; the account's listing says it has no streaming at all.
  w.models!.find((m) => m.modelId === "amazon.nova-pro-v1:0")!.responseStreaming = false;
  w.script = [
    { model: "nova-pro", turn: 1, reply: { content: [tool("Read", { file_path: "src/app.js" })] } },
    {
      model: "nova-pro",
      turn: 2,
      reply: {
        content: [tool("Edit", { file_path: "src/app.js", old_string: "x = 1", new_string: "x = 2" })],
      },
    },
    { model: "nova-pro", turn: 3, reply: { content: [text("Set x to 2.")] } },
  ];
  return w;
}

const ARGS = ["-p", "set x to 2", "--permission-mode", "acceptEdits", "--output-format", "json"];

describe("a capability from the account: responseStreamingSupported false", () => {
  it("with the account's list cached (by `quarry models`), every turn is a non-streamed Converse call", async () => {
    const started = await startWorld(world());
    emulator = started.emulator;
    const env = { ANTHROPIC_MODEL: "amazon.nova-pro-v1:0" };
    const listed = await runCli(["models", "--json"], {
      cwd: started.home,
      emulator,
      home: started.home,
      env,
    });
    expect(listed.code).toBe(0);
    const mark = emulator.log.length;
    const repo = makeRepo({ "src/app.js": "const x = 1;\n" });
    const run = await runCli(ARGS, { cwd: repo, emulator, home: started.home, env });
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    expect(readFileSync(join(repo, "src/app.js"), "utf8")).toBe("const x = 2;\n");
    const calls = (emulator.log.slice(mark) as Logged[]).filter((e) => /\/converse(-stream)?$/.test(e.path));
    expect(calls.map((e) => [e.path.split("/").pop(), e.status])).toEqual([
      ["converse", 200],
      ["converse", 200],
      ["converse", 200],
    ]);
    // Start-up made no ListFoundationModels call: the fresh cache was used.
    expect((emulator.log as Logged[]).slice(0, mark).some(isListing)).toBe(true);
    expect((emulator.log.slice(mark) as Logged[]).some(isListing)).toBe(false);
  });

  it("without a cache, the first refusal switches the route to the non-streamed call; the list is fetched in the background", async () => {
    const started = await startWorld(world());
    emulator = started.emulator;
    const repo = makeRepo({ "src/app.js": "const x = 1;\n" });
    const run = await runCli(ARGS, {
      cwd: repo,
      emulator,
      home: started.home,
      env: { ANTHROPIC_MODEL: "amazon.nova-pro-v1:0" },
    });
    expect(run.code).toBe(0);
    expect(readFileSync(join(repo, "src/app.js"), "utf8")).toBe("const x = 2;\n");
    const calls = (emulator.log as Logged[]).filter((e) => /\/converse(-stream)?$/.test(e.path));
    expect(calls.map((e) => [e.path.split("/").pop(), e.status])).toEqual([
      ["converse-stream", 400],
      ["converse", 200],
      ["converse", 200],
      ["converse", 200],
    ]);
    // The list was fetched in the background (start-up did not wait for it), and cached for the next run.
    await new Promise((r) => setTimeout(r, 200));
    expect((emulator.log as Logged[]).filter(isListing).map((e) => e.status)).toEqual([200]);
    const mark = emulator.log.length;
    const again = await runCli(ARGS, {
      cwd: makeRepo({ "src/app.js": "const x = 1;\n" }),
      emulator,
      home: started.home,
      env: { ANTHROPIC_MODEL: "amazon.nova-pro-v1:0" },
    });
    expect(again.code).toBe(0);
    const next = (emulator.log.slice(mark) as Logged[]).filter((e) => /\/converse(-stream)?$/.test(e.path));
    expect(next.map((e) => e.path.split("/").pop())).toEqual(["converse", "converse", "converse"]);
  });
});
