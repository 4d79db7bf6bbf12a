import { GetFoundationModelCommand, ListFoundationModelsCommand } from "@aws-sdk/client-bedrock";
import { ConverseCommand, ConverseStreamCommand } from "@aws-sdk/client-bedrock-runtime";
import { describe, expect, it } from "vitest";
import { defaultWorld, multiFamilyWorld, type WorldInput } from "../../emulator/index.js";
import { sharedEmulator } from "./helpers.js";

/**
 * ListFoundationModels / GetFoundationModel (WIRE.md §10.1–10.2) through the unmodified @aws-sdk/client-bedrock:
 * every field Quarry keeps (src/bedrock/account-models.ts) is present and realistic for every world model.
 */

const PROVIDERS = new Set(["Anthropic", "Amazon", "Meta", "DeepSeek", "OpenAI", "Mistral AI", "Qwen"]);

function checkListing(name: string, world: () => WorldInput) {
  describe(`${name}: the listing`, () => {
    const emu = sharedEmulator(world);

    it("lists every runtime model with the fields the account answers with, and GetFoundationModel agrees", async () => {
      const client = emu.bedrock();
      const out = await client.send(new ListFoundationModelsCommand({}));
      const summaries = out.modelSummaries ?? [];
      const expected = (world().models ?? []).filter((m) => m.serving !== "mantle");
      expect(summaries.map((s) => s.modelId).sort()).toEqual(expected.map((m) => m.modelId).sort());
      for (const s of summaries) {
        expect(s.modelArn).toBe(`arn:aws:bedrock:us-east-1::foundation-model/${s.modelId}`);
        expect(PROVIDERS.has(s.providerName ?? "")).toBe(true);
        expect(s.modelName?.length).toBeGreaterThan(0);
        expect(s.inputModalities).toContain("TEXT");
        expect(s.outputModalities).toEqual(["TEXT"]);
        expect(typeof s.responseStreamingSupported).toBe("boolean");
        expect(s.inferenceTypesSupported?.length).toBe(1);
        expect(["ON_DEMAND", "INFERENCE_PROFILE"]).toContain(s.inferenceTypesSupported?.[0]);
        expect(["ACTIVE", "LEGACY"]).toContain(s.modelLifecycle?.status);
        const one = await client.send(new GetFoundationModelCommand({ modelIdentifier: s.modelId }));
        expect(one.modelDetails).toEqual(s);
      }
    });
  });
}

checkListing("defaultWorld()", defaultWorld);
checkListing("multiFamilyWorld()", multiFamilyWorld);

describe("modalities per family, and a model that does not stream", () => {
  const emu = sharedEmulator(() => {
    const w = multiFamilyWorld();
    w.models!.find((m) => m.modelId === "amazon.nova-lite-v1:0")!.responseStreaming = false;
    w.script = [{ reply: { content: [{ type: "text", text: "ok" }] } }];
    return w;
  });
  const modalities = async (id: string) =>
    (await emu.bedrock().send(new GetFoundationModelCommand({ modelIdentifier: id }))).modelDetails
      ?.inputModalities;

  it("Claude, Nova Lite/Pro and Llama 4 take images; Nova Micro, Llama 3.3, DeepSeek, gpt-oss, Mistral, Qwen do not", async () => {
    expect(await modalities("anthropic.claude-sonnet-4-6")).toEqual(["TEXT", "IMAGE"]);
    expect(await modalities("amazon.nova-pro-v1:0")).toEqual(["TEXT", "IMAGE", "VIDEO"]);
    expect(await modalities("meta.llama4-maverick-17b-instruct-v1:0")).toEqual(["TEXT", "IMAGE"]);
    for (const id of [
      "amazon.nova-micro-v1:0",
      "meta.llama3-3-70b-instruct-v1:0",
      "deepseek.v3-v1:0",
      "openai.gpt-oss-120b-1:0",
      "mistral.mistral-large-2407-v1:0",
      "qwen.qwen3-coder-30b-a3b-v1:0",
    ])
      expect(await modalities(id)).toEqual(["TEXT"]);
  });

  it("responseStreamingSupported: false is listed, and ConverseStream is refused while Converse works", async () => {
    const details = (
      await emu.bedrock().send(new GetFoundationModelCommand({ modelIdentifier: "amazon.nova-lite-v1:0" }))
    ).modelDetails;
    expect(details?.responseStreamingSupported).toBe(false);
    const input = {
      modelId: "amazon.nova-lite-v1:0",
      messages: [{ role: "user" as const, content: [{ text: "hi" }] }],
    };
    await expect(emu.runtime().send(new ConverseStreamCommand(input))).rejects.toThrow(
      "The model is unsupported for streaming.",
    );
    const ok = await emu.runtime().send(new ConverseCommand(input));
    expect(ok.output?.message?.content?.[0]?.text).toBe("ok");
  });

  it("an image block to a text-only model is refused; the same block to Nova Pro is served", async () => {
    const image = { image: { format: "png" as const, source: { bytes: Buffer.from("89504e47", "hex") } } };
    const ask = (modelId: string) =>
      emu.runtime().send(
        new ConverseCommand({
          modelId,
          messages: [{ role: "user", content: [{ text: "what is this" }, image] }],
        }),
      );
    await expect(ask("amazon.nova-micro-v1:0")).rejects.toThrow(/doesn't support the image content block/);
    expect((await ask("amazon.nova-pro-v1:0")).output?.message?.content?.[0]?.text).toBe("ok");
  });
});
