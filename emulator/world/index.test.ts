import { describe, expect, it } from "vitest";
import { BedrockError, type InvocationTarget } from "../http/types.js";
import {
  DEFAULT_ACCESS_KEY_ID,
  DEFAULT_BEARER_TOKEN,
  DEFAULT_SECRET_ACCESS_KEY,
  defaultWorld,
} from "./default-world.js";
import { WorldIndex } from "./index.js";
import { parseWorld } from "./load.js";
import type { WorldInput } from "./schema.js";

const SONNET45 = "anthropic.claude-sonnet-4-5-20250929-v1:0";
const HAIKU45 = "anthropic.claude-haiku-4-5-20251001-v1:0";
const OPUS46 = "anthropic.claude-opus-4-6-v1";
const SONNET46 = "anthropic.claude-sonnet-4-6";
const HAIKU3 = "anthropic.claude-3-haiku-20240307-v1:0";
const ACCOUNT = "123456789012";

const fm = (id: string, region: string) => `arn:aws:bedrock:${region}::foundation-model/${id}`;
const ip = (id: string, region: string) => `arn:aws:bedrock:${region}:${ACCOUNT}:inference-profile/${id}`;
const app = (id: string, region: string) =>
  `arn:aws:bedrock:${region}:${ACCOUNT}:application-inference-profile/${id}`;

function indexOf(mutate: (w: WorldInput) => void = () => {}): WorldIndex {
  const w = structuredClone(defaultWorld());
  w.applicationProfiles = [
    { id: "abc123def456", name: "team-sonnet", region: "us-east-1", copyFrom: `us.${SONNET45}` },
    { id: "fm0000000001", name: "haiku3-eu", region: "eu-west-1", copyFrom: HAIKU3 },
  ];
  mutate(w);
  return new WorldIndex(parseWorld(w));
}

const world = indexOf();

function refusal(fn: () => unknown): { status: number; type: string; message: string } {
  try {
    fn();
  } catch (err) {
    if (err instanceof BedrockError) return { status: err.status, type: err.type, message: err.message };
    throw err;
  }
  throw new Error("expected a BedrockError");
}

/** CountTokens' refusal for profiles (docs/emulator-rules.md). */
const NO_COUNTING = {
  status: 400,
  type: "ValidationException",
  message: "The provided model doesn't support counting tokens.",
};
const INVALID = {
  status: 400,
  type: "ValidationException",
  message: "The provided model identifier is invalid.",
};
const onDemand = (id: string) => ({
  status: 400,
  type: "ValidationException",
  message:
    `Invocation of model ID ${id} with on-demand throughput isn\u2019t supported. ` +
    "Retry your request with the ID or ARN of an inference profile that contains this model.",
});

describe("resolveInvocationTarget: accepted forms", () => {
  const cases: Array<
    [string, string, Omit<InvocationTarget, "model" | "requestedId"> & { modelId: string }]
  > = [
    [
      HAIKU3,
      "us-east-1",
      {
        kind: "foundation-model",
        modelId: HAIKU3,
        resourceArn: fm(HAIKU3, "us-east-1"),
        routedModelArns: [fm(HAIKU3, "us-east-1")],
      },
    ],
    [
      fm(HAIKU3, "us-west-2"),
      "us-west-2",
      {
        kind: "foundation-model-arn",
        modelId: HAIKU3,
        resourceArn: fm(HAIKU3, "us-west-2"),
        routedModelArns: [fm(HAIKU3, "us-west-2")],
      },
    ],
    [
      `us.${SONNET45}`,
      "us-east-1",
      {
        kind: "system-profile",
        modelId: SONNET45,
        resourceArn: ip(`us.${SONNET45}`, "us-east-1"),
        routedModelArns: [fm(SONNET45, "us-east-1"), fm(SONNET45, "us-west-2")],
      },
    ],
    [
      `us.${SONNET45}`,
      "us-west-2",
      {
        kind: "system-profile",
        modelId: SONNET45,
        resourceArn: ip(`us.${SONNET45}`, "us-west-2"),
        routedModelArns: [fm(SONNET45, "us-east-1"), fm(SONNET45, "us-west-2")],
      },
    ],
    [
      `eu.${OPUS46}`,
      "eu-west-1",
      {
        kind: "system-profile",
        modelId: OPUS46,
        resourceArn: ip(`eu.${OPUS46}`, "eu-west-1"),
        routedModelArns: [fm(OPUS46, "eu-west-1")],
      },
    ],
    [
      `global.${SONNET46}`,
      "eu-west-1",
      {
        kind: "system-profile",
        modelId: SONNET46,
        resourceArn: ip(`global.${SONNET46}`, "eu-west-1"),
        routedModelArns: [fm(SONNET46, "us-east-1"), fm(SONNET46, "us-west-2"), fm(SONNET46, "eu-west-1")],
      },
    ],
    [
      `us.${HAIKU3}`,
      "us-west-2",
      {
        kind: "system-profile",
        modelId: HAIKU3,
        resourceArn: ip(`us.${HAIKU3}`, "us-west-2"),
        routedModelArns: [fm(HAIKU3, "us-east-1"), fm(HAIKU3, "us-west-2")],
      },
    ],
    [
      ip(`us.${HAIKU45}`, "us-east-1"),
      "us-east-1",
      {
        kind: "system-profile-arn",
        modelId: HAIKU45,
        resourceArn: ip(`us.${HAIKU45}`, "us-east-1"),
        routedModelArns: [fm(HAIKU45, "us-east-1"), fm(HAIKU45, "us-west-2")],
      },
    ],
    [
      app("abc123def456", "us-east-1"),
      "us-east-1",
      {
        kind: "application-profile",
        modelId: SONNET45,
        resourceArn: app("abc123def456", "us-east-1"),
        routedModelArns: [fm(SONNET45, "us-east-1"), fm(SONNET45, "us-west-2")],
      },
    ],
    [
      app("fm0000000001", "eu-west-1"),
      "eu-west-1",
      {
        kind: "application-profile",
        modelId: HAIKU3,
        resourceArn: app("fm0000000001", "eu-west-1"),
        routedModelArns: [fm(HAIKU3, "eu-west-1")],
      },
    ],
  ];

  it.each(cases)("%s from %s", (id, region, expected) => {
    const t = world.resolveInvocationTarget(id, region);
    expect({
      kind: t.kind,
      modelId: t.model.modelId,
      resourceArn: t.resourceArn,
      routedModelArns: t.routedModelArns,
    }).toEqual(expected);
    expect(t.requestedId).toBe(id);
  });
});

describe("resolveInvocationTarget: refusals", () => {
  const cases: Array<[string, string, string, ReturnType<typeof refusal>]> = [
    ["bare ID of a profile-only model", SONNET45, "us-east-1", onDemand(SONNET45)],
    ["FM ARN of a profile-only model", fm(OPUS46, "eu-west-1"), "eu-west-1", onDemand(OPUS46)],
    ["unknown model ID", "anthropic.claude-nope-v1", "us-east-1", INVALID],
    ["unknown profile", `us.anthropic.claude-nope-v1`, "us-east-1", INVALID],
    ["geo profile from outside its geography (eu. from us-east-1)", `eu.${SONNET45}`, "us-east-1", INVALID],
    ["geo profile from outside its geography (us. from eu-west-1)", `us.${SONNET45}`, "eu-west-1", INVALID],
    ["geo without that profile (global. for 3 Haiku)", `global.${HAIKU3}`, "us-east-1", INVALID],
    ["FM ARN of another region", fm(HAIKU3, "us-west-2"), "us-east-1", INVALID],
    [
      "FM ARN of another partition",
      `arn:aws-cn:bedrock:us-east-1::foundation-model/${HAIKU3}`,
      "us-east-1",
      INVALID,
    ],
    ["profile ARN of another region", ip(`us.${SONNET45}`, "us-west-2"), "us-east-1", INVALID],
    [
      "profile ARN of another account",
      `arn:aws:bedrock:us-east-1:999999999999:inference-profile/us.${SONNET45}`,
      "us-east-1",
      INVALID,
    ],
    ["app profile ARN called from another region", app("abc123def456", "us-west-2"), "us-west-2", INVALID],
    ["unknown app profile", app("zzz123def456", "us-east-1"), "us-east-1", INVALID],
    ["bare app profile ID", "abc123def456", "us-east-1", INVALID],
    [
      "provisioned model ARN",
      `arn:aws:bedrock:us-east-1:${ACCOUNT}:provisioned-model/abcdefghijkl`,
      "us-east-1",
      INVALID,
    ],
    [
      "custom model ARN",
      `arn:aws:bedrock:us-east-1:${ACCOUNT}:custom-model/${HAIKU3.replace(":0", "")}/abcdefghijkl`,
      "us-east-1",
      INVALID,
    ],
    [
      "imported model ARN",
      `arn:aws:bedrock:us-east-1:${ACCOUNT}:imported-model/abcdefghijkl`,
      "us-east-1",
      INVALID,
    ],
  ];

  it.each(cases)("%s", (_name, id, region, expected) => {
    expect(refusal(() => world.resolveInvocationTarget(id, region))).toEqual(expected);
  });

  it("refuses a model that is not hosted in the request region", () => {
    const w = indexOf((x) => {
      x.models!.find((m) => m.modelId === HAIKU3)!.regions = ["us-east-1"];
      x.inferenceProfiles = x.inferenceProfiles!.filter((p) => p.modelId !== HAIKU3);
      x.applicationProfiles = [];
    });
    expect(w.resolveInvocationTarget(HAIKU3, "us-east-1").kind).toBe("foundation-model");
    expect(refusal(() => w.resolveInvocationTarget(HAIKU3, "eu-west-1"))).toEqual(INVALID);
  });

  it("quotes the modelId pattern for a malformed ID", () => {
    const r = refusal(() => world.resolveInvocationTarget("anthropic claude", "us-east-1"));
    expect(r.status).toBe(400);
    expect(r.type).toBe("ValidationException");
    expect(r.message).toMatch(
      /^1 validation error detected: Value 'anthropic claude' at 'modelId' failed to satisfy constraint: Member must satisfy regular expression pattern: \(arn:aws\(-\[\^:\]\+\)\?:bedrock:/,
    );
    expect(
      refusal(() => world.resolveInvocationTarget("us.anthropic/claude", "us-east-1")).message,
    ).toContain("Value 'us.anthropic/claude' at 'modelId'");
    // Foundation-model ARNs have an empty account field; the service pattern rejects one with an account.
    const withAccount = `arn:aws:bedrock:us-east-1:${ACCOUNT}:foundation-model/${HAIKU3}`;
    expect(refusal(() => world.resolveInvocationTarget(withAccount, "us-east-1")).message).toMatch(
      /^1 validation error detected: Value 'arn:aws:bedrock:us-east-1:123456789012:foundation-model\//,
    );
  });

  it("refuses an over-long ID on length", () => {
    const id = "a".repeat(2049);
    expect(refusal(() => world.resolveInvocationTarget(id, "us-east-1"))).toEqual({
      status: 400,
      type: "ValidationException",
      message: `1 validation error detected: Value '${id}' at 'modelId' failed to satisfy constraint: Member must have length less than or equal to 2048`,
    });
  });
});

describe("resolveInvocationTarget for CountTokens", () => {
  it("counts with the bare ID of a profile-only model", () => {
    const t = world.resolveInvocationTarget(SONNET45, "us-east-1", { forCountTokens: true });
    expect(t.kind).toBe("foundation-model");
    expect(t.resourceArn).toBe(fm(SONNET45, "us-east-1"));
  });

  it("refuses profiles", () => {
    expect(
      refusal(() => world.resolveInvocationTarget(`us.${SONNET45}`, "us-east-1", { forCountTokens: true })),
    ).toEqual(NO_COUNTING);
    expect(
      refusal(() =>
        world.resolveInvocationTarget(app("abc123def456", "us-east-1"), "us-east-1", {
          forCountTokens: true,
        }),
      ),
    ).toEqual(NO_COUNTING);
  });

  it("quotes CountTokens' own pattern", () => {
    expect(
      refusal(() => world.resolveInvocationTarget("a b", "us-east-1", { forCountTokens: true })).message,
    ).toBe(
      "1 validation error detected: Value 'a b' at 'modelId' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z_\\.\\-/0-9:]+",
    );
  });
});

describe("checkModelAccess", () => {
  function accessRefusal(access: Record<string, unknown>, region = "us-east-1") {
    const w = indexOf((x) => {
      x.models!.find((m) => m.modelId === SONNET45)!.access = access;
    });
    const t = w.resolveInvocationTarget(`us.${SONNET45}`, "us-east-1");
    try {
      w.checkModelAccess(t, region);
    } catch (err) {
      if (err instanceof BedrockError) return { status: err.status, type: err.type, message: err.message };
      throw err;
    }
    return undefined;
  }

  it("passes a fully enabled model", () => {
    expect(accessRefusal({})).toBeUndefined();
  });

  it("refuses an unauthorized model", () => {
    expect(accessRefusal({ authorized: false })).toEqual({
      status: 403,
      type: "AccessDeniedException",
      message: "You don't have access to the model with the specified model ID.",
    });
  });

  it("refuses a region outside access.regions", () => {
    expect(accessRefusal({ regions: ["us-west-2"] })?.status).toBe(403);
    expect(accessRefusal({ regions: ["us-east-1"] })).toBeUndefined();
  });

  it("refuses when the use-case form is missing", () => {
    expect(accessRefusal({ useCaseSubmitted: false })).toEqual({
      status: 404,
      type: "ResourceNotFoundException",
      message:
        "Model use case details have not been submitted for this account. Fill out the Anthropic use case details form before using the model. If you have already filled out the form, try again in 15 minutes.",
    });
  });

  it("refuses without a Marketplace agreement", () => {
    const r = accessRefusal({ marketplaceAgreement: false });
    expect(r?.status).toBe(403);
    expect(r?.type).toBe("AccessDeniedException");
    expect(r?.message).toMatch(/^Model access is denied due to IAM user or service role is not authorized/);
    expect(r?.message).toMatch(/marketplace subscription for this model cannot be completed/i);
  });
});

describe("lookups", () => {
  it("lists models by region", () => {
    expect(world.modelsInRegion("us-east-1").map((m) => m.modelId)).toEqual([
      SONNET45,
      HAIKU45,
      OPUS46,
      SONNET46,
      "anthropic.claude-sonnet-4-20250514-v1:0",
      HAIKU3,
      ...[
        "opus-4-7",
        "opus-4-8",
        "opus-5",
        "opus-5-5",
        "sonnet-5",
        "sonnet-5-5",
        "haiku-5-5",
        "fable-5",
        "fable-5-1",
        "fable-5-2",
      ].map((m) => `anthropic.claude-${m}`),
    ]);
    expect(world.modelsInRegion("ap-south-1")).toEqual([]);
  });

  it("lists the system profiles callable from a region", () => {
    const eu = world.systemProfilesCallableFrom("eu-west-1").map((p) => p.id);
    expect(eu).toHaveLength(31);
    expect(eu).toContain(`eu.${HAIKU3}`);
    expect(eu).toContain(`global.${SONNET45}`);
    expect(eu.some((id) => id.startsWith("us."))).toBe(false);
    expect(world.systemProfilesCallableFrom("us-west-2").filter((p) => p.id.startsWith("us."))).toHaveLength(
      16,
    );
  });

  it("finds application profiles by region and ID", () => {
    expect(world.applicationProfilesIn("us-east-1").map((a) => a.arn)).toEqual([
      app("abc123def456", "us-east-1"),
    ]);
    expect(world.applicationProfile("fm0000000001")?.model.modelId).toBe(HAIKU3);
    expect(world.applicationProfile("abc123def456")?.systemProfile?.id).toBe(`us.${SONNET45}`);
  });

  it("finds identities by access key and bearer token", () => {
    const byKey = world.identityByAccessKeyId(DEFAULT_ACCESS_KEY_ID);
    expect(byKey?.identity.name).toBe("default");
    expect(byKey?.accessKey.secretAccessKey).toBe(DEFAULT_SECRET_ACCESS_KEY);
    expect(world.identityByBearerToken(DEFAULT_BEARER_TOKEN)?.identity.arn).toBe(
      "arn:aws:iam::123456789012:user/quarry-dev",
    );
    expect(world.identityByAccessKeyId("AKIANOTAKEY000000000")).toBeUndefined();
    expect(world.identityByBearerToken("nope-nope-nope")).toBeUndefined();
  });
});
