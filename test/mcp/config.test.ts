// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} is the MCP config syntax under test
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadMcpConfig, mcpConfigPaths } from "../../src/mcp/config-files.js";
import { expandServerConfig, MissingVariableError } from "../../src/mcp/expand.js";
import { decideMcpCall } from "../../src/mcp/permissions.js";
import { gateProjectServers } from "../../src/mcp/trust-gate.js";
import { createPermissionPolicy } from "../../src/permissions/index.js";
import { resolveForNonInteractive } from "../../src/permissions/non-interactive.js";
import type { PermissionMode } from "../../src/permissions/types.js";

/** A project (git root) and a home with Quarry's user settings. */
function world(files: Record<string, unknown>) {
  const root = mkdtempSync(join(tmpdir(), "quarry-mcpcfg-"));
  const project = join(root, "repo");
  const home = join(root, "home");
  mkdirSync(join(project, ".git"), { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    const path = join(root, name);
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  }
  const paths = mcpConfigPaths({
    cwd: project,
    projectRoot: project,
    home,
    userConfigDir: join(home, ".quarry"),
  });
  return { project, home, paths };
}

const stdio = (command: string) => ({ command, args: [] });

describe("MCP config scopes", () => {
  it("reads .mcp.json in Claude Code's format unchanged, and the user and local scopes", () => {
    // The fixture from the compat notes: a stdio server with type optional and env, an HTTP server.
    const w = world({
      "repo/.mcp.json": {
        mcpServers: {
          everything: {
            command: "npx",
            args: ["-y", "@modelcontextprotocol/server-everything"],
            env: { A: "1" },
          },
          remote: { type: "http", url: "http://127.0.0.1:3001/mcp" },
          shared: stdio("from-project"),
        },
      },
      "home/.quarry/settings.json": { mcpServers: { mine: stdio("user-cmd"), shared: stdio("from-user") } },
      "repo/.quarry/settings.local.json": { mcpServers: { shared: stdio("from-local") } },
    });
    const loaded = loadMcpConfig({ paths: w.paths, home: w.home, cwd: w.project });
    expect(loaded.warnings).toEqual([]);
    const byName = Object.fromEntries(loaded.servers.map((s) => [s.name, s]));
    expect(byName.everything).toMatchObject({
      scope: "project",
      config: { command: "npx", env: { A: "1" } },
    });
    expect(byName.remote).toMatchObject({ scope: "project", config: { type: "http" } });
    expect(byName.mine).toMatchObject({ scope: "user" });
    // local beats project beats user.
    expect(byName.shared).toMatchObject({ scope: "local", config: { command: "from-local" } });
  });

  it("--mcp-config wins over .mcp.json (later values over earlier); --strict-mcp-config drops the files", () => {
    const w = world({
      "repo/.mcp.json": { mcpServers: { a: stdio("project-a"), b: stdio("project-b") } },
      "repo/extra.json": { mcpServers: { a: stdio("file-a") } },
    });
    const flagConfigs = ["extra.json", JSON.stringify({ mcpServers: { a: stdio("inline-a") } })];
    const loaded = loadMcpConfig({ paths: w.paths, home: w.home, cwd: w.project, flagConfigs });
    expect(loaded.servers.map((s) => [s.name, s.scope, (s.config as { command: string }).command])).toEqual([
      ["a", "dynamic", "inline-a"],
      ["b", "project", "project-b"],
    ]);
    const strict = loadMcpConfig({ paths: w.paths, home: w.home, cwd: w.project, flagConfigs, strict: true });
    expect(strict.servers.map((s) => s.name)).toEqual(["a"]);
  });

  it("a bad --mcp-config is a usage error that says what to write", () => {
    const w = world({});
    const load = (v: string) => () =>
      loadMcpConfig({ paths: w.paths, home: w.home, cwd: w.project, flagConfigs: [v] });
    expect(load("say hello")).toThrow(/--mcp-config "say hello": no such file, and it is not JSON/);
    expect(load("{nope")).toThrow(/is not valid JSON/);
    expect(load('{"servers": {}}')).toThrow(/has no "mcpServers" object/);
    expect(load('{"mcpServers": {"x": {"type": "websocket", "url": "ws://a"}}}')).toThrow(
      /type "websocket"; use "stdio" \(with command\), "http" or "sse"/,
    );
    expect(load('{"mcpServers": {"x": {"args": []}}}')).toThrow(/"command":.*a valid entry looks like/);
  });

  it("a broken .mcp.json or entry is a warning; the rest still loads", () => {
    const w = world({
      "repo/.mcp.json": "{ not json",
      "home/.quarry/settings.json": {
        mcpServers: { ok: stdio("fine"), "bad name": stdio("x"), nourl: { type: "http" } },
      },
    });
    const loaded = loadMcpConfig({ paths: w.paths, home: w.home, cwd: w.project });
    expect(loaded.servers.map((s) => s.name)).toEqual(["ok"]);
    expect(loaded.warnings.join("\n")).toMatch(/\.mcp\.json.*its MCP servers are not loaded/);
    expect(loaded.warnings.join("\n")).toContain('server name "bad name" may only use letters');
    expect(loaded.warnings.join("\n")).toMatch(/server "nourl": "url"/);
  });
});

describe("the trust gate for .mcp.json servers", () => {
  const servers = [
    { name: "p1", scope: "project" as const, origin: "/r/.mcp.json", config: stdio("a") },
    { name: "p2", scope: "project" as const, origin: "/r/.mcp.json", config: stdio("b") },
    { name: "u", scope: "user" as const, origin: "~/.quarry/settings.json", config: stdio("c") },
  ];
  const none: { enableAll: boolean; enabled: string[]; disabled: string[] } = {
    enableAll: false,
    enabled: [],
    disabled: [],
  };

  it("untrusted: no project server starts, each says how to trust; user servers start", () => {
    const gate = gateProjectServers(servers, { trusted: false, approval: none, folder: "/r" });
    expect(gate.start.map((s) => s.name)).toEqual(["u"]);
    expect(gate.skipped.map((s) => s.reason)).toEqual([
      expect.stringContaining(
        'MCP server "p1" from /r/.mcp.json was not started: /r is not a trusted folder',
      ),
      expect.stringContaining("--trust-project / QUARRY_TRUST_PROJECT=1"),
    ]);
  });

  it("trusted: disabled, enabled and enableAll are honoured", () => {
    const names = (approval: typeof none) =>
      gateProjectServers(servers, { trusted: true, approval, folder: "/r" }).start.map((s) => s.name);
    expect(names(none)).toEqual(["p1", "p2", "u"]);
    expect(names({ ...none, disabled: ["p1"] })).toEqual(["p2", "u"]);
    expect(names({ ...none, enabled: ["p2"] })).toEqual(["p2", "u"]);
    expect(names({ enableAll: true, enabled: ["p2"], disabled: ["p2"] })).toEqual(["p1", "u"]);
  });

  it("reads the approval keys from settings files", () => {
    const w = world({
      "home/.quarry/settings.json": { enabledMcpjsonServers: ["a"] },
      "repo/.quarry/settings.local.json": { disabledMcpjsonServers: ["b"], enableAllProjectMcpServers: true },
    });
    expect(loadMcpConfig({ paths: w.paths, home: w.home, cwd: w.project }).approval).toEqual({
      enableAll: true,
      enabled: ["a"],
      disabled: ["b"],
    });
  });
});

describe("${VAR} expansion", () => {
  it("expands command, args, env, url and headers, with defaults", () => {
    const env = { TOKEN: "t0k", DIR: "/data" };
    expect(
      expandServerConfig(
        { command: "${DIR}/bin/srv", args: ["--x=${MISSING:-def}"], env: { T: "${TOKEN}" } },
        env,
      ),
    ).toMatchObject({ command: "/data/bin/srv", args: ["--x=def"], env: { T: "t0k" } });
    expect(
      expandServerConfig(
        { type: "http", url: "http://h/${DIR}", headers: { Authorization: "Bearer ${TOKEN}" } },
        env,
      ),
    ).toMatchObject({ url: "http://h//data", headers: { Authorization: "Bearer t0k" } });
  });

  it("names every unset variable without a default", () => {
    expect(() => expandServerConfig({ command: "${A}", args: ["${B}"] }, {})).toThrow(MissingVariableError);
    expect(() => expandServerConfig({ command: "${A}", args: ["${B}"] }, {})).toThrow(
      /environment variables A, B, which are not set/,
    );
  });
});

describe("permissions for MCP tools", () => {
  const policy = (mode: PermissionMode, allow: string[] = [], deny: string[] = []) =>
    createPermissionPolicy({ mode, allow, deny, projectRoot: "/p", home: "/h" });
  const request = (tool: string) => ({ tool, readOnly: true, target: { kind: "none" as const } });
  const echo = { server: "everything", readOnly: true, destructive: false };
  const wipe = { server: "everything", readOnly: false, destructive: true };

  it("a read-only hint never grants: print mode denies with Claude Code's words and the flag to use", () => {
    const d = decideMcpCall(request("mcp__everything__echo"), echo, policy("default"));
    expect(d.behavior).toBe("ask");
    const denied = resolveForNonInteractive(d);
    expect(denied.reason).toContain(
      "requested permissions to use mcp__everything__echo, but you haven't granted it yet",
    );
    expect(denied.reason).toContain('--allowedTools "mcp__everything__echo"');
  });

  it("mcp__server, mcp__server__tool and mcp__server__* rules allow; deny rules win", () => {
    for (const rule of ["mcp__everything", "mcp__everything__echo", "mcp__everything__*"]) {
      expect(decideMcpCall(request("mcp__everything__echo"), echo, policy("default", [rule])).behavior).toBe(
        "allow",
      );
    }
    expect(
      decideMcpCall(request("mcp__other__echo"), echo, policy("default", ["mcp__everything"])).behavior,
    ).toBe("ask");
    const denied = decideMcpCall(
      request("mcp__everything__echo"),
      echo,
      policy("plan", [], ["mcp__everything"]),
    );
    expect(denied).toMatchObject({ behavior: "deny", rule: "mcp__everything" });
  });

  it("plan mode: a read-only tool may ask, others are refused", () => {
    expect(decideMcpCall(request("mcp__everything__echo"), echo, policy("plan")).behavior).toBe("ask");
    const other = { ...echo, readOnly: false };
    expect(decideMcpCall(request("mcp__everything__add"), other, policy("plan")).behavior).toBe("deny");
  });

  it("a destructive tool asks unless a rule names it exactly (or bypassPermissions)", () => {
    const name = "mcp__everything__wipe";
    expect(decideMcpCall(request(name), wipe, policy("default", ["mcp__everything"])).behavior).toBe("ask");
    expect(decideMcpCall(request(name), wipe, policy("acceptEdits", ["mcp__everything__*"])).behavior).toBe(
      "ask",
    );
    expect(decideMcpCall(request(name), wipe, policy("default", [name])).behavior).toBe("allow");
    expect(decideMcpCall(request(name), wipe, policy("bypassPermissions")).behavior).toBe("allow");
  });
});
