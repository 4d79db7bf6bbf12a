import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { multiFamilyWorld } from "../../emulator/index.js";
import { type AccountModel, createAccountModelCache } from "../../src/bedrock/account-models.js";
import { lookupModel } from "../../src/bedrock/catalog.js";
import type { ProviderEvent } from "../../src/model/types.js";
import { applyAccountModels, factsFor } from "../../src/providers/account-facts.js";
import { BedrockInvokeClient } from "../../src/providers/bedrock-invoke-client.js";
import { CLAUDE_CONVERSE_FEATURES } from "../../src/providers/converse-body.js";
import { ConverseClient } from "../../src/providers/converse-client.js";
import { WireClient, type WireRoute } from "../../src/providers/select-wire.js";
import { sharedEmulator } from "../conformance/helpers.js";

const listed = (modelId: string, extra: Partial<AccountModel> = {}): AccountModel => ({
  modelId,
  modelName: modelId,
  providerName: "Meta",
  inputModalities: ["TEXT"],
  outputModalities: ["TEXT"],
  responseStreamingSupported: true,
  inferenceTypesSupported: ["INFERENCE_PROFILE"],
  lifecycle: "ACTIVE",
  ...extra,
});

const LLAMA33 = "meta.llama3-3-70b-instruct-v1:0";

describe("factsFor: what the account's listing says about a route", () => {
  const route = (sendId: string, fm = sendId) => ({ sendId, foundationModelId: fm, region: "us-east-1" });

  it("keeps streaming and image input from the listing", () => {
    const { facts } = factsFor(route(`us.${LLAMA33}`, LLAMA33), [
      listed(LLAMA33, { responseStreamingSupported: false }),
    ]);
    expect(facts).toEqual({ streaming: false, images: false });
  });

  it("a Legacy model gets a warning naming the catalog's replacement", () => {
    const { warnings } = factsFor(route(`us.${LLAMA33}`, LLAMA33), [
      listed(LLAMA33, { lifecycle: "LEGACY", modelName: "Llama 3.3 70B Instruct" }),
    ]);
    expect(warnings).toEqual([
      expect.stringMatching(
        /^Llama 3\.3 70B Instruct \(meta\.llama3-3-70b-instruct-v1:0\) is marked Legacy in us-east-1: .* Switch to Llama 4 Maverick .*\(meta\.llama4-maverick-17b-instruct-v1:0\)\.$/,
      ),
    ]);
  });

  it("a bare ID the region does not list is refused with a fix; a profile or an empty list is left alone", () => {
    const refusal = factsFor(route("amazon.nova-micro-v1:0"), [listed(LLAMA33)]).facts?.refusal;
    expect(refusal?.explanation).toContain("amazon.nova-micro-v1:0 is not among the foundation models");
    expect(refusal?.fix).toContain("`quarry models`");
    expect(factsFor(route("us.amazon.nova-micro-v1:0", "amazon.nova-micro-v1:0"), [listed(LLAMA33)])).toEqual(
      {
        warnings: [],
      },
    );
    expect(factsFor(route("amazon.nova-micro-v1:0"), [])).toEqual({ warnings: [] });
  });
});

describe("applyAccountModels: no round trip before the first request", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });
  const setup = async () => {
    const dir = await mkdtemp(join(tmpdir(), "quarry-facts-"));
    dirs.push(dir);
    const fetches: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const answer = [listed(LLAMA33, { lifecycle: "LEGACY", responseStreamingSupported: false })];
    const accountModels = createAccountModelCache({
      dir,
      ttlMs: 60_000,
      fetch: async (region) => {
        fetches.push(region);
        await gate;
        return answer;
      },
    });
    return { accountModels, fetches, release };
  };

  it("no cache: returns at once with nothing applied; the background answer applies later and its warning is a notice", async () => {
    const { accountModels, fetches, release } = await setup();
    const route: Parameters<typeof factsFor>[0] = {
      sendId: `us.${LLAMA33}`,
      foundationModelId: LLAMA33,
      region: "us-east-1",
    };
    const notices: string[] = [];
    const warnings = await applyAccountModels({ accountModels }, [route], (m) => notices.push(m));
    expect(warnings).toEqual([]);
    expect(route.account).toBeUndefined();
    await new Promise((r) => setTimeout(r, 20));
    expect(fetches).toEqual(["us-east-1"]); // under way, not awaited
    expect(route.account).toBeUndefined();
    release();
    await new Promise((r) => setTimeout(r, 50));
    expect(route.account).toEqual({ streaming: false, images: false });
    expect(notices).toEqual([expect.stringContaining("is marked Legacy")]);

    // A fresh cache is applied at once, its warnings returned, and nothing is fetched.
    const second: Parameters<typeof factsFor>[0] = { ...route };
    delete second.account;
    const again = await applyAccountModels({ accountModels }, [second, undefined]);
    expect(again).toEqual([expect.stringContaining("is marked Legacy")]);
    expect(second.account).toEqual({ streaming: false, images: false });
    expect(fetches).toEqual(["us-east-1"]);
  });
});

const emu = sharedEmulator(() => {
  const w = multiFamilyWorld();
  w.script = [{ model: "nova-micro", reply: { content: [{ type: "text", text: "a tiny image" }] } }];
  return w;
});

async function collect(events: AsyncIterable<ProviderEvent>): Promise<ProviderEvent[]> {
  const out: ProviderEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
}

describe("WireClient applies the account's image rule (Nova Micro lists TEXT only)", () => {
  const PNG =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg==";
  const request = {
    messages: [
      {
        role: "user" as const,
        content: [
          { type: "text" as const, text: "what is this?" },
          {
            type: "image" as const,
            source: { type: "base64" as const, media_type: "image/png" as const, data: PNG },
          },
        ],
      },
    ],
  };
  const route = (): WireRoute => {
    const fm = "amazon.nova-micro-v1:0";
    const caps = lookupModel(fm);
    return {
      sendId: fm,
      foundationModelId: fm,
      region: "us-east-1",
      client: emu.runtime(),
      defaultMaxTokens: 512,
      promptCaching: false,
      context: { model: fm, region: "us-east-1" },
      converseFeatures: caps.converseFeatures ?? CLAUDE_CONVERSE_FEATURES,
      anthropic: false,
      wire: "converse",
    };
  };
  const client = () => new WireClient({ invoke: new BedrockInvokeClient(), converse: new ConverseClient() });

  it("without the account's facts the image goes out and the emulator refuses it", async () => {
    await expect(collect(client().stream(route(), request, { caching: false }))).rejects.toThrow(
      /doesn't support the image content block/,
    );
  });

  it("with them the image is replaced by a note, the user is told once, and the call succeeds", async () => {
    const r = { ...route(), account: { streaming: true, images: false } };
    const wire = client();
    const events = await collect(wire.stream(r, request, { caching: false }));
    expect(events[0]).toMatchObject({
      type: "notice",
      message: expect.stringContaining("takes no image input"),
    });
    expect(events.some((e) => e.type === "message_stop")).toBe(true);
    const sent = JSON.stringify(emu.last().body);
    expect(sent).toContain("[image omitted: amazon.nova-micro-v1:0 takes no image input]");
    expect(sent).not.toContain('"image"');
    const twice = await collect(wire.stream(r, request, { caching: false }));
    expect(twice.some((e) => e.type === "notice")).toBe(false);
  });
});
