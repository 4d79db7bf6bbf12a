import { describe, expect, it } from "vitest";
import {
  anthropicBody,
  FakeWriter,
  fakeContext,
  requestWith,
  SONNET,
  targetFor,
  testWorld,
} from "../../test/support/emulator-runtime.js";
import type { InvocationTarget } from "../http/types.js";
import type { WorldInput } from "../world/schema.js";
import { RuntimeEngine } from "./runtime.js";

function text(rule: string) {
  return { reply: { content: [{ type: "text" as const, text: rule }] } };
}

function setup(script: WorldInput["script"]) {
  const world = testWorld({ script });
  const engine = new RuntimeEngine(world);
  return {
    world,
    async ask(body: Record<string, unknown>, target: InvocationTarget = targetFor(world, SONNET)) {
      const res = new FakeWriter();
      const ctx = fakeContext();
      await engine.handle("invoke", target, requestWith(body), ctx, res);
      const message = res.json();
      return { text: (message.content as { text?: string }[])[0]?.text, message, ctx };
    },
  };
}

const turn2 = anthropicBody({
  messages: [
    { role: "user", content: "hi" },
    {
      role: "assistant",
      content: [{ type: "tool_use", id: "t1", name: "Read", input: { path: "README.md" } }],
    },
    { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: "README contents here" }] },
  ],
});

describe("script rules", () => {
  it("matches by turn and by text inside tool results", async () => {
    const { ask } = setup([
      { turn: 1, ...text("first turn") },
      { turn: 2, promptIncludes: "README", ...text("saw the readme") },
    ]);
    expect((await ask(anthropicBody())).text).toBe("first turn");
    const second = await ask(turn2);
    expect(second.text).toBe("saw the readme");
    expect(second.ctx.notes).toMatchObject({ turn: 2, scriptRule: 1 });
  });

  it("matches by exact requested ID or by substring of the foundation-model ID", async () => {
    const { ask, world } = setup([
      { model: "us.anthropic.claude-sonnet-4-5-20250929-v1:0", ...text("profile") },
      { model: "sonnet-4-5", ...text("substring") },
    ]);
    expect((await ask(anthropicBody(), targetFor(world, SONNET, "system-profile"))).text).toBe("profile");
    expect((await ask(anthropicBody(), targetFor(world, SONNET))).text).toBe("substring");
  });

  it("falls through once a rule's times are used up", async () => {
    const { ask } = setup([{ times: 2, ...text("limited") }, text("fallback")]);
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push((await ask(anthropicBody())).text);
    expect(answers).toEqual(["limited", "limited", "fallback"]);
  });

  it("answers with a default echo when no rule matches", async () => {
    const { ask } = setup([{ promptIncludes: "never", ...text("no") }]);
    const { text: answer, message } = await ask(
      anthropicBody({ messages: [{ role: "user", content: "y".repeat(100) }] }),
    );
    expect(answer).toBe(`Emulated reply from Claude Sonnet 4.5: ${"y".repeat(60)}`);
    expect(message.stop_reason).toBe("end_turn");
  });

  it("defaults stopReason to tool_use when the reply calls a tool, and applies usage overrides", async () => {
    const { ask } = setup([
      {
        reply: {
          content: [{ type: "tool_use", name: "read", input: { path: "a" } }],
          usage: { inputTokens: 1234, outputTokens: 56 },
        },
      },
    ]);
    const { message } = await ask(anthropicBody());
    expect(message.stop_reason).toBe("tool_use");
    expect((message.content as { id: string }[])[0]!.id).toMatch(/^toolu_bdrk_01/);
    expect(message.usage).toMatchObject({ input_tokens: 1234, output_tokens: 56 });
  });

  it("honours an explicit stopReason", async () => {
    const { ask } = setup([
      { reply: { content: [{ type: "text", text: "done" }], stopReason: "stop_sequence" } },
    ]);
    expect((await ask(anthropicBody())).message.stop_reason).toBe("stop_sequence");
  });
});
