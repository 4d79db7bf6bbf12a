import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { trustClass } from "../../src/config/trust-classes.js";
import { resolveAnthropicApiModel } from "../../src/providers/anthropic-api-models.js";
import { roleModel } from "../../src/providers/create-model-session.js";
import { resolveMantleModel } from "../../src/providers/mantle-models.js";
import { selectProviderWire, splitProviderPrefix } from "../../src/providers/select-provider-wire.js";
import { makeWorld, type TestWorld } from "../support/config-world.js";

let world: TestWorld;
beforeEach(() => {
  world = makeWorld();
});
afterEach(() => world.cleanup());

describe("choosing Mantle and the Anthropic API", () => {
  it("CLAUDE_CODE_USE_MANTLE picks mantle, even with CLAUDE_CODE_USE_BEDROCK=1", () => {
    const settings = world.load({ env: { CLAUDE_CODE_USE_MANTLE: "1", CLAUDE_CODE_USE_BEDROCK: "1" } });
    expect(settings.provider).toEqual({
      value: "mantle",
      source: { kind: "env", name: "CLAUDE_CODE_USE_MANTLE" },
    });
    expect(
      world.load({ env: { CLAUDE_CODE_USE_MANTLE: "0", CLAUDE_CODE_USE_BEDROCK: "1" } }).provider?.value,
    ).toBe("bedrock");
  });

  it("--provider mantle and a gateway token alone select as Claude Code does", () => {
    expect(world.load({ env: {}, flags: { provider: "mantle" } }).provider?.value).toBe("mantle");
    expect(world.load({ env: { ANTHROPIC_AUTH_TOKEN: "tok-12345678" } }).provider).toEqual({
      value: "anthropic",
      source: { kind: "env", name: "ANTHROPIC_AUTH_TOKEN" },
    });
  });

  it("reads the base URLs and keeps tokens secret; a project file needs trust to move them", () => {
    const settings = world.load({
      env: {
        ANTHROPIC_BASE_URL: "http://127.0.0.1:9/gw",
        ANTHROPIC_BEDROCK_MANTLE_BASE_URL: "http://127.0.0.1:9/anthropic",
        ANTHROPIC_AUTH_TOKEN: "tok-12345678",
      },
    });
    expect(settings.anthropicBaseUrl?.value).toBe("http://127.0.0.1:9/gw");
    expect(settings.mantleBaseUrl?.value).toBe("http://127.0.0.1:9/anthropic");
    expect(String(settings.anthropicAuthToken?.value)).not.toContain("tok-12345678");
    expect(trustClass("mantleBaseUrl").kind).toBe("needs-trust");
    expect(trustClass("anthropicBaseUrl").kind).toBe("needs-trust");
    expect(trustClass("anthropicAuthToken").kind).toBe("needs-trust");
  });

  it("a provider: prefix puts one role on another provider", () => {
    expect(splitProviderPrefix("bedrock:haiku")).toEqual({ provider: "bedrock", model: "haiku" });
    expect(splitProviderPrefix("anthropic:claude-sonnet-4-6")).toEqual({
      provider: "anthropic",
      model: "claude-sonnet-4-6",
    });
    // Neither an ARN nor a versioned Bedrock ID has a provider name before its first colon.
    expect(splitProviderPrefix("arn:aws:bedrock:us-east-1:1:inference-profile/x")).toEqual({
      model: "arn:aws:bedrock:us-east-1:1:inference-profile/x",
    });
    expect(splitProviderPrefix("anthropic.claude-haiku-4-5-20251001-v1:0").provider).toBeUndefined();
    const settings = world.load({
      env: { ANTHROPIC_API_KEY: "sk-ant-x-12345678", ANTHROPIC_SMALL_FAST_MODEL: "bedrock:haiku" },
    });
    expect(roleModel(settings, "main")).toMatchObject({ provider: "anthropic", model: "sonnet" });
    expect(roleModel(settings, "small")).toMatchObject({
      provider: "bedrock",
      model: "haiku",
      prefixed: true,
    });
    expect(selectProviderWire("mantle", "x")).toBe("mantle-messages");
    expect(selectProviderWire("anthropic", "x")).toBe("anthropic-messages");
    expect(selectProviderWire("bedrock", "x")).toBe("bedrock-invoke");
  });
});

describe("model IDs per wire", () => {
  const settings = () => world.load({ env: {} });
  const mantle = (requested: string, notes: string[] = []) =>
    resolveMantleModel({
      requested,
      role: "main",
      region: "us-east-1",
      settings: settings(),
      announce: (m) => notes.push(m),
    });

  it("Mantle takes bare IDs: aliases and versioned IDs lose the suffix, Anthropic names gain the prefix", () => {
    expect(mantle("sonnet").sendId).toBe("anthropic.claude-sonnet-4-6");
    expect(mantle("haiku").sendId).toBe("anthropic.claude-haiku-4-5-20251001");
    const notes: string[] = [];
    expect(mantle("anthropic.claude-haiku-4-5-20251001-v1:0", notes).sendId).toBe(
      "anthropic.claude-haiku-4-5-20251001",
    );
    expect(notes[0]).toContain("Mantle takes bare model IDs");
    expect(mantle("claude-sonnet-4-5").sendId).toBe("anthropic.claude-sonnet-4-5-20250929");
    expect(mantle("anthropic.claude-mythos-preview").sendId).toBe("anthropic.claude-mythos-preview");
  });

  it("Mantle refuses a geo profile and an ARN with the bare ID to use", () => {
    expect(() => mantle("eu.anthropic.claude-sonnet-4-6")).toThrow(/cross-region inference profile/);
    const refusal = (() => {
      try {
        mantle("global.anthropic.claude-opus-4-6-v1");
      } catch (err) {
        return err as { fix: string };
      }
    })();
    expect(refusal?.fix).toContain("ANTHROPIC_MODEL=anthropic.claude-opus-4-6");
    expect(() => mantle("arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc")).toThrow(
      /ARN/,
    );
  });

  it("the Anthropic API takes Anthropic names; a Bedrock ID it knows is translated with a note", () => {
    const notes: string[] = [];
    const api = (requested: string) =>
      resolveAnthropicApiModel({
        requested,
        role: "main",
        region: "api.anthropic.com",
        settings: settings(),
        announce: (m) => notes.push(m),
      });
    expect(api("sonnet").sendId).toBe("claude-sonnet-4-6");
    expect(api("sonnet").capabilities.promptCaching).toBe(true);
    expect(notes).toEqual([]);
    expect(api("us.anthropic.claude-sonnet-4-5-20250929-v1:0").sendId).toBe("claude-sonnet-4-5-20250929");
    expect(notes).toHaveLength(1);
    expect(api("claude-brand-new").sendId).toBe("claude-brand-new");
  });
});
