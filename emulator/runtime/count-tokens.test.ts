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
import { RuntimeEngine } from "./runtime.js";

const world = testWorld();

async function count(body: unknown, target = targetFor(world, SONNET)) {
  const res = new FakeWriter();
  await new RuntimeEngine(world).handle("count-tokens", target, requestWith(body), fakeContext(), res);
  return res;
}

describe("CountTokens", () => {
  it("counts an InvokeModel body the same way invoke reports input tokens", async () => {
    const inner = anthropicBody({
      system: "You are terse.",
      tools: [{ name: "read", description: "Read a file", input_schema: { type: "object" } }],
    });
    const res = await count({
      input: { invokeModel: { body: Buffer.from(JSON.stringify(inner)).toString("base64") } },
    });
    expect(res.headers["content-type"]).toBe("application/json");
    const counted = res.json().inputTokens as number;

    const invoked = new FakeWriter();
    await new RuntimeEngine(world).handle(
      "invoke",
      targetFor(world, SONNET),
      requestWith(inner),
      fakeContext(),
      invoked,
    );
    expect(counted).toBe((invoked.json().usage as { input_tokens: number }).input_tokens);
    expect(counted).toBeGreaterThan(10);
  });

  it("counts a Converse body", async () => {
    const res = await count({
      input: { converse: { messages: [{ role: "user", content: [{ text: "12345678" }] }] } },
    });
    expect(res.json()).toEqual({ inputTokens: 2 });
  });

  it("accepts a foundation-model ARN but refuses inference profiles", async () => {
    const body = { input: { converse: { messages: [{ role: "user", content: [{ text: "hi" }] }] } } };
    expect((await count(body, targetFor(world, SONNET, "foundation-model-arn"))).status).toBe(200);
    const err = await count(body, targetFor(world, SONNET, "system-profile")).catch((e: unknown) => e);
    expect(err).toMatchObject({
      status: 400,
      type: "ValidationException",
      message: "The provided model doesn't support counting tokens.",
    });
  });

  it("validates the inner InvokeModel body like InvokeModel", async () => {
    const inner = Buffer.from(
      JSON.stringify({ anthropic_version: "bedrock-2023-05-31", messages: [] }),
    ).toString("base64");
    const err = await count({ input: { invokeModel: { body: inner } } }).catch((e: unknown) => e);
    expect(err).toMatchObject({
      message:
        "Malformed input request: #: required key [max_tokens] not found, please reformat your input and try again.",
    });
  });
});
