import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { emulatorClientEnv, type RunningEmulator } from "../../emulator/index.js";
import { query, type SDKMessage, SDKMessageSchema } from "../../src/sdk/index.js";
import { makeRepo, scriptedWorld, startWorld, text, tool } from "../e2e/harness.js";

// Quarry's own in-process SDK: the same Claude-compatible messages as stream-json, without a child process.

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
  vi.unstubAllEnvs();
});

async function setup(rules: Parameters<typeof scriptedWorld>[0]) {
  const started = await startWorld(scriptedWorld(rules));
  emulator = started.emulator;
  const repo = makeRepo({ "notes.txt": "one\n" });
  const env = emulatorClientEnv(started.emulator.url, started.home);
  // In process, the AWS SDK's credential chain reads this process's environment, as any embedding app's would.
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
  return { repo, env };
}

async function all(q: AsyncIterable<SDKMessage>): Promise<SDKMessage[]> {
  const out: SDKMessage[] = [];
  for await (const m of q) {
    expect(SDKMessageSchema.safeParse(m).success, JSON.stringify(m)).toBe(true);
    out.push(m);
  }
  return out;
}

describe("quarry's in-process query()", () => {
  it("edits a file, asks canUseTool only for what the rules leave open, and denies Bash without running it", async () => {
    const { repo, env } = await setup([
      {
        turn: 1,
        reply: {
          content: [
            tool("Read", { file_path: "notes.txt" }, "toolu_r"),
            tool("Edit", { file_path: "notes.txt", old_string: "one", new_string: "two" }, "toolu_e"),
            tool("Bash", { command: "touch marker" }, "toolu_b"),
          ],
        },
      },
      { turn: 2, reply: { content: [text("Done, without the shell.")] } },
    ]);
    const asked: string[] = [];
    const messages = await all(
      query({
        prompt: "change notes",
        options: {
          cwd: repo,
          env,
          canUseTool: async (name, input, { toolUseID }) => {
            asked.push(`${name}:${toolUseID}`);
            if (name === "Bash") return { behavior: "deny", message: "not here" };
            return { behavior: "allow", updatedInput: input };
          },
        },
      }),
    );
    // Read is allowed by Quarry's rules inside the project; the Edit and the Bash call needed asking.
    expect(asked).toEqual(["Edit:toolu_e", "Bash:toolu_b"]);
    expect(readFileSync(join(repo, "notes.txt"), "utf8")).toBe("two\n");
    expect(existsSync(join(repo, "marker"))).toBe(false);
    const result = messages.at(-1);
    expect(result).toMatchObject({
      type: "result",
      subtype: "success",
      result: "Done, without the shell.",
      permission_denials: [{ tool_name: "Bash", tool_use_id: "toolu_b" }],
    });
  });

  it("a changed updatedInput is refused rather than running the original call", async () => {
    const { repo, env } = await setup([
      { turn: 1, reply: { content: [tool("Bash", { command: "touch marker" }, "toolu_b")] } },
      { turn: 2, reply: { content: [text("ok")] } },
    ]);
    const messages = await all(
      query({
        prompt: "x",
        options: {
          cwd: repo,
          env,
          canUseTool: async () => ({ behavior: "allow", updatedInput: { command: "touch other" } }),
        },
      }),
    );
    expect(existsSync(join(repo, "marker"))).toBe(false);
    expect(existsSync(join(repo, "other"))).toBe(false);
    expect(JSON.stringify(messages.find((m) => m.type === "user"))).toContain("modified input");
  });

  it("interrupt() kills a running tool and the turn ends with error_during_execution", async () => {
    const { repo, env } = await setup([
      { turn: 1, reply: { content: [tool("Bash", { command: "sleep 30" }, "toolu_s")] } },
    ]);
    const q = query({ prompt: "wait", options: { cwd: repo, env, allowedTools: ["Bash(sleep:*)"] } });
    const started = Date.now();
    const messages: SDKMessage[] = [];
    for await (const m of q) {
      messages.push(m);
      if (m.type === "assistant" && m.message.content[0]?.type === "tool_use") await q.interrupt();
    }
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(messages.at(-1)).toMatchObject({
      type: "result",
      subtype: "error_during_execution",
      is_error: true,
    });
    expect(messages.at(-2)).toMatchObject({
      type: "user",
      message: { content: [{ type: "text", text: "[Request interrupted by user for tool use]" }] },
    });
  });

  it('is the package\'s export: import { query } from "quarry" resolves to the built SDK', () => {
    const root = new URL("../..", import.meta.url).pathname;
    const out = execFileSync(
      process.execPath,
      ["--input-type=module", "-e", 'const m = await import("quarry"); console.log(typeof m.query)'],
      {
        cwd: root,
        encoding: "utf8",
      },
    );
    expect(out.trim()).toBe("function");
  });
});
