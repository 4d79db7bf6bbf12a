import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emulatorClientEnv, type RunningEmulator } from "../../emulator/index.js";
import { makeRepo, startWorld } from "../e2e/harness.js";
import { BIN } from "../support/run-cli.js";

let emulator: RunningEmulator;
let home: string;
const clients: Client[] = [];
beforeAll(async () => {
  ({ emulator, home } = await startWorld());
});
afterAll(async () => {
  for (const c of clients) await c.close();
  await emulator.close();
});

type Text = { type: string; text?: string }[];

/** An MCP client (the SDK's) talking to the built `quarry mcp serve`; `answer` handles elicitation. */
async function connect(repo: string, flags: string[], answer?: "accept" | "decline"): Promise<Client> {
  const client = new Client(
    { name: "test-client", version: "1.0.0" },
    { capabilities: answer ? { elicitation: {} } : {} },
  );
  if (answer) {
    client.setRequestHandler(ElicitRequestSchema, () =>
      answer === "accept" ? { action: "accept", content: { allow: true } } : { action: "decline" },
    );
  }
  const env = { ...emulatorClientEnv(emulator.url, home), NO_COLOR: "1" } as Record<string, string>;
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [BIN, "mcp", "serve", ...flags],
      env,
      cwd: repo,
    }),
  );
  clients.push(client);
  return client;
}

describe("quarry mcp serve (built CLI, the SDK's MCP client)", () => {
  it("lists Quarry's tools and runs an allowed Read", async () => {
    const repo = makeRepo({ "notes.txt": "serve me\n" });
    const client = await connect(repo, ["--allowedTools", "Read"]);
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(["Read", "Write", "Edit", "Bash", "Grep", "Glob"]));
    const read = await client.callTool({ name: "Read", arguments: { file_path: join(repo, "notes.txt") } });
    expect(read.isError).toBeFalsy();
    expect((read.content as Text)[0]!.text).toContain("serve me");
  });

  it("refuses what needs an answer when the client cannot ask: nothing is written or run", async () => {
    const repo = makeRepo();
    const client = await connect(repo, []);
    const write = await client.callTool({
      name: "Write",
      arguments: { file_path: join(repo, "out.txt"), content: "x" },
    });
    expect(write.isError).toBe(true);
    expect((write.content as Text)[0]!.text).toContain('--allowedTools "Write"');
    const bash = await client.callTool({ name: "Bash", arguments: { command: "touch pwned" } });
    expect(bash.isError).toBe(true);
    expect(existsSync(join(repo, "out.txt"))).toBe(false);
    expect(existsSync(join(repo, "pwned"))).toBe(false);
  });

  it("asks the client's user through elicitation: accepted writes, declined does not", async () => {
    const repo = makeRepo();
    const yes = await connect(repo, [], "accept");
    const ok = await yes.callTool({
      name: "Write",
      arguments: { file_path: join(repo, "yes.txt"), content: "ok" },
    });
    expect(ok.isError).toBeFalsy();
    expect(readFileSync(join(repo, "yes.txt"), "utf8")).toBe("ok");
    const no = await connect(repo, [], "decline");
    const refused = await no.callTool({
      name: "Write",
      arguments: { file_path: join(repo, "no.txt"), content: "no" },
    });
    expect(refused.isError).toBe(true);
    expect(existsSync(join(repo, "no.txt"))).toBe(false);
  });
});
