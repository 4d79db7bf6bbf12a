// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} is the MCP config syntax under test
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { McpManager } from "../../src/mcp/manager.js";
import type { McpServerConfig, McpServerEntry } from "../../src/mcp/server-config.js";
import { createToolContext } from "../../src/tools/index.js";
import { ToolRegistry } from "../../src/tools/tool-registry.js";
import { everythingStdio, FILESYSTEM, FLAKY, startEverythingHttp } from "./servers.js";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

function entry(name: string, config: McpServerConfig): McpServerEntry {
  return { name, scope: "dynamic", origin: "--mcp-config", config };
}

function manager(
  entries: McpServerEntry[],
  extra: {
    timeoutMs?: number;
    maxOutputTokens?: number;
    env?: NodeJS.ProcessEnv;
    reconnectDelaysMs?: number[];
  } = {},
) {
  const registry = new ToolRegistry();
  const notices: string[] = [];
  const m = new McpManager({
    start: entries,
    registry,
    env: { ...process.env, GREETING: "hello", ...extra.env },
    cwd: process.cwd(),
    timeoutMs: extra.timeoutMs ?? 15_000,
    maxOutputTokens: extra.maxOutputTokens ?? 25_000,
    reconnectDelaysMs: extra.reconnectDelaysMs ?? [],
    notify: (n) => notices.push(n),
  });
  cleanups.push(() => m.close());
  return { m, registry, notices };
}

const ctx = () => createToolContext({ cwd: process.cwd(), signal: new AbortController().signal });

async function call(registry: ToolRegistry, name: string, input: unknown) {
  const tool = registry.get(name);
  if (!tool) throw new Error(`${name} is not registered; have ${registry.names().join(", ")}`);
  return tool.run(tool.inputSchema.parse(input), ctx());
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
}

describe("McpManager against real MCP servers", () => {
  it("registers server-everything's tools over stdio; echo and an image come back", async () => {
    const { m, registry } = manager([entry("everything", everythingStdio())]);
    expect(await m.start()).toEqual([]);
    expect(registry.names()).toContain("mcp__everything__echo");
    expect(m.statuses()[0]).toMatchObject({ name: "everything", status: "connected", source: "dynamic" });
    const echo = registry.get("mcp__everything__echo")!;
    // readOnlyHint makes it parallel-safe; the JSON Schema reaches the model unchanged.
    expect(echo.readOnly).toBe(true);
    expect(
      registry.definitions().find((d) => d.name === "mcp__everything__echo")!.input_schema,
    ).toMatchObject({
      properties: { message: { type: "string" } },
    });
    expect(await call(registry, "mcp__everything__echo", { message: "hi there" })).toMatchObject({
      content: "Echo: hi there",
      isError: false,
    });
    const image = await call(registry, "mcp__everything__get-tiny-image", {});
    expect(image.images?.[0]?.source.media_type).toBe("image/png");
    expect(image.images?.[0]?.source.data.length).toBeGreaterThan(100);
    expect(image.content).toContain("MCP logo");
    // The schema is enforced before the call: a wrong type never reaches the server.
    expect(echo.inputSchema.safeParse({ message: 5 }).success).toBe(false);
  });

  it("talks Streamable HTTP to server-everything, with custom headers", async () => {
    const server = await startEverythingHttp("streamableHttp");
    cleanups.push(server.stop);
    const { m, registry } = manager([
      entry("remote", { type: "http", url: server.url, headers: { "X-Quarry-Test": "${GREETING}" } }),
    ]);
    expect(await m.start()).toEqual([]);
    expect(await call(registry, "mcp__remote__echo", { message: "over http" })).toMatchObject({
      content: "Echo: over http",
    });
  });

  it("talks legacy SSE to server-everything", async () => {
    const server = await startEverythingHttp("sse");
    cleanups.push(server.stop);
    const { m, registry } = manager([entry("legacy", { type: "sse", url: server.url })]);
    expect(await m.start()).toEqual([]);
    expect(await call(registry, "mcp__legacy__echo", { message: "sse" })).toMatchObject({
      content: "Echo: sse",
    });
  });

  it("reads a file through server-filesystem, with ${VAR} expanded in args", async () => {
    const dir = mkdtempSync(join(tmpdir(), "quarry-mcpfs-"));
    writeFileSync(join(dir, "note.txt"), "filesystem says hi\n");
    const { m, registry } = manager(
      [entry("fs", { command: process.execPath, args: [FILESYSTEM, "${MCP_TEST_DIR:-/nonexistent}"] })],
      { env: { MCP_TEST_DIR: dir } },
    );
    expect(await m.start()).toEqual([]);
    const result = await call(registry, "mcp__fs__read_text_file", { path: join(dir, "note.txt") });
    expect(result.content).toContain("filesystem says hi");
  });

  it("a missing command, a hanging server and an unset variable are warnings, not failures", async () => {
    const started = Date.now();
    const { m, registry } = manager(
      [
        entry("ghost", { command: "quarry-no-such-mcp-server-binary" }),
        entry("sleepy", { command: process.execPath, args: ["-e", "setInterval(() => {}, 1000)"] }),
        entry("needsvar", { command: "${QUARRY_TEST_UNSET_VAR}" }),
        entry("flaky", { command: process.execPath, args: [FLAKY] }),
      ],
      { timeoutMs: 3000 },
    );
    const warnings = await m.start();
    expect(Date.now() - started).toBeLessThan(8000);
    expect(warnings.find((w) => w.includes('"ghost"'))).toContain(
      'command "quarry-no-such-mcp-server-binary" was not found',
    );
    expect(warnings.find((w) => w.includes('"sleepy"'))).toContain(
      "did not answer within 3000 ms (MCP_TIMEOUT)",
    );
    expect(warnings.find((w) => w.includes('"needsvar"'))).toContain(
      "QUARRY_TEST_UNSET_VAR, which is not set",
    );
    expect(m.statuses().map((s) => [s.name, s.status])).toEqual([
      ["ghost", "failed"],
      ["sleepy", "failed"],
      ["needsvar", "failed"],
      ["flaky", "connected"],
    ]);
    expect(registry.names().length).toBeGreaterThan(0);
    expect(registry.names().every((n) => n.startsWith("mcp__flaky__"))).toBe(true);
  });

  it("a server that dies mid-call: the call errors, its tools disappear, the user is told", async () => {
    const { m, registry, notices } = manager([entry("flaky", { command: process.execPath, args: [FLAKY] })]);
    await m.start();
    expect(registry.has("mcp__flaky__crash")).toBe(true);
    await expect(call(registry, "mcp__flaky__crash", {})).rejects.toThrow();
    await until(() => !registry.has("mcp__flaky__crash"));
    expect(registry.names()).toEqual([]);
    expect(notices.join("\n")).toMatch(
      /MCP server "flaky" stopped; its 4 tools are unavailable until it reconnects/,
    );
    expect(notices.join("\n")).toContain("crashing on purpose");
    expect(m.statuses()[0]!.status).toBe("failed");
  });

  it("a server that died comes back on its own, and its tools with it", async () => {
    const { m, registry, notices } = manager([entry("flaky", { command: process.execPath, args: [FLAKY] })], {
      reconnectDelaysMs: [50, 50],
    });
    await m.start();
    await expect(call(registry, "mcp__flaky__crash", {})).rejects.toThrow();
    await until(() => notices.some((n) => n.includes("reconnected")));
    expect(notices.join("\n")).toMatch(/MCP server "flaky" reconnected; its 4 tools are back/);
    expect(registry.has("mcp__flaky__big")).toBe(true);
    expect(m.statuses()[0]).toMatchObject({ status: "connected", tools: 4 });
    expect(m.statuses()[0]!.error).toBeUndefined();
    // The new process answers: the tool works again.
    const big = await call(registry, "mcp__flaky__big", { chars: 3 });
    expect(big.content).toBe("xxx");
  });

  it("reconnect() brings a failed server back by hand and says why when it cannot", async () => {
    const { m, registry } = manager([entry("flaky", { command: process.execPath, args: [FLAKY] })]);
    await m.start();
    await expect(call(registry, "mcp__flaky__crash", {})).rejects.toThrow();
    await until(() => m.statuses()[0]!.status === "failed");
    expect(await m.reconnect("flaky")).toBeUndefined();
    expect(registry.has("mcp__flaky__crash")).toBe(true);
    expect(await m.reconnect("nope")).toMatch(/there is no MCP server named "nope" \(have: flaky\)/);
  });

  it("tools/list_changed adds the new tool to the live registry", async () => {
    const { m, registry } = manager([entry("flaky", { command: process.execPath, args: [FLAKY] })]);
    await m.start();
    expect(registry.has("mcp__flaky__extra")).toBe(false);
    await call(registry, "mcp__flaky__grow", {});
    await until(() => registry.has("mcp__flaky__extra"));
    expect(await call(registry, "mcp__flaky__extra", { n: 7 })).toMatchObject({ content: "extra 7" });
    expect(m.toolHints("mcp__flaky__wipe")).toMatchObject({ destructive: true, readOnly: false });
  });

  it("caps long output with a note naming MAX_MCP_OUTPUT_TOKENS", async () => {
    const { m, registry } = manager([entry("flaky", { command: process.execPath, args: [FLAKY] })], {
      maxOutputTokens: 100,
    });
    await m.start();
    const result = await call(registry, "mcp__flaky__big", { chars: 5000 });
    expect(result.content.startsWith("x".repeat(400))).toBe(true);
    expect(result.content).not.toContain("x".repeat(401));
    expect(result.content).toContain("about 1250 tokens, more than the 100-token limit");
    expect(result.content).toContain("MAX_MCP_OUTPUT_TOKENS");
  });
});
