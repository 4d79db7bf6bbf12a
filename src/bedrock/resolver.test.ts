import { describe, expect, it, vi } from "vitest";
import type { ProfileSummary } from "./profile-cache.js";
import {
  ModelResolutionError,
  type ResolvedModel,
  type ResolveRequest,
  type ResolverDeps,
  resolveModel,
} from "./resolver.js";

const S45 = "anthropic.claude-sonnet-4-5-20250929-v1:0";
const S46 = "anthropic.claude-sonnet-4-6";
const O46 = "anthropic.claude-opus-4-6-v1";
const H45 = "anthropic.claude-haiku-4-5-20251001-v1:0";
const H3 = "anthropic.claude-3-haiku-20240307-v1:0";
const ACCOUNT = "123456789012";
const APP_ID = "abc123def456";

// A hand-written stand-in for ListInferenceProfiles per region (not derived from the catalog, so the
// tests can disagree with it).
const GLOBALS = [`global.${S45}`, `global.${S46}`, `global.${O46}`, `global.${H45}`];
const US = [`us.${S45}`, `us.${S46}`, `us.${O46}`, `us.${H45}`, `us.${H3}`, ...GLOBALS];
const WORLD: Record<string, string[]> = {
  "us-east-1": US,
  "us-west-2": US,
  "eu-west-1": [`eu.${S45}`, `eu.${S46}`, `eu.${O46}`, `eu.${H45}`, `eu.${H3}`, ...GLOBALS],
  "ap-northeast-1": [`jp.${S45}`, `jp.${S46}`, `jp.${O46}`, `apac.${O46}`, `apac.${H3}`, ...GLOBALS],
  "ap-southeast-2": [`au.${S45}`, `au.${H45}`, `apac.${O46}`, `apac.${H3}`, ...GLOBALS],
  "us-gov-west-1": [`us-gov.${S45}`],
  "ca-central-1": GLOBALS,
};
const REGIONS = Object.keys(WORLD);

const summary = (region: string, id: string): ProfileSummary => ({
  id,
  arn: `arn:aws:bedrock:${region}:${ACCOUNT}:inference-profile/${id}`,
  type: "SYSTEM_DEFINED",
  modelArns: [`arn:aws:bedrock:${region}::foundation-model/${id.slice(id.indexOf(".") + 1)}`],
});

interface Fake extends ResolverDeps {
  announced: string[];
  listCalls: string[];
  getCalls: Array<[string, string]>;
}

function fakeDeps(world: Record<string, string[]> = WORLD, options: { listFails?: boolean } = {}): Fake {
  const fake: Fake = {
    announced: [],
    listCalls: [],
    getCalls: [],
    async listSystemProfiles(region) {
      fake.listCalls.push(region);
      if (options.listFails)
        throw Object.assign(new Error("not authorized"), { name: "AccessDeniedException" });
      return (world[region] ?? []).map((id) => summary(region, id));
    },
    async getInferenceProfile(region, idOrArn) {
      fake.getCalls.push([region, idOrArn]);
      if (idOrArn.endsWith(`/${APP_ID}`)) {
        return {
          id: APP_ID,
          arn: idOrArn,
          type: "APPLICATION",
          modelArns: [`arn:aws:bedrock:${region}::foundation-model/${S45}`],
        };
      }
      if (idOrArn.endsWith("/deniedmodel1"))
        throw Object.assign(new Error("denied"), { name: "AccessDeniedException" });
      throw Object.assign(new Error("not found"), {
        name: "ResourceNotFoundException",
        $metadata: { httpStatusCode: 404 },
      });
    },
    announce(message) {
      fake.announced.push(message);
    },
  };
  return fake;
}

const resolve = (
  requested: string,
  region: string,
  deps: ResolverDeps = fakeDeps(),
  extra: Partial<ResolveRequest> = {},
) => resolveModel({ requested, role: "main", region, ...extra }, deps);

async function outcome(requested: string, region: string): Promise<string> {
  try {
    return (await resolve(requested, region)).sendId;
  } catch (error) {
    if (error instanceof ModelResolutionError) return `!${error.code}`;
    throw error;
  }
}

async function rejection(promise: Promise<ResolvedModel>): Promise<ModelResolutionError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ModelResolutionError);
  return error as ModelResolutionError;
}

describe("resolveModel: every ID form × region", () => {
  const MISMATCH = "!geo-mismatch";
  const ARN_MISMATCH = "!arn-region-mismatch";
  const INVALID = "!invalid-id";
  // Columns: us-east-1, us-west-2, eu-west-1, ap-northeast-1, ap-southeast-2, us-gov-west-1, ca-central-1.
  const table: Array<[string, string[]]> = [
    [
      "sonnet",
      [
        `us.${S46}`,
        `us.${S46}`,
        `eu.${S46}`,
        `jp.${S46}`,
        `global.${S46}`,
        "!model-unavailable",
        `global.${S46}`,
      ],
    ],
    [
      "opus",
      [
        `us.${O46}`,
        `us.${O46}`,
        `eu.${O46}`,
        `apac.${O46}`,
        `apac.${O46}`,
        "!model-unavailable",
        `global.${O46}`,
      ],
    ],
    [
      "haiku",
      [
        `us.${H45}`,
        `us.${H45}`,
        `eu.${H45}`,
        `global.${H45}`,
        `au.${H45}`,
        "!model-unavailable",
        `global.${H45}`,
      ],
    ],
    [
      S45,
      [`us.${S45}`, `us.${S45}`, `eu.${S45}`, `jp.${S45}`, `au.${S45}`, `us-gov.${S45}`, `global.${S45}`],
    ],
    [H3, [H3, H3, H3, H3, H3, H3, H3]],
    [`us.${S45}`, [`us.${S45}`, `us.${S45}`, MISMATCH, MISMATCH, MISMATCH, MISMATCH, MISMATCH]],
    [`eu.${S45}`, [MISMATCH, MISMATCH, `eu.${S45}`, MISMATCH, MISMATCH, MISMATCH, MISMATCH]],
    [`jp.${S45}`, [MISMATCH, MISMATCH, MISMATCH, `jp.${S45}`, MISMATCH, MISMATCH, MISMATCH]],
    [
      `global.${S45}`,
      [
        `global.${S45}`,
        `global.${S45}`,
        `global.${S45}`,
        `global.${S45}`,
        `global.${S45}`,
        MISMATCH,
        `global.${S45}`,
      ],
    ],
    [
      `arn:aws:bedrock:us-east-1::foundation-model/${H3}`,
      [
        `arn:aws:bedrock:us-east-1::foundation-model/${H3}`,
        ARN_MISMATCH,
        ARN_MISMATCH,
        ARN_MISMATCH,
        ARN_MISMATCH,
        ARN_MISMATCH,
        ARN_MISMATCH,
      ],
    ],
    ["claude-sonnet-4-5", Array(7).fill(INVALID)],
    [`xx.${S45}`, Array(7).fill(INVALID)],
    ["", Array(7).fill(INVALID)],
  ];

  it.each(table)("%s", async (requested, expected) => {
    const got = await Promise.all(REGIONS.map((region) => outcome(requested, region)));
    expect(Object.fromEntries(REGIONS.map((r, i) => [r, got[i]]))).toEqual(
      Object.fromEntries(REGIONS.map((r, i) => [r, expected[i]])),
    );
  });

  it.each(REGIONS)("ARNs from the same region resolve in %s", async (region) => {
    const partition = region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
    const base = `arn:${partition}:bedrock:${region}:${ACCOUNT}`;
    const app = await resolve(`${base}:application-inference-profile/${APP_ID}`, region);
    expect(app).toMatchObject({ kind: "application-profile", foundationModelId: S45, region });
    expect(app.sendId).toBe(`${base}:application-inference-profile/${APP_ID}`);
    const provisioned = await resolve(`${base}:provisioned-model/a1b2c3d4e5f6`, region);
    expect(provisioned.kind).toBe("provisioned-model");
    expect(provisioned.capabilities.known).toBe(false);
    const fm = await resolve(`arn:${partition}:bedrock:${region}::foundation-model/${H3}`, region);
    expect(fm).toMatchObject({ kind: "foundation-model", foundationModelId: H3 });
    const imported = await resolve(`${base}:imported-model/000000000000`, region);
    expect(imported.kind).toBe("imported-model");
    const deployment = await resolve(`${base}:custom-model-deployment/zz9zz9zz9zz9`, region);
    expect(deployment.kind).toBe("custom-model-deployment");
  });
});

describe("resolveModel: rewriting bare IDs", () => {
  it("rewrites a profile-only bare ID and announces it exactly once per (id, region)", async () => {
    const deps = fakeDeps();
    const first = await resolve(S45, "eu-west-1", deps);
    expect(first).toMatchObject({
      sendId: `eu.${S45}`,
      rewrittenFrom: S45,
      kind: "system-profile",
      geo: "eu",
    });
    await resolve(S45, "eu-west-1", deps, { role: "small" });
    await resolve(S45, "eu-west-1", deps, { role: "subagent" });
    expect(deps.announced).toEqual([
      `Using inference profile eu.${S45} for ${S45} (on-demand throughput isn’t supported for this model in eu-west-1).`,
    ]);
    await resolve(S45, "us-east-1", deps);
    expect(deps.announced).toHaveLength(2);
    expect(deps.announced[1]).toContain(`us.${S45}`);
  });

  it("does not rewrite when the profile list lacks the profile", async () => {
    const deps = fakeDeps({ "eu-west-1": [`eu.${O46}`] });
    const r = await resolve(S45, "eu-west-1", deps);
    expect(r.sendId).toBe(S45);
    expect(r.rewrittenFrom).toBeUndefined();
    expect(r.kind).toBe("foundation-model");
    expect(deps.announced).toEqual([]);
    expect(r.notes.join("\n")).toMatch(/needs an inference profile/);
  });

  it("does not rewrite when the profile list can't be fetched", async () => {
    const deps = fakeDeps(WORLD, { listFails: true });
    const r = await resolve(S45, "eu-west-1", deps);
    expect(r.sendId).toBe(S45);
    expect(r.notes.join("\n")).toMatch(
      /Couldn't list inference profiles in eu-west-1 \(AccessDeniedException/,
    );
  });

  it("never rewrites on-demand models", async () => {
    const deps = fakeDeps();
    expect((await resolve(H3, "us-east-1", deps)).sendId).toBe(H3);
    expect(deps.announced).toEqual([]);
  });

  it("treats an unknown Claude model as profile-only, with default capabilities", async () => {
    const mystery = "anthropic.claude-mystery-9";
    const r = await resolve(mystery, "us-east-1", fakeDeps({ "us-east-1": [`us.${mystery}`] }));
    expect(r.sendId).toBe(`us.${mystery}`);
    expect(r.capabilities).toMatchObject({
      known: false,
      contextWindow: 200_000,
      maxOutputDefault: 8192,
      promptCaching: false,
    });
  });
});

describe("resolveModel: mismatches caught before any request", () => {
  it("geo mismatch names the profile, the region and a concrete fix", async () => {
    const error = await rejection(resolve(`us.${S45}`, "eu-west-1"));
    expect(error.code).toBe("geo-mismatch");
    expect(error.message).toBe(
      `The inference profile us.${S45} can only be called from a us- region (us-east-1, us-east-2, us-west-2), but the main model would be called in eu-west-1.`,
    );
    expect(error.fix).toBe(
      `use eu.${S45}, or set AWS_REGION to a us- region (us-east-1, us-east-2, us-west-2)`,
    );
    expect(error.details).toEqual({ requested: `us.${S45}`, role: "main", region: "eu-west-1" });
  });

  it("geo mismatch still caught from the static table when the list is unavailable", async () => {
    const error = await rejection(resolve(`us.${S45}`, "eu-west-1", fakeDeps(WORLD, { listFails: true })));
    expect(error.code).toBe("geo-mismatch");
    expect(error.fix).toMatch(new RegExp(`^use eu\\.${S45.replace(/[.:]/g, "\\$&")}, or set AWS_REGION`));
  });

  it("trusts ListInferenceProfiles over the static table", async () => {
    const r = await resolve(`us.${S45}`, "eu-west-1", fakeDeps({ "eu-west-1": [`us.${S45}`] }));
    expect(r.sendId).toBe(`us.${S45}`);
  });

  it("global. profiles can't be called from GovCloud; the fix names the us-gov. profile", async () => {
    const error = await rejection(resolve(`global.${S45}`, "us-gov-west-1"));
    expect(error.fix).toBe(
      `use us-gov.${S45}, or set AWS_REGION to a commercial AWS region (e.g. us-east-1, eu-west-1)`,
    );
  });

  it("an unlisted profile in a covering region is sent, with alternatives in the notes", async () => {
    const r = await resolve(`apac.${S45}`, "ap-northeast-1");
    expect(r.sendId).toBe(`apac.${S45}`);
    expect(r.notes.join("\n")).toContain(`available there: jp.${S45}, global.${S45}`);
  });

  it("ARN region mismatch names both regions and the fix", async () => {
    const arn = `arn:aws:bedrock:us-east-1:${ACCOUNT}:application-inference-profile/${APP_ID}`;
    const deps = fakeDeps();
    const error = await rejection(resolve(arn, "eu-west-1", deps));
    expect(error.code).toBe("arn-region-mismatch");
    expect(error.message).toContain("us-east-1");
    expect(error.message).toContain("eu-west-1");
    expect(error.fix).toBe("set AWS_REGION=us-east-1, or use an ARN from eu-west-1");
    expect(deps.getCalls).toEqual([]);
  });

  it("an inference-profile ARN is checked against its geography", async () => {
    const arn = `arn:aws:bedrock:eu-west-1:${ACCOUNT}:inference-profile/us.${S45}`;
    expect((await rejection(resolve(arn, "eu-west-1"))).code).toBe("geo-mismatch");
    const ok = await resolve(`arn:aws:bedrock:eu-west-1:${ACCOUNT}:inference-profile/eu.${S45}`, "eu-west-1");
    expect(ok).toMatchObject({ kind: "system-profile", geo: "eu", foundationModelId: S45 });
    expect(ok.sendId).toBe(`arn:aws:bedrock:eu-west-1:${ACCOUNT}:inference-profile/eu.${S45}`);
  });

  it("invalid IDs carry the parser's reason and suggestion", async () => {
    const error = await rejection(resolve("claude-sonnet-4-5", "us-east-1", fakeDeps(), { role: "small" }));
    expect(error.code).toBe("invalid-id");
    expect(error.message).toMatch(/^The small\/fast model "claude-sonnet-4-5" is not a valid model: /);
    expect(error.fix).toBe(`use ${S45}`);
  });

  it("rejects bad regions and region prefixes", async () => {
    expect((await rejection(resolve("sonnet", "moon-1"))).code).toBe("invalid-region");
    expect((await rejection(resolve("sonnet", "eu-west-1", fakeDeps(), { regionPrefix: "xx" }))).code).toBe(
      "invalid-region-prefix",
    );
    const prefix = await rejection(resolve("sonnet", "eu-west-1", fakeDeps(), { regionPrefix: "us" }));
    expect(prefix.code).toBe("geo-mismatch");
    expect(prefix.fix).toMatch(/^set ANTHROPIC_BEDROCK_REGION_PREFIX=eu, or set AWS_REGION to a us- region/);
  });

  it("an alias with no profile in the region suggests a pin from the list", async () => {
    const error = await rejection(resolve("sonnet", "us-gov-west-1"));
    expect(error.code).toBe("model-unavailable");
    expect(error.fix).toBe(
      `pin another sonnet model, e.g. ANTHROPIC_DEFAULT_SONNET_MODEL=us-gov.${S45}, or set AWS_REGION to a region that serves ${S46}`,
    );
  });
});

describe("resolveModel: application inference profiles", () => {
  const arn = `arn:aws:bedrock:us-east-1:${ACCOUNT}:application-inference-profile/${APP_ID}`;

  it("learns the backing model from GetInferenceProfile", async () => {
    const deps = fakeDeps();
    const r = await resolve(arn, "us-east-1", deps);
    expect(deps.getCalls).toEqual([["us-east-1", arn]]);
    expect(r).toMatchObject({ sendId: arn, kind: "application-profile", foundationModelId: S45 });
    expect(r.capabilities).toMatchObject({
      known: true,
      displayName: "Claude Sonnet 4.5",
      thinking: "enabled",
    });
  });

  it("a missing profile is an error with a listing command", async () => {
    const missing = `arn:aws:bedrock:us-east-1:${ACCOUNT}:application-inference-profile/zzzzzzzzzzzz`;
    const error = await rejection(resolve(missing, "us-east-1"));
    expect(error.code).toBe("unknown-application-profile");
    expect(error.fix).toBe(
      "list yours with: aws bedrock list-inference-profiles --type-equals APPLICATION --region us-east-1",
    );
  });

  it("a denied lookup falls back to defaults plus overrides keyed by the ARN", async () => {
    const denied = `arn:aws:bedrock:us-east-1:${ACCOUNT}:application-inference-profile/deniedmodel1`;
    const r = await resolve(denied, "us-east-1", fakeDeps(), {
      overrides: { [denied]: { thinking: "adaptive", contextWindow: 1_000_000 } },
    });
    expect(r.foundationModelId).toBeUndefined();
    expect(r.capabilities).toMatchObject({ known: false, thinking: "adaptive", contextWindow: 1_000_000 });
    expect(r.notes.join("\n")).toMatch(/GetInferenceProfile failed .*AccessDeniedException/);
  });

  it("notes an account mismatch without blocking", async () => {
    const r = await resolve(arn, "us-east-1", fakeDeps(), { account: "999999999999" });
    expect(r.notes.join("\n")).toMatch(/account 123456789012.*account 999999999999/);
  });
});

describe("resolveModel: pins, preferGlobal, regionPrefix", () => {
  it("a pin replaces the alias target and is itself resolved", async () => {
    const r = await resolve("sonnet", "eu-west-1", fakeDeps(), { pins: { sonnet: S45 } });
    expect(r).toMatchObject({
      requested: "sonnet",
      sendId: `eu.${S45}`,
      foundationModelId: S45,
      rewrittenFrom: S45,
    });
    expect(r.notes[0]).toBe(`sonnet is pinned to ${S45}.`);
    const opus = await resolve("opus", "us-east-1", fakeDeps(), {
      pins: { opus: "us.anthropic.claude-opus-4-1-20250805-v1:0" },
    });
    expect(opus.sendId).toBe("us.anthropic.claude-opus-4-1-20250805-v1:0");
    expect(opus.capabilities.displayName).toBe("Claude Opus 4.1");
  });

  it("pins are checked like any ID", async () => {
    const wrongGeo = await rejection(
      resolve("haiku", "eu-west-1", fakeDeps(), { pins: { haiku: `us.${H45}` } }),
    );
    expect(wrongGeo.code).toBe("geo-mismatch");
    const alias = await rejection(resolve("haiku", "eu-west-1", fakeDeps(), { pins: { haiku: "sonnet" } }));
    expect(alias.code).toBe("invalid-pin");
    expect(alias.fix).toBe(`set ANTHROPIC_DEFAULT_HAIKU_MODEL to a Bedrock ID such as eu.${S46}`);
    const bad = await rejection(
      resolve("haiku", "eu-west-1", fakeDeps(), { pins: { haiku: "claude-haiku-4-5" } }),
    );
    expect(bad.code).toBe("invalid-pin");
    expect(bad.fix).toBe(`set ANTHROPIC_DEFAULT_HAIKU_MODEL=${H45}`);
  });

  it("an unused pin doesn't affect other aliases", async () => {
    const r = await resolve("opus", "eu-west-1", fakeDeps(), { pins: { sonnet: S45 } });
    expect(r.sendId).toBe(`eu.${O46}`);
  });

  it("preferGlobal picks global. and says nothing about fallback", async () => {
    const deps = fakeDeps();
    const r = await resolve("sonnet", "eu-west-1", deps, { preferGlobal: true });
    expect(r).toMatchObject({ sendId: `global.${S46}`, geo: "global" });
    expect(deps.announced).toEqual([]);
    expect((await resolve(S45, "us-east-1", deps, { preferGlobal: true })).sendId).toBe(`global.${S45}`);
  });

  it("a global fallback is announced with the data-residency hint", async () => {
    const deps = fakeDeps();
    const r = await resolve("haiku", "ap-northeast-1", deps);
    expect(r.sendId).toBe(`global.${H45}`);
    expect(deps.announced).toEqual([
      `No apac. profile for ${H45} in ap-northeast-1; using global.${H45}, which may route requests to any commercial region. Set ANTHROPIC_BEDROCK_REGION_PREFIX=apac to keep requests in apac.`,
    ]);
  });

  it("regionPrefix overrides the region's geography and disables fallbacks", async () => {
    expect((await resolve("sonnet", "eu-west-1", fakeDeps(), { regionPrefix: "global" })).sendId).toBe(
      `global.${S46}`,
    );
    expect((await resolve(S45, "ap-northeast-1", fakeDeps(), { regionPrefix: "apac" })).sendId).toBe(S45);
    const error = await rejection(resolve("sonnet", "ap-northeast-1", fakeDeps(), { regionPrefix: "apac" }));
    expect(error.code).toBe("model-unavailable");
    // Explicit profile IDs are never rewritten by the prefix.
    expect((await resolve(`global.${S45}`, "eu-west-1", fakeDeps(), { regionPrefix: "eu" })).sendId).toBe(
      `global.${S45}`,
    );
  });

  it("without a profile list, aliases use the catalog's geographies, unconfirmed", async () => {
    const r = await resolve("sonnet", "ap-northeast-1", fakeDeps(WORLD, { listFails: true }));
    expect(r.sendId).toBe(`jp.${S46}`);
    expect(r.notes.join("\n")).toMatch(/not confirmed by ListInferenceProfiles/);
  });
});

describe("resolveModel: capabilities", () => {
  it("applies overrides by foundation model and by profile ID", async () => {
    const r = await resolve("sonnet", "us-east-1", fakeDeps(), {
      overrides: { [S46]: { maxOutputDefault: 1000 }, [`us.${S46}`]: { promptCaching: false } },
    });
    expect(r.capabilities).toMatchObject({
      foundationModelId: S46,
      known: true,
      maxOutputDefault: 1000,
      promptCaching: false,
    });
  });

  it("[1m] widens the window only where the model supports it", async () => {
    const sonnet = await resolve("sonnet[1m]", "us-east-1");
    expect(sonnet.oneMillionContext).toBe(true);
    expect(sonnet.capabilities.contextWindow).toBe(1_000_000);
    expect(sonnet.sendId).toBe(`us.${S46}`);
    expect(sonnet.notes.join("\n")).toMatch(/context-1m-2025-08-07/);
    const haiku = await resolve("haiku[1m]", "us-east-1");
    expect(haiku.oneMillionContext).toBe(false);
    expect(haiku.capabilities.contextWindow).toBe(200_000);
    expect(haiku.notes.join("\n")).toMatch(/\[1m\] ignored/);
  });

  it("lists profiles at most once per resolution", async () => {
    const deps = fakeDeps();
    const spy = vi.spyOn(deps, "listSystemProfiles");
    await resolve(`us.${S45}`, "eu-west-1", deps).catch(() => {});
    expect(spy).toHaveBeenCalledTimes(1);
  });
});
