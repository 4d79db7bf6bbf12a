import { describe, expect, it } from "vitest";
import { multiFamilyWorld } from "../../emulator/index.js";
import { lookupModel } from "../../src/bedrock/catalog.js";
import { QuarryError } from "../../src/model/errors.js";
import type { Message, ProviderEvent } from "../../src/model/types.js";
import { CLAUDE_CONVERSE_FEATURES, describeFromName } from "../../src/providers/converse-body.js";
import { ConverseClient, type ConverseRoute } from "../../src/providers/converse-client.js";
import { converseStopOutcome } from "../../src/providers/converse-stop.js";
import { sharedEmulator } from "../conformance/helpers.js";

const SONNET = "anthropic.claude-sonnet-4-5-20250929-v1:0";
const TOOLS = [
  {
    name: "Read",
    description: "Reads a file.",
    input_schema: { type: "object", properties: { file_path: { type: "string" } } },
  },
  // An MCP tool without a description: Converse refuses an empty one.
  { name: "mcp__github__create_issue", description: "", input_schema: { type: "object" } },
];

const emu = sharedEmulator(() => {
  const w = multiFamilyWorld();
  w.script = [
    {
      model: "claude-sonnet-4-5",
      turn: 1,
      reply: {
        content: [
          { type: "thinking", thinking: "Read it first." },
          { type: "tool_use", id: "tooluse_read1", name: "Read", input: { file_path: "a.txt" } },
        ],
        stopReason: "tool_use",
      },
    },
    { model: "claude-sonnet-4-5", turn: 2, reply: { content: [{ type: "text", text: "Done." }] } },
    { model: "nova-micro", reply: { content: [{ type: "text", text: "A short title" }] } },
  ];
  return w;
});

function route(sendId: string, fm = sendId): ConverseRoute {
  const caps = lookupModel(fm);
  return {
    sendId,
    foundationModelId: fm,
    region: "us-east-1",
    client: emu.runtime(),
    defaultMaxTokens: 4096,
    promptCaching: caps.promptCaching,
    context: { model: sendId, region: "us-east-1" },
    converseFeatures: caps.converseFeatures ?? CLAUDE_CONVERSE_FEATURES,
    anthropic: fm.startsWith("anthropic."),
  };
}

async function collect(events: AsyncIterable<ProviderEvent>): Promise<ProviderEvent[]> {
  const out: ProviderEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
}

describe("ConverseClient against the strict emulator (unmodified AWS SDK)", () => {
  it("Claude over Converse with thinking: the signed reasoning is returned and replayed, and the emulator checks it", async () => {
    const client = new ConverseClient();
    const r = route(`us.${SONNET}`, SONNET);
    const request = {
      system: "You are terse.",
      messages: [{ role: "user" as const, content: "read a.txt" }],
      tools: TOOLS,
      thinkingBudget: 2048,
      maxTokens: 8000,
    };
    const events = await collect(client.stream(r, request, { caching: true }));
    const stop = events.find((e) => e.type === "message_stop");
    if (stop?.type !== "message_stop") throw new Error("no message_stop");
    expect(stop.message.stopReason).toBe("tool_use");
    const [thinking, call] = stop.message.content;
    expect(thinking).toMatchObject({ type: "thinking", thinking: "Read it first." });
    expect(thinking?.type === "thinking" && thinking.signature).toBeTruthy();
    expect(call).toMatchObject({
      type: "tool_use",
      id: "tooluse_read1",
      name: "Read",
      input: { file_path: "a.txt" },
    });

    const history: Message[] = [
      ...request.messages,
      { role: "assistant", content: stop.message.content },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "tooluse_read1", content: "" }] },
    ];
    const mark = emu.mark();
    const second = await collect(client.stream(r, { ...request, messages: history }, { caching: true }));
    const last = second.at(-1);
    // With thinking on every answer starts with a signed thinking block; the text follows it.
    expect(last?.type === "message_stop" && last.message.content.at(-1)).toEqual({
      type: "text",
      text: "Done.",
    });
    const sent = emu.since(mark)[0]!.body as {
      messages: { content: Record<string, unknown>[] }[];
      toolConfig: { tools: { toolSpec?: { description: string } }[] };
    };
    // Replayed exactly as returned (a changed signature is refused by the emulator's thinking rule).
    expect(sent.messages[1]!.content[0]).toEqual({
      reasoningContent: {
        reasoningText: { text: "Read it first.", signature: (thinking as { signature: string }).signature },
      },
    });
    // Blank tool output became text Converse accepts; the empty description was filled from the name.
    expect(sent.messages[2]!.content[0]).toMatchObject({
      toolResult: { content: [{ text: "(empty)" }], status: "success" },
    });
    expect(sent.toolConfig.tools[1]!.toolSpec!.description).toBe(
      describeFromName("mcp__github__create_issue"),
    );
  });

  it("a Nova side call (no tools) over Converse, with usage", async () => {
    const message = await new ConverseClient().invoke(
      route("amazon.nova-micro-v1:0"),
      { messages: [{ role: "user", content: "title?" }] },
      { caching: false },
    );
    expect(message.content).toEqual([{ type: "text", text: "A short title" }]);
    expect(message.usage.outputTokens).toBeGreaterThan(0);
  });

  it("the emulator refuses what each family refuses, with Bedrock's texts", async () => {
    const { ConverseStreamCommand, ConverseCommand } = await import("@aws-sdk/client-bedrock-runtime");
    const client = emu.runtime();
    const toolConfig = {
      tools: [
        { toolSpec: { name: "Read", description: "Reads.", inputSchema: { json: { type: "object" } } } },
      ],
    };
    const messages = [{ role: "user" as const, content: [{ text: "hi" }] }];
    await expect(
      client.send(
        new ConverseStreamCommand({ modelId: "us.meta.llama3-3-70b-instruct-v1:0", messages, toolConfig }),
      ),
    ).rejects.toThrow("This model doesn't support tool use in streaming mode.");
    await expect(
      client.send(new ConverseCommand({ modelId: "us.deepseek.r1-v1:0", messages, toolConfig })),
    ).rejects.toThrow("This model doesn't support tool use.");
    await expect(
      client.send(
        new ConverseCommand({
          modelId: "amazon.nova-pro-v1:0",
          messages,
          toolConfig: { tools: [...toolConfig.tools, { cachePoint: { type: "default" } }] },
        }),
      ),
    ).rejects.toThrow("did not allow prompt caching");
    await expect(
      client.send(
        new ConverseCommand({
          modelId: "amazon.nova-pro-v1:0",
          messages,
          additionalModelRequestFields: { thinking: { type: "enabled", budget_tokens: 1024 } },
        }),
      ),
    ).rejects.toThrow("extraneous key [thinking] is not permitted");
    await expect(
      client.send(
        new ConverseCommand({
          modelId: "amazon.nova-pro-v1:0",
          messages,
          toolConfig: {
            tools: [{ toolSpec: { name: "X", description: "", inputSchema: { json: { type: "object" } } } }],
          },
        }),
      ),
    ).rejects.toThrow("'toolConfig.tools.1.member.toolSpec.description' failed to satisfy constraint");
  });
});

describe("Converse stop reasons", () => {
  const ctx = { model: "amazon.nova-pro-v1:0", region: "us-east-1" };
  it.each(["end_turn", "tool_use", "max_tokens", "stop_sequence"])("%s is a normal stop", (reason) => {
    expect(converseStopOutcome(reason, ctx)).toEqual({ kind: "stop", stopReason: reason });
  });

  it("guardrail_intervened ends the turn normally with a notice naming the guardrail", () => {
    const outcome = converseStopOutcome("guardrail_intervened", ctx);
    expect(outcome).toMatchObject({ kind: "stop", stopReason: "end_turn" });
    expect(outcome.kind === "stop" && outcome.notice).toContain("guardrail intervened");
  });

  it.each([
    ["content_filtered", "bad-request", false, "content filter", "rephrase the request"],
    [
      "malformed_tool_use",
      "model-error",
      true,
      "a tool call Bedrock could not parse",
      "Quarry retries the turn",
    ],
    [
      "malformed_model_output",
      "model-error",
      true,
      "output Bedrock could not parse",
      "Quarry retries the turn",
    ],
    ["model_context_window_exceeded", "context-too-long", false, "context window", "/compact"],
  ])("%s is a QuarryError (%s) with a fix", (reason, kind, retryable, explanation, fix) => {
    const outcome = converseStopOutcome(reason, ctx);
    if (outcome.kind !== "error") throw new Error("expected an error");
    expect(outcome.error).toBeInstanceOf(QuarryError);
    expect(outcome.error).toMatchObject({ kind, retryable, model: ctx.model });
    expect(outcome.error.explanation).toContain(explanation);
    expect(outcome.error.fix).toContain(fix);
  });
});
