import {
  ConverseCommand,
  ConverseStreamCommand,
  type ConverseStreamOutput,
  type Message,
  type Tool,
} from "@aws-sdk/client-bedrock-runtime";
import { describe, expect, it } from "vitest";
import { caught, collect, sharedEmulator, statusOf, US_SONNET45, worldWith } from "./helpers.js";

/**
 * Converse and ConverseStream beyond plain text (WIRE.md §4.4, §4.5): tool use round trips, streamed tool
 * input, reasoning, stop sequences and max_tokens, all read back through the AWS SDK's own shapes.
 */

const emu = sharedEmulator(
  worldWith((w) => {
    w.script = [
      {
        promptIncludes: "weather in Paris",
        turn: 1,
        reply: {
          content: [
            { type: "text", text: "Let me check." },
            {
              type: "tool_use",
              name: "get_weather",
              input: { city: "Paris", unit: "celsius", days: [1, 2] },
            },
          ],
        },
      },
      {
        turn: 2,
        promptIncludes: "18 degrees",
        reply: { content: [{ type: "text", text: "It is 18 degrees in Paris." }] },
      },
      {
        promptIncludes: "think first",
        reply: {
          content: [
            { type: "thinking", thinking: "The user wants a short answer.", signature: "sig-fixed-001" },
            { type: "text", text: "Short answer." },
          ],
        },
      },
      {
        promptIncludes: "count to ten",
        reply: { content: [{ type: "text", text: "one two three STOP four five" }] },
      },
    ];
  }),
);

const TOOLS: Tool[] = [
  {
    toolSpec: {
      name: "get_weather",
      description: "Weather for a city",
      inputSchema: { json: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } },
    },
  },
];

const ask = (text: string): Message[] => [{ role: "user", content: [{ text }] }];

/** The union member a ConverseStream event carries. */
const kind = (e: ConverseStreamOutput) => Object.entries(e).find(([, v]) => v !== undefined)?.[0];

describe("tool use", () => {
  it("a tool call comes back as a toolUse block with a tooluse_ ID, and the tool result continues the turn", async () => {
    const client = emu.runtime();
    const first = await client.send(
      new ConverseCommand({
        modelId: US_SONNET45,
        system: [{ text: "You are a weather bot." }],
        messages: ask("What is the weather in Paris?"),
        toolConfig: { tools: TOOLS, toolChoice: { auto: {} } },
      }),
    );
    expect(first.stopReason).toBe("tool_use");
    const content = first.output!.message!.content!;
    expect(content[0]).toEqual({ text: "Let me check." });
    const toolUse = content[1]!.toolUse!;
    expect(toolUse.name).toBe("get_weather");
    expect(toolUse.input).toEqual({ city: "Paris", unit: "celsius", days: [1, 2] });
    expect(toolUse.toolUseId).toMatch(/^tooluse_[A-Za-z0-9_-]{22}$/);

    const second = await client.send(
      new ConverseCommand({
        modelId: US_SONNET45,
        messages: [
          ...ask("What is the weather in Paris?"),
          first.output!.message!,
          {
            role: "user",
            content: [
              {
                toolResult: {
                  toolUseId: toolUse.toolUseId,
                  content: [{ text: "18 degrees, sunny" }],
                  status: "success",
                },
              },
            ],
          },
        ],
        toolConfig: { tools: TOOLS },
      }),
    );
    expect(second.stopReason).toBe("end_turn");
    expect(second.output!.message!.content).toEqual([{ text: "It is 18 degrees in Paris." }]);
    // The request reached the emulator as Converse JSON, tool result included.
    const body = emu.last().body as { messages: { content: { toolResult?: { toolUseId: string } }[] }[] };
    expect(body.messages[2]!.content[0]!.toolResult!.toolUseId).toBe(toolUse.toolUseId);
  });

  it.each([
    ["HTTP/2", false],
    ["HTTP/1.1", true],
  ])("ConverseStream streams the tool call: contentBlockStart(toolUse) then partial JSON input deltas (%s)", async (_n, h1) => {
    const client = h1 ? emu.runtimeH1() : emu.runtime();
    const out = await client.send(
      new ConverseStreamCommand({
        modelId: US_SONNET45,
        messages: ask("What is the weather in Paris?"),
        toolConfig: { tools: TOOLS },
      }),
    );
    const events = await collect(out.stream);
    const starts = events.filter((e) => e.contentBlockStart);
    // Only the tool block gets a contentBlockStart (real Bedrock sends none for text).
    expect(starts).toHaveLength(1);
    const start = starts[0]!.contentBlockStart!;
    expect(start.contentBlockIndex).toBe(1);
    expect(start.start?.toolUse?.name).toBe("get_weather");
    expect(start.start?.toolUse?.toolUseId).toMatch(/^tooluse_/);
    const input = events
      .filter((e) => e.contentBlockDelta?.contentBlockIndex === 1)
      .map((e) => e.contentBlockDelta!.delta!.toolUse!.input)
      .join("");
    expect(JSON.parse(input)).toEqual({ city: "Paris", unit: "celsius", days: [1, 2] });
    const text = events
      .filter((e) => e.contentBlockDelta?.contentBlockIndex === 0)
      .map((e) => e.contentBlockDelta!.delta!.text);
    expect(text.join("")).toBe("Let me check.");
    expect(
      events.filter((e) => e.contentBlockStop).map((e) => e.contentBlockStop!.contentBlockIndex),
    ).toEqual([0, 1]);
    expect(events.map(kind).slice(-2)).toEqual(["messageStop", "metadata"]);
    expect(events.at(-2)!.messageStop!.stopReason).toBe("tool_use");
  });
});

describe("reasoning, stop sequences and limits", () => {
  it("a thinking block is returned as reasoningContent.reasoningText with its signature", async () => {
    const out = await emu
      .runtime()
      .send(new ConverseCommand({ modelId: US_SONNET45, messages: ask("think first please") }));
    expect(out.output!.message!.content).toEqual([
      {
        reasoningContent: {
          reasoningText: { text: "The user wants a short answer.", signature: "sig-fixed-001" },
        },
      },
      { text: "Short answer." },
    ]);
  });

  it("ConverseStream streams reasoning as reasoningContent text and signature deltas", async () => {
    const out = await emu
      .runtime()
      .send(new ConverseStreamCommand({ modelId: US_SONNET45, messages: ask("think first please") }));
    const events = await collect(out.stream);
    const reasoning = events
      .filter((e) => e.contentBlockDelta?.delta?.reasoningContent)
      .map((e) => e.contentBlockDelta!.delta!.reasoningContent!);
    expect(reasoning.map((r) => r.text ?? "").join("")).toBe("The user wants a short answer.");
    expect(reasoning.map((r) => r.signature).filter(Boolean)).toEqual(["sig-fixed-001"]);
    expect(events.some((e) => e.contentBlockStart)).toBe(false);
  });

  it("a stop sequence cuts the text and reports stop_sequence", async () => {
    const out = await emu.runtime().send(
      new ConverseCommand({
        modelId: US_SONNET45,
        messages: ask("count to ten"),
        inferenceConfig: { stopSequences: ["STOP"] },
      }),
    );
    expect(out.stopReason).toBe("stop_sequence");
    expect(out.output!.message!.content).toEqual([{ text: "one two three " }]);
  });

  it("maxTokens caps the output and reports max_tokens", async () => {
    const out = await emu.runtime().send(
      new ConverseCommand({
        modelId: US_SONNET45,
        messages: ask("count to ten"),
        inferenceConfig: { maxTokens: 2 },
      }),
    );
    expect(out.stopReason).toBe("max_tokens");
    expect(out.usage!.outputTokens).toBe(2);
  });

  // A system-only Converse call (no messages) is refused as "must start with a user message" by real Bedrock
  // (seen in the field: elastic/kibana#246393, whose adapter sent the system prompt alone).
  it("a Converse request without messages is refused: the conversation must start with a user message", async () => {
    const err = await caught(() =>
      emu
        .runtime()
        .send(
          new ConverseCommand({ modelId: US_SONNET45, system: [{ text: "You are terse." }], messages: [] }),
        ),
    );
    expect(err.name).toBe("ValidationException");
    expect(statusOf(err)).toBe(400);
    expect(err.message).toBe(
      "A conversation must start with a user message. Try again with a conversation that starts with a user message.",
    );
  });

  it("consecutive user messages are refused: roles must alternate", async () => {
    const err = await caught(() =>
      emu
        .runtime()
        .send(new ConverseCommand({ modelId: US_SONNET45, messages: [...ask("one"), ...ask("two")] })),
    );
    expect(err.name).toBe("ValidationException");
    expect(err.message).toBe(
      "A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.",
    );
  });
});
