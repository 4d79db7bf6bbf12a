import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultWorld } from "./default-world.js";
import { jsonErrorOffset, loadWorldFile, parseWorld, WorldError } from "./load.js";
import type { WorldInput } from "./schema.js";

/** A mutable deep copy of the default world, for breaking one thing at a time. */
function world(): WorldInput & Record<string, unknown> {
  return structuredClone(defaultWorld()) as WorldInput & Record<string, unknown>;
}

function errorOf(fn: () => unknown): WorldError {
  try {
    fn();
  } catch (err) {
    if (err instanceof WorldError) return err;
    throw err;
  }
  throw new Error("expected a WorldError");
}

describe("parseWorld", () => {
  it("accepts the default world and fills schema defaults", () => {
    const w = parseWorld(defaultWorld());
    expect(w.models).toHaveLength(16);
    expect(w.inferenceProfiles).toHaveLength(47);
    expect(w.pageSize).toBe(1000);
    expect(w.latency).toEqual({ requestMs: 0, firstTokenMs: 0, tokensPerSecond: 0 });
    expect(w.identities[0]?.accessKeys[0]?.accessKeyId).toBe("AKIAIOSFODNN7EXAMPLE");
  });

  it("names the source, field path and bad value for a schema error", () => {
    const w = world();
    w.models![2]!.regions[0] = "useast1";
    expect(errorOf(() => parseWorld(w, "world.json")).message).toBe(
      'world.json: models[2].regions[0]: expected an AWS region name such as us-east-1 (got "useast1")',
    );
  });

  it("reports missing required fields and unknown keys", () => {
    const w = world();
    delete (w as Record<string, unknown>).accountId;
    (w as Record<string, unknown>).regoins = ["us-east-1"];
    const err = errorOf(() => parseWorld(w, "w.json"));
    expect(err.message).toContain("w.json: accountId: Invalid input: expected string, received undefined");
    expect(err.message).toMatch(/w\.json: Unrecognized key: "regoins"/);
    expect(err.problems).toHaveLength(2);
  });

  it("reports enum values with what was given", () => {
    const w = world();
    (w.models![0] as Record<string, unknown>).inferenceTypes = ["ONDEMAND"];
    expect(errorOf(() => parseWorld(w)).message).toMatch(
      /^world: models\[0\]\.inferenceTypes\[0\]: .*\(got "ONDEMAND"\)$/,
    );
  });

  it("rejects a profile for a model that does not exist", () => {
    const w = world();
    w.inferenceProfiles = [{ geo: "us", modelId: "anthropic.claude-nope-v1" }];
    expect(errorOf(() => parseWorld(w)).message).toBe(
      'world: inferenceProfiles[0].modelId: no model "anthropic.claude-nope-v1" in models',
    );
  });

  it("rejects a geo profile whose model is hosted in no region of that geography", () => {
    const w = world();
    w.models![0]!.regions = ["us-east-1"];
    w.inferenceProfiles = [{ geo: "eu", modelId: w.models![0]!.modelId }];
    expect(errorOf(() => parseWorld(w)).message).toBe(
      'world: inferenceProfiles[0].geo: model "anthropic.claude-sonnet-4-5-20250929-v1:0" is hosted in no eu region (its regions: us-east-1)',
    );
  });

  it("rejects explicit profile regions outside the geography or the model", () => {
    const w = world();
    w.inferenceProfiles = [
      {
        geo: "us",
        modelId: w.models![0]!.modelId,
        sourceRegions: ["eu-west-1"],
        destinationRegions: ["us-east-2"],
      },
    ];
    const err = errorOf(() => parseWorld(w));
    expect(err.problems).toEqual([
      'inferenceProfiles[0].sourceRegions[0]: "eu-west-1" is not in the us geography',
      'inferenceProfiles[0].destinationRegions[0]: model "anthropic.claude-sonnet-4-5-20250929-v1:0" is not hosted in "us-east-2"',
    ]);
  });

  it("checks application profiles' copyFrom and region", () => {
    const w = world();
    w.applicationProfiles = [
      { id: "abc123def456", name: "a", region: "us-east-1", copyFrom: "us.anthropic.claude-opus-9" },
      { id: "abc123def457", name: "b", region: "ap-south-1", copyFrom: "anthropic.claude-sonnet-4-6" },
      { id: "abc123def458", name: "c", region: "eu-west-1", copyFrom: "us.anthropic.claude-sonnet-4-6" },
      { id: "abc123def458", name: "d", region: "us-east-1", copyFrom: "anthropic.claude-sonnet-4-6" },
    ];
    expect(errorOf(() => parseWorld(w)).problems).toEqual([
      'applicationProfiles[0].copyFrom: no system profile "us.anthropic.claude-opus-9" in this world',
      'applicationProfiles[1].region: "ap-south-1" is not one of the world\'s regions (us-east-1, us-west-2, eu-west-1)',
      'applicationProfiles[1].copyFrom: model "anthropic.claude-sonnet-4-6" is not hosted in ap-south-1',
      'applicationProfiles[2].copyFrom: system profile "us.anthropic.claude-sonnet-4-6" cannot be called from eu-west-1',
      'applicationProfiles[3].id: duplicate application profile ID "abc123def458" (also [2])',
    ]);
  });

  it("rejects duplicate identity names, access key IDs and bearer tokens", () => {
    const w = world();
    const first = w.identities![0]!;
    w.identities!.push(structuredClone(first));
    const err = errorOf(() => parseWorld(w));
    expect(err.problems).toEqual([
      'identities[1].name: duplicate identity name "default" (also identities[0])',
      'identities[1].accessKeys[0].accessKeyId: duplicate access key ID "AKIAIOSFODNN7EXAMPLE" (also identities[0].accessKeys[0])',
      "identities[1].bearerKeys[0].token: duplicate bearer token (also identities[0].bearerKeys[0])",
    ]);
    expect(err.message).not.toContain("ABSK");
  });

  it("rejects duplicate model IDs and access regions the model is not in", () => {
    const w = world();
    w.models!.push(structuredClone(w.models![5]!));
    w.models![0]!.access = { regions: ["ap-south-1"] };
    expect(errorOf(() => parseWorld(w)).problems).toEqual([
      'models[0].access.regions[0]: "ap-south-1" is not one of the model\'s regions (us-east-1, us-west-2, eu-west-1)',
      'models[16].modelId: duplicate model ID "anthropic.claude-3-haiku-20240307-v1:0" (also models[5])',
    ]);
  });
});

describe("loadWorldFile", () => {
  const dir = mkdtempSync(join(tmpdir(), "quarry-world-"));

  it("loads a valid file", () => {
    const path = join(dir, "ok.json");
    writeFileSync(path, JSON.stringify(defaultWorld(), null, 2));
    expect(loadWorldFile(path).accountId).toBe("123456789012");
  });

  it("reports JSON syntax errors with line and column", () => {
    const path = join(dir, "bad.json");
    writeFileSync(path, '{\n  "accountId": "123456789012",\n  "regions": [us-east-1]\n}\n');
    const err = errorOf(() => loadWorldFile(path));
    expect(err.message).toMatch(
      new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:3:15: invalid JSON: `),
    );
  });

  it("reports schema errors with the file path as source", () => {
    const path = join(dir, "schema.json");
    writeFileSync(path, JSON.stringify({ accountId: "12", regions: ["us-east-1"] }));
    expect(errorOf(() => loadWorldFile(path)).message).toBe(
      `${path}: accountId: expected 12 digits (got "12")`,
    );
  });

  it("reports an unreadable file", () => {
    expect(errorOf(() => loadWorldFile(join(dir, "missing.json"))).message).toMatch(
      /missing\.json: cannot read world file/,
    );
  });
});

describe("jsonErrorOffset", () => {
  it.each([
    ['{"a": }', 6],
    ['{"a":1,}', 7],
    ['{"a" 1}', 5],
    ["[1,2", 4],
    ['{"a":tru}', 8],
    ['{"a":"\\x"}', 7],
    ["[1] x", 4],
    ['{"a":-}', 6],
  ])("finds the error in %s at %i", (text, offset) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(jsonErrorOffset(text)).toBe(offset);
  });
});
