import { describe, expect, it } from "vitest";
import {
  aliasTarget,
  capabilityOverrideSchema,
  catalogEntries,
  findByAnthropicName,
  lookupModel,
} from "./catalog.js";
import { parseModelId } from "./model-id.js";

describe("catalog data", () => {
  it("includes the models Quarry promises, with Bedrock IDs as in WIRE.md §12", () => {
    const ids = catalogEntries().map((e) => e.id);
    for (const id of [
      "anthropic.claude-3-haiku-20240307-v1:0",
      "anthropic.claude-3-5-haiku-20241022-v1:0",
      "anthropic.claude-3-7-sonnet-20250219-v1:0",
      "anthropic.claude-sonnet-4-20250514-v1:0",
      "anthropic.claude-sonnet-4-5-20250929-v1:0",
      "anthropic.claude-sonnet-4-6",
      "anthropic.claude-opus-4-1-20250805-v1:0",
      "anthropic.claude-opus-4-5-20251101-v1:0",
      "anthropic.claude-opus-4-6-v1",
      "anthropic.claude-haiku-4-5-20251001-v1:0",
      "anthropic.claude-sonnet-5",
      "anthropic.claude-opus-5",
      "anthropic.claude-opus-4-7",
      "anthropic.claude-opus-5-5",
    ]) {
      expect(ids, id).toContain(id);
    }
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("every entry is a valid foundation-model ID with sane numbers", () => {
    for (const entry of catalogEntries()) {
      expect(parseModelId(entry.id).kind, entry.id).toBe("foundation-model");
      expect(entry.maxOutput.default).toBeLessThanOrEqual(entry.maxOutput.upper);
      expect(entry.price.cacheRead).toBeLessThan(entry.price.input);
      expect(entry.price.cacheWrite).toBeGreaterThan(entry.price.input);
      if (entry.context1m === "native") expect(entry.contextWindow).toBe(1_000_000);
    }
  });

  it("only old models allow on-demand bare IDs", () => {
    expect(lookupModel("anthropic.claude-3-haiku-20240307-v1:0").onDemand).toBe(true);
    expect(lookupModel("anthropic.claude-3-7-sonnet-20250219-v1:0").onDemand).toBe(false);
    expect(lookupModel("anthropic.claude-sonnet-4-6").onDemand).toBe(false);
  });

  it("aliases point at catalog models of their family", () => {
    expect(aliasTarget("opus")).toBe("anthropic.claude-opus-4-6-v1");
    expect(aliasTarget("sonnet")).toBe("anthropic.claude-sonnet-4-6");
    expect(aliasTarget("haiku")).toBe("anthropic.claude-haiku-4-5-20251001-v1:0");
    for (const alias of ["opus", "sonnet", "haiku"] as const) {
      expect(lookupModel(aliasTarget(alias))).toMatchObject({ known: true, family: alias });
    }
  });

  it("maps Anthropic API names", () => {
    expect(findByAnthropicName("claude-sonnet-4-5")?.id).toBe("anthropic.claude-sonnet-4-5-20250929-v1:0");
    expect(findByAnthropicName("claude-nope")).toBeUndefined();
  });
});

describe("lookupModel", () => {
  it("returns catalog capabilities", () => {
    expect(lookupModel("anthropic.claude-opus-4-6-v1")).toMatchObject({
      known: true,
      displayName: "Claude Opus 4.6",
      contextWindow: 200_000,
      maxOutputDefault: 64_000,
      maxOutputUpper: 128_000,
      thinking: "adaptive",
      promptCaching: true,
      price: { input: 5, output: 25, cacheWrite: 6.25, cacheRead: 0.5 },
    });
    expect(lookupModel("anthropic.claude-opus-4-7").thinking).toBe("adaptive");
    expect(lookupModel("anthropic.claude-3-5-haiku-20241022-v1:0")).toMatchObject({
      thinking: "none",
      vision: false,
    });
  });

  it("unknown models get conservative defaults and known: false", () => {
    expect(lookupModel("anthropic.claude-mystery-9")).toMatchObject({
      foundationModelId: "anthropic.claude-mystery-9",
      known: false,
      contextWindow: 200_000,
      maxOutputDefault: 8192,
      promptCaching: false,
      toolUse: true,
      onDemand: false,
    });
    expect(lookupModel("anthropic.claude-mystery-9").price).toBeUndefined();
    // Non-Claude models are not assumed to need a profile.
    expect(lookupModel("meta.llama3-70b-instruct-v1:0").onDemand).toBe(true);
  });

  it("merges overrides on top, price field by field", () => {
    const caps = lookupModel("anthropic.claude-sonnet-4-6", {
      "anthropic.claude-sonnet-4-6": { contextWindow: 1_000_000, price: { input: 3.3 } },
    });
    expect(caps.contextWindow).toBe(1_000_000);
    expect(caps.price).toEqual({ input: 3.3, output: 15, cacheWrite: 3.75, cacheRead: 0.3 });
    expect(caps.known).toBe(true);
    expect(
      lookupModel("anthropic.claude-mystery-9", { "anthropic.claude-mystery-9": { promptCaching: true } }),
    ).toMatchObject({ known: false, promptCaching: true });
  });

  it("override schema rejects unknown keys and wrong types", () => {
    expect(capabilityOverrideSchema.safeParse({ thinking: "adaptive", contextWindow: 1000 }).success).toBe(
      true,
    );
    expect(capabilityOverrideSchema.safeParse({ thinking: "maybe" }).success).toBe(false);
    expect(capabilityOverrideSchema.safeParse({ contextWindw: 5 }).success).toBe(false);
    expect(capabilityOverrideSchema.safeParse({ price: { input: 1 } }).success).toBe(true);
  });
});
