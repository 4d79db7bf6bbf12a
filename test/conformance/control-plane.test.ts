import {
  BedrockClient,
  GetFoundationModelAvailabilityCommand,
  GetFoundationModelCommand,
  GetInferenceProfileCommand,
  type InferenceProfileSummary,
  ListFoundationModelsCommand,
  ListInferenceProfilesCommand,
  paginateListInferenceProfiles,
} from "@aws-sdk/client-bedrock";
import { describe, expect, it } from "vitest";
import {
  caught,
  DEFAULT_ACCOUNT_ID,
  DEFAULT_CREDENTIALS,
  GLOBAL_SONNET45,
  MODELS,
  sharedEmulator,
  statusOf,
  US_SONNET45,
  withEnv,
  worldWith,
} from "./helpers.js";

/**
 * The control plane (WIRE.md §10) through @aws-sdk/client-bedrock, served from the same origin as the runtime
 * (Claude Code points both at one base URL).
 */

const APP_ID = "team0app0001";
const APP_ARN = `arn:aws:bedrock:us-east-1:${DEFAULT_ACCOUNT_ID}:application-inference-profile/${APP_ID}`;
const ALL_MODEL_IDS = Object.values(MODELS).sort();

const emu = sharedEmulator(
  worldWith((w) => {
    w.pageSize = 2;
    w.applicationProfiles = [{ id: APP_ID, name: "team-app", region: "us-east-1", copyFrom: US_SONNET45 }];
    for (const m of w.models ?? []) {
      if (m.modelId === MODELS.opus46) m.access = { authorized: false };
      if (m.modelId === MODELS.sonnet46) m.access = { useCaseSubmitted: false };
    }
  }),
);

const fmArn = (region: string, id: string) => `arn:aws:bedrock:${region}::foundation-model/${id}`;

describe("ListFoundationModels", () => {
  it("lists every model with the summary fields the SDK models", async () => {
    const out = await emu.bedrock().send(new ListFoundationModelsCommand({}));
    expect(out.$metadata.httpStatusCode).toBe(200);
    const summaries = out.modelSummaries!;
    expect(summaries.map((m) => m.modelId).sort()).toEqual(ALL_MODEL_IDS);
    const sonnet = summaries.find((m) => m.modelId === MODELS.sonnet45)!;
    expect(sonnet).toMatchObject({
      modelArn: fmArn("us-east-1", MODELS.sonnet45),
      modelName: "Claude Sonnet 4.5",
      providerName: "Anthropic",
      inputModalities: ["TEXT", "IMAGE"],
      outputModalities: ["TEXT"],
      responseStreamingSupported: true,
      inferenceTypesSupported: ["INFERENCE_PROFILE"],
      modelLifecycle: { status: "ACTIVE" },
    });
    expect(summaries.find((m) => m.modelId === MODELS.haiku3)!.inferenceTypesSupported).toEqual([
      "ON_DEMAND",
    ]);
    expect(emu.last()).toMatchObject({
      service: "bedrock",
      method: "GET",
      path: "/foundation-models",
      httpVersion: "1.1",
    });
  });

  it.each([
    [{ byProvider: "Anthropic" }, ALL_MODEL_IDS],
    [{ byProvider: "anthropic" }, ALL_MODEL_IDS],
    [{ byProvider: "Meta" }, []],
    [{ byInferenceType: "ON_DEMAND" as const }, [MODELS.haiku3]],
    [{ byOutputModality: "TEXT" as const }, ALL_MODEL_IDS],
    [{ byOutputModality: "EMBEDDING" as const }, []],
  ])("filters with %j", async (filter, expected) => {
    const out = await emu.bedrock().send(new ListFoundationModelsCommand(filter));
    expect((out.modelSummaries ?? []).map((m) => m.modelId).sort()).toEqual(expected);
    const [key, value] = Object.entries(filter)[0]!;
    expect(emu.last().query).toBe(`${key}=${value}`);
  });

  it("ARNs carry the caller's region", async () => {
    const out = await emu.bedrock({ region: "eu-west-1" }).send(new ListFoundationModelsCommand({}));
    expect(
      out.modelSummaries!.every((m) =>
        m.modelArn!.startsWith("arn:aws:bedrock:eu-west-1::foundation-model/"),
      ),
    ).toBe(true);
  });
});

describe("GetFoundationModel / GetFoundationModelAvailability", () => {
  it("gets a model by ID and by ARN", async () => {
    const client = emu.bedrock();
    const byId = await client.send(new GetFoundationModelCommand({ modelIdentifier: MODELS.sonnet45 }));
    expect(byId.modelDetails).toMatchObject({
      modelId: MODELS.sonnet45,
      modelArn: fmArn("us-east-1", MODELS.sonnet45),
    });
    // The label is encoded like the runtime's: ":" → %3A (WIRE.md §3.2 step 4).
    expect(emu.last().path).toBe(`/foundation-models/${encodeURIComponent(MODELS.sonnet45)}`);
    const byArn = await client.send(
      new GetFoundationModelCommand({ modelIdentifier: fmArn("us-east-1", MODELS.haiku3) }),
    );
    expect(byArn.modelDetails?.modelId).toBe(MODELS.haiku3);
  });

  it("an unknown model is a 404 ResourceNotFoundException", async () => {
    const err = await caught(() =>
      emu
        .bedrock()
        .send(new GetFoundationModelCommand({ modelIdentifier: "anthropic.claude-imaginary-v1:0" })),
    );
    expect(err.name).toBe("ResourceNotFoundException");
    expect(statusOf(err)).toBe(404);
    expect(err.message.length).toBeGreaterThan(0);
  });

  it("availability reports an enabled model as fully available", async () => {
    const out = await emu
      .bedrock()
      .send(new GetFoundationModelAvailabilityCommand({ modelId: MODELS.sonnet45 }));
    expect(out).toMatchObject({
      modelId: MODELS.sonnet45,
      agreementAvailability: { status: "AVAILABLE" },
      authorizationStatus: "AUTHORIZED",
      entitlementAvailability: "AVAILABLE",
      regionAvailability: "AVAILABLE",
    });
    expect(emu.last().path).toBe(`/foundation-model-availability/${encodeURIComponent(MODELS.sonnet45)}`);
  });

  it("availability reflects model access switches in the world", async () => {
    const client = emu.bedrock();
    const denied = await client.send(new GetFoundationModelAvailabilityCommand({ modelId: MODELS.opus46 }));
    expect(denied.authorizationStatus).toBe("NOT_AUTHORIZED");
    const noForm = await client.send(new GetFoundationModelAvailabilityCommand({ modelId: MODELS.sonnet46 }));
    expect(noForm.agreementAvailability?.status).toBe("NOT_AVAILABLE");
    expect(noForm.authorizationStatus).toBe("AUTHORIZED");
  });
});

describe("ListInferenceProfiles", () => {
  async function allPages(
    client: BedrockClient,
    input: { typeEquals?: "SYSTEM_DEFINED" | "APPLICATION"; maxResults?: number },
  ) {
    const pages: InferenceProfileSummary[][] = [];
    for await (const page of paginateListInferenceProfiles({ client, pageSize: input.maxResults }, input)) {
      pages.push(page.inferenceProfileSummaries ?? []);
      if (pages.length > 100) throw new Error("pagination does not terminate");
    }
    return pages;
  }

  it("the SDK paginator walks every SYSTEM_DEFINED page and stops (typeEquals travels as ?type=)", async () => {
    const mark = emu.mark();
    const pages = await allPages(emu.bedrock(), { typeEquals: "SYSTEM_DEFINED" });
    const all = pages.flat();
    const ids = all.map((p) => p.inferenceProfileId!);
    // us-east-1 sees its us. profiles (16 models) and global. profiles (15 models), never eu.
    expect(ids).toHaveLength(31);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain(US_SONNET45);
    expect(ids).toContain(GLOBAL_SONNET45);
    expect(ids.some((id) => id.startsWith("eu."))).toBe(false);
    expect(pages.length).toBe(16);
    expect(pages.slice(0, -1).every((p) => p.length === 2)).toBe(true);
    expect(all.every((p) => p.type === "SYSTEM_DEFINED" && p.status === "ACTIVE")).toBe(true);
    const entries = emu.since(mark);
    expect(entries).toHaveLength(16);
    expect(entries[0]!.query).toBe("type=SYSTEM_DEFINED");
    expect(entries.slice(1).every((e) => /(^|&)nextToken=/.test(e.query))).toBe(true);
  });

  it("summaries follow the live shape: caller's region and account in the ARN, FM ARNs in models[]", async () => {
    const all = (await allPages(emu.bedrock(), { typeEquals: "SYSTEM_DEFINED" })).flat();
    const us = all.find((p) => p.inferenceProfileId === US_SONNET45)!;
    expect(us.inferenceProfileArn).toBe(
      `arn:aws:bedrock:us-east-1:${DEFAULT_ACCOUNT_ID}:inference-profile/${US_SONNET45}`,
    );
    expect(us.inferenceProfileName).toBe("US Anthropic Claude Sonnet 4.5");
    expect(us.description).toMatch(/^Routes requests to Anthropic Claude Sonnet 4\.5 in /);
    expect(us.createdAt).toBeInstanceOf(Date);
    expect(us.models!.length).toBeGreaterThanOrEqual(1);
    for (const m of us.models!)
      expect(m.modelArn).toMatch(
        /^arn:aws:bedrock:us-[a-z]+-\d::foundation-model\/anthropic\.claude-sonnet-4-5-20250929-v1:0$/,
      );
    // Claude Code takes models[0].modelArn after the last "/" as the backing model (WIRE.md §10.5).
    expect(us.models![0]!.modelArn!.slice(us.models![0]!.modelArn!.lastIndexOf("/") + 1)).toBe(
      MODELS.sonnet45,
    );
  });

  it("eu-west-1 sees eu. and global. profiles", async () => {
    const ids = (await allPages(emu.bedrock({ region: "eu-west-1" }), { typeEquals: "SYSTEM_DEFINED" }))
      .flat()
      .map((p) => p.inferenceProfileId!);
    expect(ids.some((id) => id.startsWith("us."))).toBe(false);
    expect(ids).toContain(`eu.${MODELS.sonnet45}`);
    expect(ids).toContain(GLOBAL_SONNET45);
  });

  it("typeEquals APPLICATION lists only application profiles", async () => {
    const all = (await allPages(emu.bedrock(), { typeEquals: "APPLICATION" })).flat();
    expect(all.map((p) => [p.inferenceProfileId, p.type, p.inferenceProfileArn])).toEqual([
      [APP_ID, "APPLICATION", APP_ARN],
    ]);
    expect(emu.last().query).toBe("type=APPLICATION");
  });

  it("maxResults from the caller sets the page size", async () => {
    const pages = await allPages(emu.bedrock(), { typeEquals: "SYSTEM_DEFINED", maxResults: 5 });
    expect(pages.map((p) => p.length)).toEqual([5, 5, 5, 5, 5, 5, 1]);
  });

  it("without a type filter only system-defined profiles are listed (application ones must be asked for)", async () => {
    const ids = (await allPages(emu.bedrock(), {})).flat().map((p) => p.inferenceProfileId);
    expect(ids).not.toContain(APP_ID);
    expect(ids).toContain(US_SONNET45);
    expect(ids).toHaveLength(31);
    expect(emu.last().query).not.toMatch(/(^|&)type=/);
  });

  it("a bogus nextToken is a ValidationException, not a loop", async () => {
    const err = await caught(() =>
      emu.bedrock().send(new ListInferenceProfilesCommand({ nextToken: "not-a-token" })),
    );
    expect(err.name).toBe("ValidationException");
    expect(statusOf(err)).toBe(400);
  });
});

describe("GetInferenceProfile", () => {
  it("gets a system profile by ID and by ARN", async () => {
    const client = emu.bedrock();
    const byId = await client.send(
      new GetInferenceProfileCommand({ inferenceProfileIdentifier: US_SONNET45 }),
    );
    expect(byId).toMatchObject({
      inferenceProfileId: US_SONNET45,
      type: "SYSTEM_DEFINED",
      status: "ACTIVE",
      inferenceProfileArn: `arn:aws:bedrock:us-east-1:${DEFAULT_ACCOUNT_ID}:inference-profile/${US_SONNET45}`,
    });
    const byArn = await client.send(
      new GetInferenceProfileCommand({ inferenceProfileIdentifier: byId.inferenceProfileArn }),
    );
    expect(byArn.inferenceProfileId).toBe(US_SONNET45);
    expect(emu.last().path).toBe(`/inference-profiles/${encodeURIComponent(byId.inferenceProfileArn!)}`);
  });

  it("gets an application profile by its ARN (%2F in the path), with backing FM ARNs in models[]", async () => {
    const out = await emu
      .bedrock()
      .send(new GetInferenceProfileCommand({ inferenceProfileIdentifier: APP_ARN }));
    expect(out).toMatchObject({
      inferenceProfileId: APP_ID,
      inferenceProfileArn: APP_ARN,
      type: "APPLICATION",
      status: "ACTIVE",
    });
    expect(out.inferenceProfileName).toBe("team-app");
    const first = out.models![0]!.modelArn!;
    expect(first).toMatch(/^arn:aws:bedrock:us-[a-z]+-\d::foundation-model\//);
    expect(first.slice(first.lastIndexOf("/") + 1)).toBe(MODELS.sonnet45);
    expect(emu.last().path).toContain("application-inference-profile%2F");
  });

  it("an unknown profile is a 404 ResourceNotFoundException", async () => {
    const err = await caught(() =>
      emu.bedrock().send(
        new GetInferenceProfileCommand({
          inferenceProfileIdentifier: "us.anthropic.claude-imaginary-v1:0",
        }),
      ),
    );
    expect(err.name).toBe("ResourceNotFoundException");
    expect(statusOf(err)).toBe(404);
  });
});

describe("endpoint from the environment", () => {
  it("AWS_ENDPOINT_URL_BEDROCK points an unconfigured BedrockClient at the emulator", async () => {
    await withEnv(
      { AWS_ENDPOINT_URL_BEDROCK: emu.url, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: undefined },
      async () => {
        const client = new BedrockClient({ region: "us-west-2", credentials: DEFAULT_CREDENTIALS });
        try {
          const out = await client.send(
            new GetInferenceProfileCommand({ inferenceProfileIdentifier: US_SONNET45 }),
          );
          expect(out.inferenceProfileArn).toContain(":us-west-2:");
        } finally {
          client.destroy();
        }
      },
    );
    expect(emu.last()).toMatchObject({ service: "bedrock", region: "us-west-2", status: 200 });
  });
});
