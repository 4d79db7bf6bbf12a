import { describe, expect, it } from "vitest";
import { BedrockError, type CallContext, type EmulatorRequest } from "../http/types.js";
import { defaultWorld } from "../world/default-world.js";
import { WorldIndex } from "../world/index.js";
import { parseWorld } from "../world/load.js";
import type { Identity, WorldInput } from "../world/schema.js";
import { handleControlPlane } from "./plane.js";

const SONNET45 = "anthropic.claude-sonnet-4-5-20250929-v1:0";
const HAIKU3 = "anthropic.claude-3-haiku-20240307-v1:0";
const ACCOUNT = "123456789012";
const fm = (id: string, region: string) => `arn:aws:bedrock:${region}::foundation-model/${id}`;

/** Encodes a path label the way the AWS SDK does (":" → %3A, "/" → %2F). */
const label = (s: string) => encodeURIComponent(s);

function indexOf(mutate: (w: WorldInput) => void = () => {}): WorldIndex {
  const w = structuredClone(defaultWorld());
  w.applicationProfiles = [
    { id: "abc123def456", name: "team-sonnet", region: "us-east-1", copyFrom: `us.${SONNET45}` },
    { id: "fm0000000001", name: "haiku3", region: "us-east-1", copyFrom: HAIKU3 },
  ];
  mutate(w);
  return new WorldIndex(parseWorld(w));
}

const world = indexOf();
const ADMIN = world.identityByName("default");

function get(pathAndQuery: string): EmulatorRequest {
  const [rawPath = "", rawQuery = ""] = pathAndQuery.split("?");
  return {
    method: "GET",
    rawPath,
    rawQuery,
    query: new URLSearchParams(rawQuery),
    headers: {},
    body: Buffer.alloc(0),
    httpVersion: "1.1",
  };
}

function ctxFor(region = "us-east-1", identity: Identity | undefined = ADMIN): CallContext {
  return { requestId: "req-1", region, identity, note: () => {} };
}

/** Runs a GET and returns the JSON body; fails the test when the route does not answer 200. */
function ok(path: string, region = "us-east-1", w = world): Record<string, unknown> {
  const res = handleControlPlane(get(path), ctxFor(region), w);
  expect(res?.status).toBe(200);
  // Round-trip through JSON: the spine sends exactly this.
  return JSON.parse(JSON.stringify(res?.body)) as Record<string, unknown>;
}

function refusal(path: string, region = "us-east-1", identity: Identity | undefined = ADMIN, w = world) {
  try {
    handleControlPlane(get(path), ctxFor(region, identity), w);
  } catch (err) {
    if (err instanceof BedrockError) return { status: err.status, type: err.type, message: err.message };
    throw err;
  }
  throw new Error(`expected ${path} to be refused`);
}

type Summary = Record<string, unknown> & { inferenceProfileId: string; models: Array<{ modelArn: string }> };

describe("routing", () => {
  it("ignores other methods and runtime routes", () => {
    expect(
      handleControlPlane({ ...get("/foundation-models"), method: "POST" }, ctxFor(), world),
    ).toBeUndefined();
    expect(
      handleControlPlane(get(`/model/${label(`us.${SONNET45}`)}/invoke`), ctxFor(), world),
    ).toBeUndefined();
    expect(handleControlPlane(get("/"), ctxFor(), world)).toBeUndefined();
  });

  it("serves routes under an endpoint path prefix", () => {
    expect((ok("/some/prefix/foundation-models").modelSummaries as unknown[]).length).toBe(16);
    expect(ok(`/prefix/inference-profiles/${label(`us.${SONNET45}`)}`).inferenceProfileId).toBe(
      `us.${SONNET45}`,
    );
  });
});

describe("ListFoundationModels", () => {
  it("lists the region's models with Bedrock's summary shape", () => {
    const body = ok("/foundation-models");
    const summaries = body.modelSummaries as Array<Record<string, unknown>>;
    expect(summaries).toHaveLength(16);
    expect(summaries[0]).toEqual({
      modelArn: fm(SONNET45, "us-east-1"),
      modelId: SONNET45,
      modelName: "Claude Sonnet 4.5",
      providerName: "Anthropic",
      inputModalities: ["TEXT", "IMAGE"],
      outputModalities: ["TEXT"],
      responseStreamingSupported: true,
      customizationsSupported: [],
      inferenceTypesSupported: ["INFERENCE_PROFILE"],
      modelLifecycle: { status: "ACTIVE" },
    });
  });

  it("filters by provider (case-insensitively), inference type and output modality", () => {
    const ids = (q: string) =>
      (ok(`/foundation-models?${q}`).modelSummaries as Array<{ modelId: string }>).map((m) => m.modelId);
    expect(ids("byProvider=anthropic")).toHaveLength(16);
    expect(ids("byProvider=Amazon")).toEqual([]);
    expect(ids("byInferenceType=ON_DEMAND")).toEqual([HAIKU3]);
    expect(ids("byInferenceType=PROVISIONED")).toEqual([]);
    expect(ids("byOutputModality=TEXT")).toHaveLength(16);
    expect(ids("byOutputModality=IMAGE")).toEqual([]);
    expect(ids("byCustomizationType=FINE_TUNING")).toEqual([]);
  });

  it("only lists models hosted in the region", () => {
    const w = indexOf((x) => {
      x.models![5]!.regions = ["us-east-1"];
      x.inferenceProfiles = x.inferenceProfiles!.filter((p) => p.modelId !== HAIKU3);
      x.applicationProfiles = [];
    });
    expect((ok("/foundation-models", "eu-west-1", w).modelSummaries as unknown[]).length).toBe(15);
    expect(
      (ok("/foundation-models", "eu-west-1").modelSummaries as Array<{ modelArn: string }>)[0]?.modelArn,
    ).toBe(fm(SONNET45, "eu-west-1"));
  });

  it("refuses bad enum values the way Coral does", () => {
    expect(refusal("/foundation-models?byInferenceType=INFERENCE_PROFILE&byOutputModality=AUDIO")).toEqual({
      status: 400,
      type: "ValidationException",
      message:
        "2 validation errors detected: Value 'AUDIO' at 'byOutputModality' failed to satisfy constraint: Member must satisfy enum value set: [TEXT, IMAGE, EMBEDDING]; " +
        "Value 'INFERENCE_PROFILE' at 'byInferenceType' failed to satisfy constraint: Member must satisfy enum value set: [ON_DEMAND, PROVISIONED]",
    });
  });

  it("checks IAM", () => {
    const none: Identity = { ...ADMIN!, policy: [] };
    expect(refusal("/foundation-models", "us-east-1", none)).toEqual({
      status: 403,
      type: "AccessDeniedException",
      message:
        "User: arn:aws:iam::123456789012:user/quarry-dev is not authorized to perform: bedrock:ListFoundationModels because no identity-based policy allows the bedrock:ListFoundationModels action",
    });
  });
});

describe("GetFoundationModel", () => {
  it("finds a model by ID and by encoded ARN", () => {
    expect(ok(`/foundation-models/${label(HAIKU3)}`).modelDetails).toMatchObject({
      modelId: HAIKU3,
      modelArn: fm(HAIKU3, "us-east-1"),
      inferenceTypesSupported: ["ON_DEMAND"],
    });
    expect(
      ok(`/foundation-models/${label(fm(SONNET45, "eu-west-1"))}`, "eu-west-1").modelDetails,
    ).toMatchObject({
      modelId: SONNET45,
      modelArn: fm(SONNET45, "eu-west-1"),
    });
    // The Anthropic SDK's encoding keeps ":" raw.
    expect(ok(`/foundation-models/${HAIKU3}`).modelDetails).toMatchObject({ modelId: HAIKU3 });
  });

  it("refuses unknown models, other regions' ARNs and malformed identifiers", () => {
    const notFound = {
      status: 404,
      type: "ResourceNotFoundException",
      message: "Could not resolve the foundation model from the provided model identifier.",
    };
    expect(refusal("/foundation-models/anthropic.claude-nope-v1")).toEqual(notFound);
    expect(refusal(`/foundation-models/${label(fm(HAIKU3, "us-west-2"))}`)).toEqual(notFound);
    const bad = refusal("/foundation-models/not%20a%20model");
    expect(bad.status).toBe(400);
    expect(bad.message).toMatch(
      /^1 validation error detected: Value 'not a model' at 'modelIdentifier' failed to satisfy constraint: Member must satisfy regular expression pattern: /,
    );
  });

  it("checks IAM against the foundation-model ARN", () => {
    const onlyList: Identity = {
      ...ADMIN!,
      policy: [{ effect: "Allow", actions: ["bedrock:List*"], resources: ["*"] }],
    };
    expect(refusal(`/foundation-models/${label(HAIKU3)}`, "us-east-1", onlyList).message).toBe(
      `User: arn:aws:iam::123456789012:user/quarry-dev is not authorized to perform: bedrock:GetFoundationModel on resource: ${fm(HAIKU3, "us-east-1")} because no identity-based policy allows the bedrock:GetFoundationModel action`,
    );
  });
});

describe("GetFoundationModelAvailability", () => {
  it("reports an enabled model as available", () => {
    expect(ok(`/foundation-model-availability/${label(SONNET45)}`)).toEqual({
      modelId: SONNET45,
      agreementAvailability: { status: "AVAILABLE" },
      authorizationStatus: "AUTHORIZED",
      entitlementAvailability: "AVAILABLE",
      regionAvailability: "AVAILABLE",
    });
  });

  it("reflects the world's access switches and regions", () => {
    const w = indexOf((x) => {
      x.models![0]!.access = { useCaseSubmitted: false, regions: ["us-west-2"] };
      x.models![0]!.regions = ["us-east-1", "us-west-2"];
      x.inferenceProfiles = x.inferenceProfiles!.filter((p) => !(p.modelId === SONNET45 && p.geo !== "us"));
    });
    expect(ok(`/foundation-model-availability/${label(SONNET45)}`, "us-east-1", w)).toEqual({
      modelId: SONNET45,
      agreementAvailability: { status: "NOT_AVAILABLE" },
      authorizationStatus: "NOT_AUTHORIZED",
      entitlementAvailability: "AVAILABLE",
      regionAvailability: "AVAILABLE",
    });
    expect(ok(`/foundation-model-availability/${label(SONNET45)}`, "eu-west-1", w).regionAvailability).toBe(
      "NOT_AVAILABLE",
    );
  });

  it("refuses unknown models", () => {
    expect(refusal("/foundation-model-availability/anthropic.claude-nope-v1").status).toBe(404);
  });
});

describe("ListInferenceProfiles", () => {
  it("lists the system profiles callable from the region, with Bedrock's shapes", () => {
    const body = ok("/inference-profiles?type=SYSTEM_DEFINED");
    expect(body.nextToken).toBeUndefined();
    expect("nextToken" in body).toBe(false);
    const summaries = body.inferenceProfileSummaries as Summary[];
    expect(summaries).toHaveLength(31);
    expect(summaries.find((s) => s.inferenceProfileId === `us.${SONNET45}`)).toEqual({
      inferenceProfileName: "US Anthropic Claude Sonnet 4.5",
      description: "Routes requests to Anthropic Claude Sonnet 4.5 in us-east-1 and us-west-2.",
      createdAt: "2025-09-29T00:00:00.000Z",
      updatedAt: "2025-09-29T00:00:00.000Z",
      inferenceProfileArn: `arn:aws:bedrock:us-east-1:${ACCOUNT}:inference-profile/us.${SONNET45}`,
      models: [{ modelArn: fm(SONNET45, "us-east-1") }, { modelArn: fm(SONNET45, "us-west-2") }],
      inferenceProfileId: `us.${SONNET45}`,
      status: "ACTIVE",
      type: "SYSTEM_DEFINED",
    });
    const global = summaries.find((s) => s.inferenceProfileId === "global.anthropic.claude-opus-4-6-v1");
    expect(global?.inferenceProfileName).toBe("GLOBAL Anthropic Claude Opus 4.6");
    expect(global?.description).toBe(
      "Routes requests to Anthropic Claude Opus 4.6 in us-east-1, us-west-2 and eu-west-1.",
    );
    expect(global?.createdAt).toBe("2026-01-01T00:00:00.000Z");
    expect(summaries.every((s) => !s.inferenceProfileId.startsWith("eu."))).toBe(true);
  });

  it("puts the caller's region in system profile ARNs", () => {
    const eu = ok("/inference-profiles", "eu-west-1").inferenceProfileSummaries as Summary[];
    expect(eu.find((s) => s.inferenceProfileId === `eu.${HAIKU3}`)?.inferenceProfileArn).toBe(
      `arn:aws:bedrock:eu-west-1:${ACCOUNT}:inference-profile/eu.${HAIKU3}`,
    );
  });

  it("paginates until a page without nextToken", () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const q = `type=SYSTEM_DEFINED&maxResults=4${token ? `&nextToken=${encodeURIComponent(token)}` : ""}`;
      const body = ok(`/inference-profiles?${q}`);
      const page = body.inferenceProfileSummaries as Summary[];
      expect(page.length).toBeLessThanOrEqual(4);
      seen.push(...page.map((s) => s.inferenceProfileId));
      token = body.nextToken as string | undefined;
      pages++;
    } while (token && pages < 10);
    expect(pages).toBe(8);
    expect(new Set(seen).size).toBe(31);
  });

  it("uses the world's page size when maxResults is absent", () => {
    const w = indexOf((x) => {
      x.pageSize = 5;
    });
    const first = ok("/inference-profiles?type=SYSTEM_DEFINED", "us-east-1", w);
    expect((first.inferenceProfileSummaries as unknown[]).length).toBe(5);
    expect(typeof first.nextToken).toBe("string");
  });

  it("lists application profiles on request", () => {
    const summaries = ok("/inference-profiles?type=APPLICATION").inferenceProfileSummaries as Summary[];
    expect(summaries.map((s) => s.inferenceProfileId)).toEqual(["abc123def456", "fm0000000001"]);
    expect(summaries[1]).toEqual({
      inferenceProfileName: "haiku3",
      createdAt: "2026-01-01T00:00:00.000Z",
      updatedAt: "2026-01-01T00:00:00.000Z",
      inferenceProfileArn: `arn:aws:bedrock:us-east-1:${ACCOUNT}:application-inference-profile/fm0000000001`,
      models: [{ modelArn: fm(HAIKU3, "us-east-1") }],
      inferenceProfileId: "fm0000000001",
      status: "ACTIVE",
      type: "APPLICATION",
    });
    expect(ok("/inference-profiles?type=APPLICATION", "eu-west-1").inferenceProfileSummaries).toEqual([]);
  });

  it("refuses bad parameters", () => {
    expect(refusal("/inference-profiles?maxResults=0")).toEqual({
      status: 400,
      type: "ValidationException",
      message:
        "1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1",
    });
    expect(refusal("/inference-profiles?maxResults=1001").message).toContain(
      "Member must have value less than or equal to 1000",
    );
    expect(refusal("/inference-profiles?type=CUSTOM").message).toBe(
      "1 validation error detected: Value 'CUSTOM' at 'typeEquals' failed to satisfy constraint: Member must satisfy enum value set: [SYSTEM_DEFINED, APPLICATION]",
    );
    expect(refusal("/inference-profiles?nextToken=garbage")).toEqual({
      status: 400,
      type: "ValidationException",
      message: "The provided nextToken is invalid.",
    });
  });
});

describe("GetInferenceProfile", () => {
  it("finds a system profile by ID and by encoded ARN", () => {
    const byId = ok(`/inference-profiles/${label(`us.${SONNET45}`)}`, "us-west-2") as Summary;
    expect(byId.inferenceProfileArn).toBe(
      `arn:aws:bedrock:us-west-2:${ACCOUNT}:inference-profile/us.${SONNET45}`,
    );
    const arn = `arn:aws:bedrock:us-east-1:${ACCOUNT}:inference-profile/us.${SONNET45}`;
    const byArn = ok(`/inference-profiles/${label(arn)}`) as Summary;
    expect(byArn.inferenceProfileId).toBe(`us.${SONNET45}`);
    // Claude Code takes the backing model from models[0] after the last "/".
    const first = byArn.models[0]!.modelArn;
    expect(first.substring(first.lastIndexOf("/") + 1)).toBe(SONNET45);
  });

  it("finds an application profile by ARN (AWS SDK and legacy raw encodings) and by ID", () => {
    const arn = `arn:aws:bedrock:us-east-1:${ACCOUNT}:application-inference-profile/abc123def456`;
    for (const path of [
      `/inference-profiles/${label(arn)}`,
      `/inference-profiles/${arn}`,
      "/inference-profiles/abc123def456",
    ]) {
      const body = ok(path) as Summary;
      expect(body.type).toBe("APPLICATION");
      expect(body.inferenceProfileArn).toBe(arn);
      expect(body.models).toEqual([
        { modelArn: fm(SONNET45, "us-east-1") },
        { modelArn: fm(SONNET45, "us-west-2") },
      ]);
    }
  });

  it("does not find profiles that are not callable from the region", () => {
    expect(refusal(`/inference-profiles/${label(`eu.${SONNET45}`)}`)).toEqual({
      status: 404,
      type: "ResourceNotFoundException",
      message: `Inference profile eu.${SONNET45} does not exist.`,
    });
    const appArn = `arn:aws:bedrock:us-east-1:${ACCOUNT}:application-inference-profile/abc123def456`;
    expect(refusal(`/inference-profiles/${label(appArn)}`, "us-west-2").status).toBe(404);
    expect(refusal("/inference-profiles/us.anthropic.claude-nope").status).toBe(404);
  });

  it("checks IAM against the profile ARN", () => {
    const onlyList: Identity = {
      ...ADMIN!,
      policy: [{ effect: "Allow", actions: ["bedrock:ListInferenceProfiles"], resources: ["*"] }],
    };
    expect(refusal(`/inference-profiles/${label(`us.${SONNET45}`)}`, "us-east-1", onlyList).message).toBe(
      `User: arn:aws:iam::123456789012:user/quarry-dev is not authorized to perform: bedrock:GetInferenceProfile on resource: arn:aws:bedrock:us-east-1:${ACCOUNT}:inference-profile/us.${SONNET45} because no identity-based policy allows the bedrock:GetInferenceProfile action`,
    );
    expect(handleControlPlane(get("/inference-profiles"), ctxFor("us-east-1", onlyList), world)?.status).toBe(
      200,
    );
  });

  it("allows everything when auth is off", () => {
    expect(
      handleControlPlane(get("/inference-profiles/abc123def456"), ctxFor("us-east-1", undefined), world)
        ?.status,
    ).toBe(200);
  });
});
