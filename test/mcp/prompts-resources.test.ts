import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { McpManager } from "../../src/mcp/manager.js";
import { mcpPanel } from "../../src/mcp/panel.js";
import { expandMcpPrompt, listMcpPrompts, promptArguments } from "../../src/mcp/prompts.js";
import {
  attachResourceMentions,
  LIST_RESOURCES_TOOL,
  READ_RESOURCE_TOOL,
  resourceMentions,
} from "../../src/mcp/resources.js";
import { createToolContext } from "../../src/tools/index.js";
import { ToolRegistry } from "../../src/tools/tool-registry.js";
import { everythingStdio } from "./servers.js";

// One server-everything for the whole file: its prompts and resources do not change between tests.
const registry = new ToolRegistry();
const manager = new McpManager({
  start: [{ name: "everything", scope: "dynamic", origin: "--mcp-config", config: everythingStdio() }],
  registry,
  env: process.env,
  cwd: process.cwd(),
  timeoutMs: 20_000,
  maxOutputTokens: 25_000,
  reconnectDelaysMs: [],
  notify: () => {},
});
beforeAll(async () => {
  expect(await manager.start()).toEqual([]);
}, 30_000);
afterAll(() => manager.close());

const DOC_URI = "demo://resource/static/document/architecture.md";
const ctx = () => createToolContext({ cwd: process.cwd(), signal: new AbortController().signal });

describe("MCP prompts as slash commands (server-everything)", () => {
  it("lists the server's prompts as /mcp__<server>__<prompt> with their arguments", async () => {
    const prompts = await listMcpPrompts(manager);
    const args = prompts.find((p) => p.name === "mcp__everything__args-prompt");
    expect(args).toMatchObject({ server: "everything", prompt: "args-prompt" });
    expect(args!.arguments.map((a) => [a.name, a.required ?? false])).toEqual([
      ["city", true],
      ["state", false],
    ]);
    expect(prompts.map((p) => p.name)).toContain("mcp__everything__simple-prompt");
  });

  it("expands a prompt with its arguments in order, the server filling them in", async () => {
    expect(await expandMcpPrompt(manager, "mcp__everything__args-prompt", "Paris Texas")).toBe(
      "What's weather in Paris, Texas?",
    );
    expect(await expandMcpPrompt(manager, "mcp__everything__simple-prompt", "")).toBe(
      "This is a simple prompt without arguments.",
    );
  });

  it("a missing required argument and an unknown prompt say how to write it", async () => {
    await expect(expandMcpPrompt(manager, "mcp__everything__args-prompt", "")).rejects.toMatchObject({
      message: "/mcp__everything__args-prompt needs <city>.",
      fix: "write it as /mcp__everything__args-prompt <city> [state]",
    });
    await expect(expandMcpPrompt(manager, "mcp__everything__nope", "")).rejects.toThrow(
      /Unknown MCP prompt \/mcp__everything__nope\. Available MCP prompts: .*\/mcp__everything__args-prompt/,
    );
  });

  it("words beyond the last argument join it", () => {
    const command = {
      name: "mcp__s__p",
      server: "s",
      prompt: "p",
      arguments: [{ name: "a", required: true }, { name: "rest" }],
    };
    expect(promptArguments(command, "one two three").values).toEqual({ a: "one", rest: "two three" });
  });
});

describe("MCP resources (server-everything)", () => {
  it("offers ListMcpResourcesTool and ReadMcpResourceTool, read-only", async () => {
    const list = registry.get(LIST_RESOURCES_TOOL)!;
    const read = registry.get(READ_RESOURCE_TOOL)!;
    expect(list.readOnly && read.readOnly).toBe(true);
    const listed = JSON.parse((await list.run(list.inputSchema.parse({}), ctx())).content);
    expect(listed).toContainEqual(expect.objectContaining({ server: "everything", uri: DOC_URI }));
    const doc = await read.run(read.inputSchema.parse({ server: "everything", uri: DOC_URI }), ctx());
    expect(doc.isError).toBeFalsy();
    expect(doc.content).toContain(`[Resource ${DOC_URI}]`);
    const missing = await read.run(read.inputSchema.parse({ server: "ghost", uri: DOC_URI }), ctx());
    expect(missing).toMatchObject({ isError: true });
    expect(missing.content).toContain('MCP server "ghost" is not connected');
  });

  it("finds @server:uri mentions of connected servers only, without trailing punctuation", () => {
    expect(
      resourceMentions(`read @everything:${DOC_URI}. and mail bob@example.com or @other:x://y`, [
        "everything",
      ]),
    ).toEqual([{ server: "everything", uri: DOC_URI }]);
  });

  it("attaches a mentioned resource after the prompt; a bad URI is a clear error", async () => {
    const prompt = `Summarise @everything:${DOC_URI}`;
    const out = await attachResourceMentions(manager, prompt, 25_000);
    expect(out.startsWith(`${prompt}\n\n<mcp-resource server="everything" uri="${DOC_URI}">`)).toBe(true);
    expect(out.length).toBeGreaterThan(prompt.length + 200);
    await expect(
      attachResourceMentions(manager, "see @everything:demo://resource/static/document/none.md", 25_000),
    ).rejects.toThrow(/@everything:demo:\/\/resource\/static\/document\/none\.md could not be read/);
  });
});

describe("/mcp panel", () => {
  it("shows each server's state with tools and prompts, and reconnects one by name", async () => {
    await expect.poll(() => manager.promptCommands().length).toBeGreaterThan(0);
    const panel = await mcpPanel(manager, "");
    expect(panel).toMatch(/✓ everything \(dynamic\) connected: \d+ tools, \d+ prompts/);
    expect(await mcpPanel(manager, "reconnect everything")).toMatch(
      /MCP server "everything" reconnected; \d+ tools\./,
    );
    expect(await mcpPanel(manager, "reconnect ghost")).toContain('there is no MCP server named "ghost"');
    expect(await mcpPanel(undefined, "")).toContain("No MCP servers in this session");
  });
});
