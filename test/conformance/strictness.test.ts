import {
  ConverseCommand,
  CountTokensCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
  type Message,
} from "@aws-sdk/client-bedrock-runtime";
import { describe, expect, it } from "vitest";
import {
  anthropicBody,
  caught,
  decodeChunk,
  MODELS,
  sharedEmulator,
  statusOf,
  worldWith,
} from "./helpers.js";

/**
 * The emulator refuses what Bedrock refuses (docs/emulator-rules.md): every rule is driven through the
 * unmodified AWS SDK (HTTP/2 and HTTP/1.1) or the Anthropic Bedrock SDK, asserting the exception name, the
 * HTTP status and Bedrock's text.
 */

const emu = sharedEmulator(
  worldWith((w) => {
    // One identity limited to us-east-1 by an aws:RequestedRegion condition, for the IAM test.
    w.identities!.push({
      name: "us-only",
      arn: "arn:aws:iam::123456789012:user/us-only",
      accessKeys: [{ accessKeyId: "AKIAUSONLYEXAMPLE000", secretAccessKey: "us-only-secret" }],
      policy: [
        {
          effect: "Allow",
          actions: ["bedrock:*"],
          resources: ["*"],
          condition: { StringEquals: { "aws:RequestedRegion": "us-east-1" } },
        },
      ],
    });
  }),
);
const PREFIX = "The model returned the following errors: ";
const SONNET = `us.${MODELS.sonnet45}`;
const SONNET46 = `us.${MODELS.sonnet46}`;

type Body = Record<string, unknown>;
const body = (extra: Body): string => anthropicBody("hi", extra);
const toolUse = (id: string) => ({ type: "tool_use", id, name: "Read", input: { path: "a.txt" } });
const toolResult = (id: string) => ({ type: "tool_result", tool_use_id: id, content: "text of a.txt" });
const user = (content: unknown) => ({ role: "user", content });
const assistant = (content: unknown) => ({ role: "assistant", content });

/** Sends an InvokeModel body over h2 and h1; both must fail the same way. Returns the h2 error. */
async function refusedInvoke(payload: string, modelId = SONNET): Promise<Error & Record<string, unknown>> {
  const errors = [];
  for (const client of [emu.runtime({ maxAttempts: 1 }), emu.runtimeH1({ maxAttempts: 1 })]) {
    errors.push(await caught(() => client.send(new InvokeModelCommand({ modelId, body: payload }))));
  }
  expect(errors[1]!.name).toBe(errors[0]!.name);
  expect(errors[1]!.message).toBe(errors[0]!.message);
  expect(statusOf(errors[0])).toBe(400);
  expect(errors[0]!.name).toBe("ValidationException");
  return errors[0]!;
}

async function invokeOk(payload: string, modelId = SONNET): Promise<Record<string, unknown>> {
  const out = await emu.runtime().send(new InvokeModelCommand({ modelId, body: payload }));
  return JSON.parse(out.body.transformToString());
}

describe("InvokeModel: tool use and results pair up", () => {
  it("a tool_use without a tool_result in the next message is refused with Claude's text", async () => {
    const err = await refusedInvoke(
      body({ messages: [user("read a.txt"), assistant([toolUse("toolu_1")]), user("and then?")] }),
    );
    expect(err.message).toBe(
      `${PREFIX}messages.1: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: toolu_1. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`,
    );
  });

  it("a tool_result answering nothing is refused", async () => {
    const err = await refusedInvoke(
      body({ messages: [user("hi"), assistant("hello"), user([toolResult("toolu_9")])] }),
    );
    expect(err.message).toBe(
      `${PREFIX}messages.2.content.0: unexpected \`tool_use_id\` found in \`tool_result\` blocks: toolu_9. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`,
    );
  });

  it("a repeated tool_use id is refused", async () => {
    const err = await refusedInvoke(
      body({
        messages: [
          user("go"),
          assistant([toolUse("toolu_1")]),
          user([toolResult("toolu_1")]),
          assistant([toolUse("toolu_1")]),
          user([toolResult("toolu_1")]),
        ],
      }),
    );
    expect(err.message).toBe(
      `${PREFIX}messages.3.content.0: \`tool_use\` ids must be unique, found duplicate: toolu_1`,
    );
  });

  it("consecutive user messages merge into one turn, so results split across them still pair", async () => {
    const reply = await invokeOk(
      body({
        messages: [
          user("read both"),
          assistant([toolUse("toolu_a"), toolUse("toolu_b")]),
          user([toolResult("toolu_a")]),
          user([toolResult("toolu_b")]),
        ],
      }),
    );
    expect(reply.type).toBe("message");
  });
});

describe("InvokeModel: content and roles", () => {
  it.each([
    [
      "an empty text block",
      [user([{ type: "text", text: "" }])],
      "messages: text content blocks must be non-empty",
    ],
    [
      "a whitespace-only text block",
      [user([{ type: "text", text: "  \n" }])],
      "messages: text content blocks must contain non-whitespace text",
    ],
    [
      "empty content before the end",
      [user([]), assistant("x"), user("y")],
      "messages.0: all messages must have non-empty content except for the optional final assistant message",
    ],
    ["an assistant first", [assistant("hi"), user("x")], 'messages: first message must use the "user" role'],
  ])("%s is refused", async (_label, messages, text) => {
    const err = await refusedInvoke(body({ messages }));
    expect(err.message).toBe(`${PREFIX}${text}`);
  });

  it("an unknown top-level key is refused by Bedrock's schema", async () => {
    const err = await refusedInvoke(body({ model: "claude", colour: "blue" }));
    expect(err.message).toBe(
      "Malformed input request: #: extraneous key [model] is not permitted#: extraneous key [colour] is not permitted, please reformat your input and try again.",
    );
  });

  it("duplicate tool names are refused", async () => {
    const tool = { name: "Read", description: "read", input_schema: { type: "object" } };
    const err = await refusedInvoke(body({ tools: [tool, tool] }));
    expect(err.message).toBe(`${PREFIX}tools: Tool names must be unique.`);
  });
});

describe("InvokeModel: numeric bounds per model", () => {
  it.each([
    [{ temperature: 1.5 }, SONNET46, "temperature: Input should be less than or equal to 1"],
    [{ top_p: -0.1 }, SONNET46, "top_p: Input should be greater than or equal to 0"],
    [
      { temperature: 0.5, top_p: 0.9 },
      SONNET,
      "`temperature` and `top_p` cannot both be specified for this model. Please use only one.",
    ],
    [{ temperature: 0.2 }, `global.${MODELS.opus47}`, "temperature is deprecated for this model."],
    [
      { max_tokens: 64_001 },
      SONNET,
      "max_tokens: 64001 > 64000, which is the maximum allowed number of output tokens for claude-sonnet-4-5-20250929",
    ],
  ])("%j on %s is refused", async (extra, modelId, text) => {
    const err = await refusedInvoke(body(extra), modelId);
    expect(err.message).toBe(`${PREFIX}${text}`);
  });

  it("the same temperature and top_p pass on a model that takes both", async () => {
    expect((await invokeOk(body({ temperature: 0.5, top_p: 0.9 }), SONNET46)).type).toBe("message");
  });
});

describe("InvokeModel: extended thinking", () => {
  const thinking = { type: "enabled", budget_tokens: 2048 };

  it.each([
    [
      { max_tokens: 4096, thinking: { type: "enabled", budget_tokens: 512 } },
      "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024",
    ],
    [
      { max_tokens: 2048, thinking },
      "`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size",
    ],
    [
      { max_tokens: 4096, thinking, temperature: 0.3 },
      "`temperature` may only be set to 1 when thinking is enabled. Please consult our documentation at https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking#important-considerations-when-using-extended-thinking",
    ],
  ])("%j is refused", async (extra, text) => {
    const err = await refusedInvoke(body(extra), SONNET46);
    expect(err.message).toBe(`${PREFIX}${text}`);
  });

  it('"enabled" thinking is refused on an adaptive-only model', async () => {
    const err = await refusedInvoke(body({ max_tokens: 4096, thinking }), `us.${MODELS.opus48}`);
    expect(err.message).toBe(
      `${PREFIX}"thinking.type.enabled" is not supported for this model. Use "thinking.type.adaptive" and "output_config.effort" to control thinking behavior.`,
    );
  });

  it("returns a signed thinking block whenever thinking is on, and wants it back first on the tool turn", async () => {
    const client = emu.anthropic();
    const first = await client.messages.create({
      model: SONNET46,
      max_tokens: 4096,
      thinking: { type: "enabled", budget_tokens: 2048 },
      messages: [{ role: "user", content: "think, then answer" }],
    });
    const head = first.content[0]!;
    expect(head.type).toBe("thinking");
    expect(head.type === "thinking" && head.signature.length).toBeGreaterThan(16);
    // A client that drops the thinking block when it replays a tool turn is refused as Claude refuses it.
    const err = await caught(() =>
      client.messages.create({
        model: SONNET46,
        max_tokens: 4096,
        thinking: { type: "enabled", budget_tokens: 2048 },
        messages: [
          { role: "user", content: "read a.txt" },
          { role: "assistant", content: [{ type: "tool_use", id: "toolu_t", name: "Read", input: {} }] },
          { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_t", content: "x" }] },
        ],
      }),
    );
    expect(err.status).toBe(400);
    expect(err.message).toBe(
      `400 ${PREFIX}messages.1.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`tool_use\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block (preceeding the lastmost set of \`tool_use\` and \`tool_result\` blocks). We recommend you include thinking blocks from previous turns. To avoid this requirement, disable \`thinking\`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking`,
    );
    // Replaying the signed block unchanged passes.
    const ok = await client.messages.create({
      model: SONNET46,
      max_tokens: 4096,
      thinking: { type: "enabled", budget_tokens: 2048 },
      messages: [
        { role: "user", content: "read a.txt" },
        {
          role: "assistant",
          content: [head, { type: "tool_use", id: "toolu_t", name: "Read", input: {} }],
        },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_t", content: "x" }] },
      ],
    });
    expect(ok.content[0]!.type).toBe("thinking");
  });

  it("a thinking block sent back without its signature is refused", async () => {
    const err = await refusedInvoke(
      body({
        max_tokens: 4096,
        thinking,
        messages: [
          user("q"),
          assistant([
            { type: "thinking", thinking: "hmm" },
            { type: "text", text: "a" },
          ]),
          user("q2"),
        ],
      }),
      SONNET46,
    );
    expect(err.message).toBe(`${PREFIX}messages.1.content.0.thinking.signature: Field required`);
  });

  it("streams the thinking block with its signature delta", async () => {
    const out = await emu.runtime().send(
      new InvokeModelWithResponseStreamCommand({
        modelId: SONNET46,
        body: body({ max_tokens: 4096, thinking }),
      }),
    );
    const deltas: string[] = [];
    for await (const e of out.body ?? []) {
      const ev = decodeChunk(e.chunk?.bytes);
      if (ev.type === "content_block_delta") deltas.push(String((ev.delta as Record<string, unknown>).type));
    }
    expect(deltas).toContain("signature_delta");
  });
});

describe("InvokeModel: betas per model", () => {
  it("an unsupported beta is Bedrock's invalid beta flag 400", async () => {
    const err = await refusedInvoke(body({ anthropic_beta: ["mcp-servers-2025-12-04"] }));
    expect(err.message).toBe(`${PREFIX}invalid beta flag`);
  });

  it("Opus 4.7 takes only interleaved thinking; Claude Code's tool-search beta is refused there", async () => {
    const opus47 = `us.${MODELS.opus47}`;
    expect((await invokeOk(body({ anthropic_beta: ["interleaved-thinking-2025-05-14"] }), opus47)).type).toBe(
      "message",
    );
    const err = await refusedInvoke(body({ anthropic_beta: ["tool-search-tool-2025-10-19"] }), opus47);
    expect(err.message).toBe(`${PREFIX}invalid beta flag`);
  });

  it("today's default model takes what Claude Code 2.1.330 sends", async () => {
    const betas = [
      "interleaved-thinking-2025-05-14",
      "tool-search-tool-2025-10-19",
      "thinking-token-count-2026-05-13",
    ];
    const reply = await invokeOk(
      body({ max_tokens: 32_000, thinking: { type: "adaptive", display: "omitted" }, anthropic_beta: betas }),
      `us.${MODELS.opus55}`,
    );
    expect((reply.content as { type: string }[])[0]!.type).toBe("thinking");
  });
});

describe("Converse", () => {
  const text = (t: string) => ({ text: t });
  const tu = { toolUse: { toolUseId: "tooluse_1", name: "Read", input: {} } };
  const tr = { toolResult: { toolUseId: "tooluse_1", content: [{ text: "x" }] } };
  const tools = { tools: [{ toolSpec: { name: "Read", inputSchema: { json: { type: "object" } } } }] };

  async function refusedConverse(input: Record<string, unknown>): Promise<Error & Record<string, unknown>> {
    const errors = [];
    for (const client of [emu.runtime({ maxAttempts: 1 }), emu.runtimeH1({ maxAttempts: 1 })]) {
      errors.push(
        await caught(() => client.send(new ConverseCommand({ modelId: SONNET, ...input } as never))),
      );
    }
    expect(errors[1]!.message).toBe(errors[0]!.message);
    expect(errors[0]!.name).toBe("ValidationException");
    expect(statusOf(errors[0])).toBe(400);
    return errors[0]!;
  }

  const history: Message[] = [
    { role: "user", content: [text("read")] },
    { role: "assistant", content: [tu] },
    { role: "user", content: [tr] },
  ] as Message[];

  it("toolConfig is required when the history holds toolUse / toolResult", async () => {
    const err = await refusedConverse({ messages: history });
    expect(err.message).toBe(
      "The toolConfig field must be defined when using toolUse and toolResult content blocks.",
    );
  });

  it("the same history with toolConfig passes", async () => {
    const out = await emu
      .runtime()
      .send(new ConverseCommand({ modelId: SONNET, messages: history, toolConfig: tools as never }));
    expect(out.stopReason).toBeDefined();
  });

  it.each([
    [
      { messages: [{ role: "user", content: [text(" ")] }] },
      "The text field in the ContentBlock object at messages.0.content.0 is blank. Add text to the text field, and try again.",
    ],
    [
      {
        messages: [
          { role: "user", content: [text("a")] },
          { role: "user", content: [text("b")] },
        ],
      },
      "A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.",
    ],
    [
      {
        messages: [{ role: "user", content: [text("a")] }],
        toolConfig: { tools: [], toolChoice: { auto: {} } },
      },
      "1 validation error detected: Value '[]' at 'toolConfig.tools' failed to satisfy constraint: Member must have length greater than or equal to 1",
    ],
    [
      { messages: [{ role: "user", content: [text("a")] }], inferenceConfig: { temperature: 1.5 } },
      "1 validation error detected: Value '1.5' at 'inferenceConfig.temperature' failed to satisfy constraint: Member must have value less than or equal to 1",
    ],
    [
      {
        messages: [{ role: "user", content: [text("a")] }],
        toolConfig: { tools: [tools.tools[0], tools.tools[0]] },
      },
      `${PREFIX}tools: Tool names must be unique.`,
    ],
    [
      { messages: [{ role: "user", content: [text("a")] }], inferenceConfig: { maxTokens: 64_001 } },
      "The maximum tokens you requested exceeds the model limit of 64000. Try again with a maximum tokens value that is lower than 64000.",
    ],
  ])("%j is refused", async (input, message) => {
    expect((await refusedConverse(input)).message).toBe(message);
  });
});

describe("prompt caching thresholds", () => {
  it("a tiny prompt gets no cache reads or writes", async () => {
    const tiny = body({
      system: [{ type: "text", text: "Be brief.", cache_control: { type: "ephemeral" } }],
    });
    for (let i = 0; i < 2; i++) {
      const usage = (await invokeOk(tiny)).usage as Record<string, number>;
      expect(usage.cache_creation_input_tokens).toBe(0);
      expect(usage.cache_read_input_tokens).toBe(0);
    }
  });

  it("a fifth breakpoint is refused", async () => {
    const marked = { type: "text", text: "m", cache_control: { type: "ephemeral" } };
    const err = await refusedInvoke(body({ messages: [user([marked, marked, marked, marked, marked])] }));
    expect(err.message).toBe(`${PREFIX}A maximum of 4 blocks with cache_control may be provided. Found 5.`);
  });
});

describe("CountTokens", () => {
  const input = { converse: { messages: [{ role: "user" as const, content: [{ text: "hi" }] }] } };

  it.each([
    ["an inference profile", SONNET],
    ["a model without token counting (Claude 3 Haiku)", MODELS.haiku3],
  ])("refuses %s with Bedrock's text", async (_label, modelId) => {
    const err = await caught(() => emu.runtime().send(new CountTokensCommand({ modelId, input })));
    expect(err.name).toBe("ValidationException");
    expect(statusOf(err)).toBe(400);
    expect(err.message).toBe("The provided model doesn't support counting tokens.");
  });

  it("counts for a supported foundation model", async () => {
    const out = await emu.runtime().send(new CountTokensCommand({ modelId: MODELS.sonnet45, input }));
    expect(out.inputTokens).toBeGreaterThan(0);
  });
});

describe("IAM conditions", () => {
  const creds = { accessKeyId: "AKIAUSONLYEXAMPLE000", secretAccessKey: "us-only-secret" };

  it("aws:RequestedRegion allows the named region and denies another", async () => {
    const ok = await emu
      .runtime({ credentials: creds })
      .send(new InvokeModelCommand({ modelId: `global.${MODELS.sonnet45}`, body: body({}) }))
      .catch((e: Error) => e);
    // The global profile routes to us-west-2 and eu-west-1 too: those destinations fail the condition.
    expect((ok as Error).name).toBe("AccessDeniedException");
    const err = await caught(() =>
      emu
        .runtime({ credentials: creds, region: "eu-west-1" })
        .send(new InvokeModelCommand({ modelId: `eu.${MODELS.sonnet45}`, body: body({}) })),
    );
    expect(err.name).toBe("AccessDeniedException");
    expect(statusOf(err)).toBe(403);
    expect(err.message).toMatch(
      /^User: arn:aws:iam::123456789012:user\/us-only is not authorized to perform: bedrock:InvokeModel on resource: arn:aws:bedrock:eu-west-1:123456789012:inference-profile\/eu\.anthropic/,
    );
    const bare = await emu
      .runtime({ credentials: creds })
      .send(new InvokeModelCommand({ modelId: MODELS.haiku3, body: body({}) }));
    expect(bare.contentType).toBe("application/json");
  });
});
