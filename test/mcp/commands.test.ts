// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} is the MCP config syntax under test
import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type Io, mcpAdd, mcpAddJson, mcpGet, mcpList, mcpRemove } from "../../src/mcp/commands.js";

function io(): Io & { lines: string[]; errors: string[]; repo: string; home: string } {
  const root = mkdtempSync(join(tmpdir(), "quarry-mcpcmd-"));
  const repo = join(root, "repo");
  const home = join(root, "home");
  mkdirSync(join(repo, ".git"), { recursive: true });
  const lines: string[] = [];
  const errors: string[] = [];
  return {
    out: (l) => lines.push(l),
    err: (l) => errors.push(l),
    cwd: repo,
    env: {},
    home,
    lines,
    errors,
    repo,
  };
}
const json = (path: string) => JSON.parse(readFileSync(path, "utf8"));

describe("quarry mcp add | add-json | list | get | remove", () => {
  it("writes each scope's file in the format the loader (and Claude Code) reads", () => {
    const t = io();
    expect(
      mcpAdd("fs", "npx", ["-y", "@modelcontextprotocol/server-filesystem", "."], { env: ["A=1"] }, t),
    ).toBe(0);
    expect(json(join(t.repo, ".quarry/settings.local.json")).mcpServers.fs).toEqual({
      command: "npx",
      args: ["-y", "@modelcontextprotocol/server-filesystem", "."],
      env: { A: "1" },
    });
    expect(
      mcpAdd(
        "web",
        "http://127.0.0.1:9/mcp",
        [],
        { transport: "http", scope: "project", header: ["X-Key: ${KEY}"] },
        t,
      ),
    ).toBe(0);
    expect(json(join(t.repo, ".mcp.json"))).toEqual({
      mcpServers: { web: { type: "http", url: "http://127.0.0.1:9/mcp", headers: { "X-Key": "${KEY}" } } },
    });
    expect(t.lines.join("\n")).toContain("Project servers start only in trusted folders");
    expect(mcpAddJson("u", '{"type": "sse", "url": "http://127.0.0.1:9/sse"}', { scope: "user" }, t)).toBe(0);
    expect(json(join(t.home, ".quarry/settings.json")).mcpServers.u.type).toBe("sse");

    t.lines.length = 0;
    expect(mcpList(t)).toBe(0);
    expect(t.lines).toEqual([
      expect.stringMatching(/^u: sse http:\/\/127\.0\.0\.1:9\/sse \(user: /),
      expect.stringMatching(/^web: http http:\/\/127\.0\.0\.1:9\/mcp \(project: .*\.mcp\.json\)$/),
      expect.stringMatching(/^fs: npx -y @modelcontextprotocol\/server-filesystem \. \(local: /),
    ]);
    t.lines.length = 0;
    expect(mcpGet("web", t)).toBe(0);
    expect(t.lines.join("\n")).toContain("Type: http");

    expect(mcpRemove("web", {}, t)).toBe(0);
    expect(json(join(t.repo, ".mcp.json")).mcpServers).toEqual({});
    expect(mcpGet("web", t)).toBe(1);
    expect(t.errors.at(-1)).toContain(
      'no MCP server named "web"; `quarry mcp list` shows the configured ones',
    );
  });

  it("bad input gets a message that says what to write", () => {
    const t = io();
    expect(mcpAdd("x", "npx", [], { scope: "global" }, t)).toBe(2);
    expect(mcpAdd("x", "ftp://h", [], { transport: "ftp" }, t)).toBe(2);
    expect(mcpAdd("x", "npx", [], { env: ["NOEQUALS"] }, t)).toBe(2);
    expect(mcpAddJson("x", "{oops", {}, t)).toBe(2);
    expect(mcpAddJson("bad name", '{"command": "a"}', {}, t)).toBe(2);
    expect(mcpRemove("nothing", {}, t)).toBe(1);
    expect(t.errors).toEqual([
      '--scope must be one of local, project, user (got "global")',
      '--transport must be stdio, http or sse (got "ftp")',
      '--env takes KEY=value (got "NOEQUALS")',
      expect.stringContaining("the server config is not valid JSON"),
      expect.stringContaining('server name "bad name" may only use letters, digits'),
      'no MCP server named "nothing"; `quarry mcp list` shows the configured ones',
    ]);
  });
});
