import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { emulatorClientEnv, type RunningEmulator } from "../../emulator/index.js";
import { type ProtocolEvent, ProtocolEventSchema } from "../../src/protocol/index.js";
import { openSession, type Session } from "../../src/runtime/session.js";
import { defineExternalTool } from "../../src/tools/index.js";
import { mainTurns, makeRepo, scriptedWorld, startWorld, text, tool } from "../e2e/harness.js";

let emulator: RunningEmulator | undefined;
let session: Session | undefined;
afterEach(async () => {
  vi.unstubAllEnvs();
  await session?.close();
  await emulator?.close();
  session = undefined;
  emulator = undefined;
});

/** Opens a real session (settings, Bedrock connection, transcript) against an emulator playing the script. */
async function open(world: Parameters<typeof scriptedWorld>[0]) {
  const started = await startWorld(scriptedWorld(world));
  emulator = started.emulator;
  const dataDir = mkdtempSync(join(tmpdir(), "quarry-data-"));
  const env = { ...emulatorClientEnv(emulator.url, started.home), QUARRY_DATA_DIR: dataDir };
  // The AWS SDK's credential chain reads this process's env, as it does in the CLI.
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
  const cwd = makeRepo();
  session = await openSession({ cwd, env, maxTurns: 5 });
  return { session, emulator, env, cwd, dataDir };
}

async function collect(events: AsyncIterable<ProtocolEvent>): Promise<ProtocolEvent[]> {
  const out: ProtocolEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
}

/** Tool names offered in each main-model request, in order. */
function toolsOffered(em: RunningEmulator): string[][] {
  return mainTurns(em).map((e) =>
    ((e.body as { tools?: { name: string }[] }).tools ?? []).map((t) => t.name),
  );
}

function transcriptOf(dataDir: string, id: string): string {
  const root = join(dataDir, "sessions");
  for (const project of readdirSync(root)) {
    const file = join(root, project, `${id}.jsonl`);
    if (existsSync(file)) return readFileSync(file, "utf8");
  }
  throw new Error(`no transcript for ${id}`);
}

const echo = defineExternalTool({
  name: "mcp__test__echo",
  description: "Echoes its text back (a stand-in for an MCP tool).",
  inputSchema: { type: "object", properties: { text: { type: "string" } }, required: ["text"] },
  readOnly: true,
  run: async (input) => ({ content: `Echo: ${(input as { text: string }).text}` }),
});

describe("session runtime", () => {
  it("adds and removes a tool while the session runs; each model turn sees the registry as it is", async () => {
    const { session: s, emulator: em } = await open([
      { promptIncludes: "first", reply: { content: [text("one")] } },
      {
        promptIncludes: "second",
        reply: { content: [tool("mcp__test__echo", { text: "hi" }, "toolu_echo")], stopReason: "tool_use" },
        times: 1,
      },
      { promptIncludes: "third", reply: { content: [text("three")] } },
      { reply: { content: [text("echoed")] } },
    ]);
    await collect(s.run("first"));
    s.registry.add(echo);
    s.policy.addSessionRule("mcp__test__echo");
    const second = await collect(s.run("second"));
    s.registry.remove("mcp__test__echo");
    await collect(s.run("third"));

    const offered = toolsOffered(em);
    expect(offered).toHaveLength(4);
    expect(offered[0]).not.toContain("mcp__test__echo");
    expect(offered[1]).toContain("mcp__test__echo");
    expect(offered[2]).toContain("mcp__test__echo");
    expect(offered[3]).not.toContain("mcp__test__echo");
    // The external tool's JSON Schema reached the model unchanged.
    const sent = (mainTurns(em)[1]!.body as { tools: { name: string; input_schema: unknown }[] }).tools;
    expect(sent.find((t) => t.name === "mcp__test__echo")!.input_schema).toEqual(echo.inputJsonSchema);
    expect(second.find((e) => e.type === "tool_result")).toMatchObject({
      name: "mcp__test__echo",
      content: "Echo: hi",
      isError: false,
    });
  });

  it("stamps events with the protocol envelope and records them, so resume replays the conversation", async () => {
    const {
      session: s,
      env,
      cwd,
      dataDir,
    } = await open([
      { promptIncludes: "hello", reply: { content: [text("hi there")] } },
      { promptIncludes: "again", reply: { content: [text("still here")] } },
    ]);
    const events = [s.start(), ...(await collect(s.run("hello")))];
    for (const e of events) expect(ProtocolEventSchema.safeParse(e).success, JSON.stringify(e)).toBe(true);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(new Set(events.map((e) => e.session_id))).toEqual(new Set([s.id]));
    await s.close();

    // The transcript holds the same stamped events (all but the deltas).
    const lines = transcriptOf(dataDir, s.id)
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const stored = lines.filter((l) => l.seq !== undefined).map((l) => l.seq);
    expect(stored).toEqual(events.filter((e) => e.type !== "text_delta").map((e) => e.seq));

    session = await openSession({ cwd, env, resume: s.id });
    expect(session.agent.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
    const resumed = await collect(session.run("again"));
    // Sequence numbers continue after the ones already in the transcript.
    expect(resumed[0]!.seq).toBe(events.at(-1)!.seq + 1);
    expect(resumed.find((e) => e.type === "done")).toMatchObject({ result: "still here" });
  });

  it("spawnAgent runs a nested agent on the same pipeline; its events carry the parent's call id", async () => {
    let child: Session | undefined;
    const {
      session: s,
      emulator: em,
      dataDir,
    } = await open([
      {
        promptIncludes: "delegate",
        reply: {
          content: [tool("Task", { prompt: "child: list the files" }, "toolu_task")],
          stopReason: "tool_use",
        },
        times: 1,
      },
      { promptIncludes: "child: list", reply: { content: [text("child report")] } },
      { reply: { content: [text("parent done")] } },
    ]);
    // A stand-in for the subagents issue's Agent tool: runs a child with a narrower tool set.
    s.registry.add(
      defineExternalTool({
        name: "Task",
        description: "Runs a nested agent.",
        inputSchema: { type: "object", properties: { prompt: { type: "string" } }, required: ["prompt"] },
        run: async (input, ctx) => {
          child = s.spawnAgent({
            parentCallId: ctx.callId!,
            tools: ["Read", "Grep"],
            system: "You are a child.",
          });
          let report = "";
          for await (const e of child.run((input as { prompt: string }).prompt, ctx.signal)) {
            ctx.emit?.(e);
            if (e.type === "done") report = e.result;
          }
          await child.close();
          return { content: report };
        },
      }),
    );
    s.policy.addSessionRule("Task");
    const events = await collect(s.run("delegate"));

    const nested = events.filter((e) => e.parent_call_id !== undefined);
    expect(nested.map((e) => e.type)).toEqual(expect.arrayContaining(["user", "message", "done"]));
    expect(nested.every((e) => e.parent_call_id === "toolu_task" && e.session_id === child!.id)).toBe(true);
    expect(child!.id).not.toBe(s.id);
    expect(events.filter((e) => e.parent_call_id === undefined).every((e) => e.session_id === s.id)).toBe(
      true,
    );
    for (const e of events) expect(ProtocolEventSchema.safeParse(e).success).toBe(true);
    expect(events.find((e) => e.type === "tool_result" && e.id === "toolu_task")).toMatchObject({
      content: "child report",
      isError: false,
    });
    expect(events.at(-1)).toMatchObject({ type: "done", result: "parent done" });
    // The child's request offered only its narrower tool set and its own system prompt.
    const childRequest = mainTurns(em)[1]!.body as { tools: { name: string }[]; system: unknown };
    expect(childRequest.tools.map((t) => t.name)).toEqual(["Read", "Grep"]);
    expect(JSON.stringify(childRequest.system)).toContain("You are a child.");
    // The child keeps its own transcript, which names its parent; the parent's does not replay the child.
    expect(transcriptOf(dataDir, child!.id)).toContain('"parentCallId":"toolu_task"');
    const parentLines = transcriptOf(dataDir, s.id)
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(parentLines.some((l) => l.session_id === child!.id)).toBe(false);
  });
});
