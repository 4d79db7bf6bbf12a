import { afterAll, describe, expect, it } from "vitest";
import { multiFamilyWorld } from "../../emulator/index.js";
import { closeAll, quarry, worldWith } from "./harness.js";

afterAll(closeAll);

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
      /^\* +Claude Sonnet 4\.6 +us\.anthropic\.claude-sonnet-4-6 +authorized +main model/m,
    );
    expect(human.stdout).toMatch(/^ +Claude Opus 4\.6 +us\.anthropic\.claude-opus-4-6-v1 +not enabled/m);
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

  it("exits 2 with the fix when no region is configured", async () => {
    const r = await quarry(["models"], { env: { AWS_REGION: null } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("No AWS region is configured");
    expect(r.stderr).toContain("export AWS_REGION=us-east-1");
  });
});
