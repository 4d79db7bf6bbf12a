import { afterAll, describe, expect, it } from "vitest";
import { multiFamilyWorld } from "../../emulator/index.js";
import { closeAll, quarry, worldWith } from "./harness.js";

afterAll(closeAll);

const API_KEY = "sk-ant-api03-models-list-0001";

interface Row {
  provider: string;
  modelId: string;
  useId: string | null;
  api: string;
  access: string;
  streaming: boolean;
  images: boolean;
  lifecycle: string;
}

interface Listing {
  region: string;
  models: { modelId: string; name: string; useId: string | null; access: string; configuredAs: string[] }[];
}

describe("quarry models", () => {
  it("lists Claude models with access status, the ID to use in the region, and what is configured", async () => {
    const world = worldWith((w) => {
      w.models!.find((m) => m.modelId === "anthropic.claude-opus-4-6-v1")!.access = { authorized: false };
    });
    const r = await quarry(["models", "--json"], { world, env: { AWS_REGION: "eu-west-1" } });
    expect(r.code).toBe(0);
    const listing = JSON.parse(r.stdout) as Listing;
    expect(listing.region).toBe("eu-west-1");
    const sonnet = listing.models.find((m) => m.modelId === "anthropic.claude-sonnet-4-6")!;
    expect(sonnet.useId).toBe("eu.anthropic.claude-sonnet-4-6");
    expect(sonnet.access).toBe("authorized");
    expect(sonnet.configuredAs).toEqual(["main model (eu.anthropic.claude-sonnet-4-6)"]);
    expect(listing.models.find((m) => m.modelId === "anthropic.claude-opus-4-6-v1")!.access).toBe(
      "not enabled",
    );
    expect(
      listing.models.find((m) => m.modelId === "anthropic.claude-haiku-4-5-20251001-v1:0")!.configuredAs,
    ).toEqual(["small/fast model (eu.anthropic.claude-haiku-4-5-20251001-v1:0)"]);

    const human = await quarry(["models"], { emulator: r.emulator, env: { AWS_REGION: "us-east-1" } });
    expect(human.code).toBe(0);
    expect(human.stdout).toContain("Tool-capable models in us-east-1:");
    expect(human.stdout).toMatch(
      /^\* +bedrock +Claude Sonnet 4\.6 +us\.anthropic\.claude-sonnet-4-6 +authorized +main model/m,
    );
    expect(human.stdout).toMatch(
      /^ +bedrock +Claude Opus 4\.6 +us\.anthropic\.claude-opus-4-6-v1 +not enabled/m,
    );
  });

  it("lists the other tool-capable families too, each with the API Quarry calls it over", async () => {
    const r = await quarry(["models", "--json"], {
      world: multiFamilyWorld(),
      env: { AWS_REGION: "us-east-1" },
    });
    expect(r.code).toBe(0);
    const rows = (
      JSON.parse(r.stdout) as { models: { modelId: string; api: string; useId: string | null }[] }
    ).models;
    const api = (id: string) => rows.find((m) => m.modelId === id)?.api;
    expect(api("anthropic.claude-sonnet-4-6")).toBe("InvokeModel");
    expect(api("amazon.nova-pro-v1:0")).toBe("Converse");
    expect(api("openai.gpt-oss-120b-1:0")).toBe("Converse");
    expect(rows.find((m) => m.modelId === "meta.llama3-3-70b-instruct-v1:0")?.useId).toBe(
      "us.meta.llama3-3-70b-instruct-v1:0",
    );
    const converse = await quarry(["models", "--json"], {
      emulator: r.emulator,
      env: { AWS_REGION: "us-east-1", QUARRY_CLAUDE_WIRE: "converse" },
    });
    const claude = (
      JSON.parse(converse.stdout) as { models: { modelId: string; api: string }[] }
    ).models.find((m) => m.modelId === "anthropic.claude-sonnet-4-6");
    expect(claude?.api).toBe("Converse");
  });

  it("lists Bedrock, Mantle and Anthropic API rows together; tool use from the account listing + catalog", async () => {
    const world = multiFamilyWorld();
    world.anthropicApi = { apiKeys: [API_KEY], authTokens: [] };
    world.models!.push({
      modelId: "anthropic.claude-mythos-preview",
      modelName: "Claude Mythos Preview",
      anthropicModel: "claude-mythos-preview",
      regions: ["us-east-1"],
      inferenceTypes: ["ON_DEMAND"],
      serving: "mantle",
    });
    // The account says Nova Lite does not stream and Llama 3.3 is Legacy; the listing shows both.
    world.models!.find((m) => m.modelId === "amazon.nova-lite-v1:0")!.responseStreaming = false;
    world.models!.find((m) => m.modelId === "meta.llama3-3-70b-instruct-v1:0")!.lifecycle = "LEGACY";
    const r = await quarry(["models", "--json"], {
      world,
      env: {
        AWS_REGION: "us-east-1",
        CLAUDE_CODE_USE_BEDROCK: "1",
        ANTHROPIC_API_KEY: API_KEY,
      },
      emulatorEnv: (url) => ({
        ANTHROPIC_BASE_URL: url,
        ANTHROPIC_BEDROCK_MANTLE_BASE_URL: `${url}/anthropic`,
      }),
    });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const listing = JSON.parse(r.stdout) as {
      models: Row[];
      notes: string[];
    };
    const row = (provider: string, id: string) =>
      listing.models.find((m) => m.provider === provider && m.modelId === id);
    expect(row("bedrock", "anthropic.claude-sonnet-4-6")).toMatchObject({
      api: "InvokeModel",
      access: "authorized",
    });
    expect(row("bedrock", "amazon.nova-lite-v1:0")).toMatchObject({ streaming: false, images: true });
    expect(row("bedrock", "amazon.nova-micro-v1:0")).toMatchObject({ streaming: true, images: false });
    expect(row("bedrock", "meta.llama3-3-70b-instruct-v1:0")?.lifecycle).toBe("LEGACY");
    // Listed by the account, but the catalog says DeepSeek-R1 takes no tools: not a row.
    expect(row("bedrock", "deepseek.r1-v1:0")).toBeUndefined();
    expect(row("mantle", "anthropic.claude-mythos-preview")).toMatchObject({
      useId: "mantle:anthropic.claude-mythos-preview",
      api: "Messages",
      access: "listed",
    });
    expect(row("mantle", "anthropic.claude-sonnet-4-6")).toBeDefined();
    expect(row("bedrock", "anthropic.claude-mythos-preview")).toBeUndefined();
    expect(row("anthropic", "claude-sonnet-4-6")).toMatchObject({
      useId: "anthropic:claude-sonnet-4-6",
      api: "Messages",
    });
    expect(row("anthropic", "claude-mythos-preview")).toBeUndefined();
    expect(r.stdout).not.toContain(API_KEY);
    // Each provider was asked over its own API: Bedrock's control plane, Mantle's root list, the Anthropic API.
    const lists = r.emulator.log.filter((e) => e.path.endsWith("/v1/models"));
    expect(lists.map((e) => [e.service, e.path, e.status]).sort()).toEqual([
      ["anthropic-api", "/v1/models", 200],
      ["bedrock-mantle", "/v1/models", 200],
    ]);
    expect(lists.find((e) => e.service === "bedrock-mantle")?.headers.authorization).toMatch(
      /\/us-east-1\/bedrock-mantle\/aws4_request/,
    );

    // The human table says the provider first.
    const human = await quarry(["models"], {
      emulator: r.emulator,
      env: { AWS_REGION: "us-east-1", CLAUDE_CODE_USE_BEDROCK: "1", ANTHROPIC_API_KEY: API_KEY },
      emulatorEnv: (url) => ({
        ANTHROPIC_BASE_URL: url,
        ANTHROPIC_BEDROCK_MANTLE_BASE_URL: `${url}/anthropic`,
      }),
    });
    expect(human.stdout).toMatch(
      /^ +mantle +Claude Mythos Preview|^ +mantle +anthropic\.claude-mythos-preview/m,
    );
    expect(human.stdout).toMatch(/^ +bedrock +Nova Lite \(no streaming\)/m);
    expect(human.stdout).toMatch(/^ +bedrock +Llama 3\.3 70B Instruct \(legacy\) \(text only\)/m);
  });

  it("an unreachable provider is a note with the fix, not a failure", async () => {
    const r = await quarry(["models", "--json"], {
      env: {
        AWS_REGION: "us-east-1",
        CLAUDE_CODE_USE_BEDROCK: "1",
        ANTHROPIC_API_KEY: "sk-ant-wrong-key-0000",
        ANTHROPIC_BEDROCK_MANTLE_BASE_URL: "http://127.0.0.1:9/anthropic",
      },
      emulatorEnv: (url) => ({ ANTHROPIC_BASE_URL: url }),
    });
    expect(r.code).toBe(0);
    const listing = JSON.parse(r.stdout) as { models: Row[]; notes: string[] };
    expect(listing.models.some((m) => m.provider === "bedrock")).toBe(true);
    expect(listing.models.some((m) => m.provider !== "bedrock")).toBe(false);
    expect(listing.notes.join("\n")).toMatch(/Mantle's models were not listed .*Fix: /);
    expect(listing.notes.join("\n")).toMatch(
      /The Anthropic API's models were not listed .*Fix: .*ANTHROPIC_API_KEY/,
    );
  });

  it("exits 2 with the fix when no region is configured", async () => {
    const r = await quarry(["models"], { env: { AWS_REGION: null } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("No AWS region is configured");
    expect(r.stderr).toContain("export AWS_REGION=us-east-1");
  });
});
