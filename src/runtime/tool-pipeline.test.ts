import { describe, expect, it } from "vitest";
import { testPipeline } from "../../test/support/pipeline.js";
import type { ToolUseBlock } from "../model/types.js";
import type { AgentEvent } from "../protocol/events.js";
import { defineExternalTool } from "../tools/external.js";
import type { HookRunner } from "./hooks.js";
import type { ToolPipeline } from "./tool-pipeline.js";

/** A HookRunner that records every call into the shared log, with scripted answers. */
function recordingHooks(log: string[], pre: Awaited<ReturnType<HookRunner["preToolUse"]>> = {}): HookRunner {
  return {
    async preToolUse(input) {
      log.push(`pre ${input.tool} ${JSON.stringify(input.input)}`);
      return pre;
    },
    async postToolUse(input) {
      log.push(`post ${input.tool} ${input.result.content}`);
      return { additionalContext: "checked by a hook" };
    },
  };
}

/** An external tool known only by its JSON Schema, as an MCP server would describe it. */
function weatherTool(log: string[]) {
  return defineExternalTool({
    name: "mcp__weather__forecast",
    description: "Forecast for a city.",
    inputSchema: {
      type: "object",
      properties: { city: { type: "string" }, days: { type: "integer", minimum: 1 } },
      required: ["city"],
      additionalProperties: false,
    },
    run: async (input, ctx) => {
      log.push(`run ${JSON.stringify(input)}`);
      ctx.progress?.("fetching");
      return { content: `Sunny in ${(input as { city: string }).city}, key SECRET-123` };
    },
  });
}

const call = (input: unknown): ToolUseBlock => ({
  type: "tool_use",
  id: "toolu_1",
  name: "mcp__weather__forecast",
  input,
});

async function runOne(pipeline: ToolPipeline, block: ToolUseBlock) {
  const events: AgentEvent[] = [];
  const it = pipeline.run(block, new AbortController().signal);
  for (;;) {
    const next = await it.next();
    if (next.done) return { events, finished: next.value };
    events.push(next.value);
  }
}

describe("tool pipeline", () => {
  it("runs validate → pre hook → decide → ask → run → post hook → scrub, in that order", async () => {
    const log: string[] = [];
    const pipeline = testPipeline([weatherTool(log)], {
      hooks: recordingHooks(log),
      decide: (request) => {
        log.push(`decide ${request.tool}`);
        return { behavior: "ask", reason: "external tools need approval" };
      },
      ask: async (question) => {
        log.push(`ask ${question.summary}`);
        return { behavior: "allow", reason: "ok" };
      },
      scrub: (text) => {
        log.push("scrub");
        return text.replace("SECRET-123", "<redacted>");
      },
    });
    const { events, finished } = await runOne(pipeline, call({ city: "Oslo" }));
    expect(log).toEqual([
      'pre mcp__weather__forecast {"city":"Oslo"}',
      "decide mcp__weather__forecast",
      "ask mcp__weather__forecast",
      'run {"city":"Oslo"}',
      "post mcp__weather__forecast Sunny in Oslo, key SECRET-123",
      "scrub",
    ]);
    expect(events.map((e) => e.type)).toEqual([
      "tool_call",
      "permission_request",
      "permission_decision",
      "tool_progress",
      "tool_result",
    ]);
    expect(finished.block).toEqual({
      type: "tool_result",
      tool_use_id: "toolu_1",
      content: "Sunny in Oslo, key <redacted>\n\nchecked by a hook",
    });
  });

  it("rejects input its JSON Schema forbids before any hook or permission check, and runs nothing", async () => {
    const log: string[] = [];
    const pipeline = testPipeline([weatherTool(log)], {
      hooks: recordingHooks(log),
      decide: () => {
        log.push("decide");
        return { behavior: "allow", reason: "" };
      },
    });
    const { finished } = await runOne(pipeline, call({ city: 7, extra: true }));
    expect(log).toEqual([]);
    expect(finished.event.isError).toBe(true);
    expect(finished.event.content).toContain("mcp__weather__forecast");
  });

  it("a pre hook's deny blocks an allowed call: the tool does not run and the model is told why", async () => {
    const log: string[] = [];
    const pipeline = testPipeline([weatherTool(log)], {
      hooks: recordingHooks(log, { decision: "deny", reason: "no network calls today" }),
    });
    const { events, finished } = await runOne(pipeline, call({ city: "Oslo" }));
    expect(log).toEqual(['pre mcp__weather__forecast {"city":"Oslo"}']);
    expect(events.find((e) => e.type === "permission_decision")).toMatchObject({
      behavior: "deny",
      source: "hook",
    });
    expect(finished.block).toMatchObject({ is_error: true });
    expect(finished.event.content).toContain("no network calls today");
  });

  it("a pre hook's allow never overrides a deny rule", async () => {
    const log: string[] = [];
    const pipeline = testPipeline([weatherTool(log)], {
      hooks: recordingHooks(log, { decision: "allow" }),
      decide: () => ({ behavior: "deny", reason: "denied by rule mcp__weather__forecast in settings" }),
    });
    const { finished } = await runOne(pipeline, call({ city: "Oslo" }));
    expect(log.some((l) => l.startsWith("run"))).toBe(false);
    expect(finished.event.content).toContain("denied by rule");
  });

  it("without anyone to ask, 'ask' is print mode's denial with the flag that would allow it", async () => {
    const log: string[] = [];
    const pipeline = testPipeline([weatherTool(log)], {
      decide: () => ({
        behavior: "ask",
        reason: "this tool needs approval",
        ask: {
          summary: "use mcp__weather__forecast",
          suggestedRules: ["mcp__weather__forecast"],
          acceptEditsWouldAllow: false,
        },
      }),
    });
    const { events, finished } = await runOne(pipeline, call({ city: "Oslo" }));
    expect(log).toEqual([]);
    expect(events.find((e) => e.type === "permission_decision")).toMatchObject({ source: "non-interactive" });
    expect(finished.event.content).toContain('--allowedTools "mcp__weather__forecast"');
  });

  it("passes images in a tool result on to the model after the text", async () => {
    const png = {
      type: "image" as const,
      source: { type: "base64" as const, media_type: "image/png" as const, data: "iVBORw0KGgo=" },
    };
    const shot = defineExternalTool({
      name: "Screenshot",
      description: "Takes a screenshot.",
      inputSchema: { type: "object", properties: {} },
      run: async () => ({ content: "one screenshot", images: [png] }),
    });
    const { finished } = await runOne(testPipeline([shot]), {
      type: "tool_use",
      id: "t",
      name: "Screenshot",
      input: {},
    });
    expect(finished.block.content).toEqual([{ type: "text", text: "one screenshot" }, png]);
    expect(finished.event.images).toEqual([png]);
  });
});
