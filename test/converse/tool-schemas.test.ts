import { describe, expect, it } from "vitest";
import { multiFamilyWorld } from "../../emulator/index.js";
import { lookupModel } from "../../src/bedrock/catalog.js";
import type { ProviderEvent } from "../../src/model/types.js";
import { CLAUDE_CONVERSE_FEATURES } from "../../src/providers/converse-body.js";
import { ConverseClient, type ConverseRoute } from "../../src/providers/converse-client.js";
import { adaptToolSchema } from "../../src/providers/converse-tools.js";
import { sharedEmulator } from "../conformance/helpers.js";

/** A schema as zod-to-json-schema / MCP servers emit it: meta keywords, $defs and $refs. */
const MCP_SCHEMA = {
  $schema: "http://json-schema.org/draft-07/schema#",
  $id: "create_issue",
  type: "object",
  properties: {
    title: { type: "string", $comment: "short" },
    // A property named like a keyword is the user's and stays.
    $id: { type: "string" },
    labels: { type: "array", items: { $ref: "#/$defs/Label" } },
    assignee: { $ref: "#/definitions/User", description: "who" },
  },
  required: ["title"],
  additionalProperties: false,
  $defs: { Label: { type: "string", enum: ["bug", "feature"] } },
  definitions: { User: { type: "object", properties: { login: { type: "string" } } } },
};

describe("adaptToolSchema per family", () => {
  it("Nova (and Llama, Mistral): meta keywords dropped, $refs inlined, $defs gone; the rest kept", () => {
    const expected = {
      type: "object",
      properties: {
        title: { type: "string" },
        $id: { type: "string" },
        labels: { type: "array", items: { type: "string", enum: ["bug", "feature"] } },
        assignee: { type: "object", properties: { login: { type: "string" } }, description: "who" },
      },
      required: ["title"],
      additionalProperties: false,
    };
    expect(adaptToolSchema(MCP_SCHEMA, "nova")).toEqual(expected);
    expect(adaptToolSchema(MCP_SCHEMA, "llama")).toEqual(expected);
    expect(adaptToolSchema(MCP_SCHEMA, "mistral")).toEqual(expected);
  });

  it("DeepSeek, gpt-oss, Qwen: only meta keywords dropped", () => {
    const out = adaptToolSchema(MCP_SCHEMA, "gpt-oss");
    expect(out).not.toHaveProperty("$schema");
    expect(out).not.toHaveProperty("$id");
    expect((out.properties as Record<string, unknown>).labels).toEqual({
      type: "array",
      items: { $ref: "#/$defs/Label" },
    });
    expect(out.$defs).toEqual(MCP_SCHEMA.$defs);
  });

  it("Claude and unknown families: unchanged apart from the object top", () => {
    expect(adaptToolSchema(MCP_SCHEMA, "sonnet")).toEqual(MCP_SCHEMA);
    expect(adaptToolSchema(MCP_SCHEMA)).toEqual(MCP_SCHEMA);
    expect(adaptToolSchema({ type: "string" })).toEqual({ type: "object", properties: {} });
  });

  it("a recursive $ref stops after a bounded depth instead of looping", () => {
    const tree = {
      type: "object",
      properties: { root: { $ref: "#/$defs/Node" } },
      $defs: { Node: { type: "object", properties: { child: { $ref: "#/$defs/Node" } } } },
    };
    const out = JSON.stringify(adaptToolSchema(tree, "nova"));
    expect(out).not.toContain("$ref");
    expect(out.length).toBeLessThan(2000);
  });
});

const emu = sharedEmulator(() => {
  const w = multiFamilyWorld();
  w.script = [{ model: "nova-pro", reply: { content: [{ type: "text", text: "ok" }] } }];
  return w;
});

function route(fm: string, family = lookupModel(fm).family): ConverseRoute {
  const caps = lookupModel(fm);
  return {
    sendId: fm,
    foundationModelId: fm,
    region: "us-east-1",
    client: emu.runtime(),
    defaultMaxTokens: 1024,
    promptCaching: false,
    context: { model: fm, region: "us-east-1" },
    converseFeatures: caps.converseFeatures ?? CLAUDE_CONVERSE_FEATURES,
    anthropic: false,
    ...(family ? { family } : {}),
  };
}

async function collect(events: AsyncIterable<ProviderEvent>): Promise<ProviderEvent[]> {
  const out: ProviderEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
}

describe("the emulator refuses what Nova refuses; Quarry's stripped schema passes", () => {
  const request = {
    messages: [{ role: "user" as const, content: "file an issue" }],
    tools: [{ name: "create_issue", description: "Files an issue.", input_schema: MCP_SCHEMA }],
  };

  it("unstripped (no family on the route): refused naming the keyword", async () => {
    const r = { ...route("amazon.nova-pro-v1:0"), family: undefined };
    await expect(collect(new ConverseClient().stream(r, request, { caching: false }))).rejects.toThrow(
      /unsupported JSON schema keyword \$schema/,
    );
  });

  it("stripped for Nova: accepted, and the schema the emulator received has no $ref or $schema", async () => {
    const events = await collect(
      new ConverseClient().stream(route("amazon.nova-pro-v1:0"), request, { caching: false }),
    );
    expect(events.some((e) => e.type === "message_stop")).toBe(true);
    const sent = emu.log
      .filter((q) => q.path.endsWith("/converse-stream") && q.status === 200)
      .map((q) => JSON.stringify(q.body))
      .pop();
    expect(sent).toBeDefined();
    expect(sent).not.toContain("$schema");
    expect(sent).not.toContain("$ref");
    expect(sent).toContain("feature");
  });
});
