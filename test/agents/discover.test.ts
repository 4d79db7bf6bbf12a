import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { agentsReminder } from "../../src/agents/announce.js";
import { childToolNames } from "../../src/agents/definition.js";
import { loadAgents } from "../../src/agents/discover.js";
import { agentsReport } from "../../src/agents/report.js";
import { NestedUsage } from "../../src/agents/usage.js";
import { runAgentsCommand } from "../../src/cli/commands/agents.js";
import { makeRepo } from "../e2e/harness.js";

function write(root: string, files: Record<string, string>): void {
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(root, name, ".."), { recursive: true });
    writeFileSync(join(root, name), content);
  }
}

function folders(projectRoot: string, projectTrusted = true) {
  const home = mkdtempSync(join(tmpdir(), "quarry-home-"));
  return {
    projectRoot,
    cwd: projectRoot,
    env: {},
    home,
    userConfigDir: join(home, ".quarry"),
    projectTrusted,
  };
}

describe("agent files", () => {
  it("reads name, description, tools (comma list or YAML list), model, and the body verbatim", () => {
    const repo = makeRepo();
    const f = folders(repo);
    write(repo, {
      ".claude/agents/reviewer.md":
        "---\nname: reviewer\ndescription: Reviews code\ntools: Read, Grep\nmodel: haiku\n---\nLine one.\n\nLine two.\n",
      ".claude/agents/planner.md":
        "---\ndescription: Plans\ntools:\n  - Read\n  - Glob\nmodel: inherit\n---\nPlan it.\n",
      ".claude/agents/everything.md": '---\ndescription: All tools\ntools: "*"\n---\nDo it all.\n',
    });
    const { agents, warnings } = loadAgents(f);
    expect(warnings).toEqual([]);
    const by = Object.fromEntries(agents.map((a) => [a.name, a]));
    expect(by.reviewer).toMatchObject({
      description: "Reviews code",
      tools: ["Read", "Grep"],
      model: "haiku",
      system: "Line one.\n\nLine two.",
      source: "project",
    });
    // No `name`: the file name; `inherit` is the parent's model; `*` is every tool.
    expect(by.planner).toMatchObject({ tools: ["Read", "Glob"], model: undefined });
    expect(by.everything?.tools).toBeUndefined();
    expect(agents.slice(0, 2).map((a) => a.name)).toEqual(["general-purpose", "Explore"]);
  });

  it("a project agent beats a user one of its name; a bad front matter is a warning naming the file", () => {
    const repo = makeRepo();
    const f = folders(repo);
    write(f.home, {
      ".claude/agents/reviewer.md": "---\ndescription: user's\n---\nUser prompt.\n",
      ".claude/agents/mine.md": "---\ndescription: only mine\n---\nMine.\n",
    });
    write(repo, {
      ".claude/agents/reviewer.md": "---\ndescription: project's\n---\nProject prompt.\n",
      ".claude/agents/broken.md": "---\ndescription: [unclosed\n---\nBody.\n",
    });
    const { agents, warnings } = loadAgents(f);
    expect(agents.find((a) => a.name === "reviewer")?.description).toBe("project's");
    expect(agents.find((a) => a.name === "mine")?.source).toBe("user");
    expect(agents.some((a) => a.name === "broken")).toBe(false);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(join(repo, ".claude/agents/broken.md"));
    expect(warnings[0]).toContain("that agent is not available");
  });

  it("in an untrusted folder the project's agents are left out with one warning; the user's still load", () => {
    const repo = makeRepo();
    const f = folders(repo, false);
    write(f.home, { ".claude/agents/mine.md": "---\ndescription: mine\n---\nMine.\n" });
    write(repo, {
      ".claude/agents/a.md": "---\ndescription: a\n---\nA.\n",
      ".claude/agents/b.md": "---\ndescription: b\n---\nB.\n",
    });
    const { agents, warnings } = loadAgents(f);
    expect(agents.map((a) => a.name)).toEqual(["general-purpose", "Explore", "mine"]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("ignored 2 agents (a, b;");
    expect(warnings[0]).toContain(`quarry trust ${repo}`);
  });

  it("a subagent never gets the Agent tool, and only tools its parent has", () => {
    const parent = ["Read", "Write", "Bash", "Agent", "mcp__x__y"];
    expect(childToolNames({ name: "a", description: "", system: "s", source: "user" }, parent)).toEqual([
      "Read",
      "Write",
      "Bash",
      "mcp__x__y",
    ]);
    expect(
      childToolNames(
        { name: "a", description: "", system: "s", source: "user", tools: ["Read", "Agent", "Nope"] },
        parent,
      ),
    ).toEqual(["Read"]);
  });

  it("announces each agent as Claude Code does", () => {
    const text = agentsReminder([
      {
        name: "reviewer",
        description: "Reviews code",
        tools: ["Read", "Grep", "Glob"],
        system: "s",
        source: "project",
      },
      { name: "general-purpose", description: "Anything", system: "s", source: "built-in" },
    ]);
    expect(text).toContain("\n- reviewer: Reviews code (Tools: Read, Grep, Glob)\n");
    expect(text).toContain("\n- general-purpose: Anything (Tools: *)\n");
    expect(text.startsWith("<system-reminder>")).toBe(true);
  });

  it("adds subagents' usage to the parent's done, and only the parent's done", () => {
    const u = (n: number) => ({
      inputTokens: n,
      outputTokens: n,
      cacheCreationInputTokens: 0,
      cacheReadInputTokens: 0,
    });
    const fold = new NestedUsage();
    const stamped = { v: 1 as const, seq: 1, session_id: "child", parent_call_id: "call" };
    fold.fold({ type: "usage", model: "m", usage: u(10), costUsd: 0.5, ...stamped });
    fold.fold({ type: "usage", model: "m", usage: u(1), costUsd: 0.25 }); // the parent's own: counted by its loop
    const done = {
      type: "done" as const,
      reason: "end_turn" as const,
      result: "",
      turns: 1,
      usage: u(1),
      costUsd: 0.25,
      durationMs: 1,
    };
    expect(fold.fold(done)).toMatchObject({ usage: u(11), costUsd: 0.75 });
    expect(fold.fold({ ...done, ...stamped })).toMatchObject({ usage: u(1) });
  });
});

describe("quarry agents", () => {
  it("lists name, source file, model and tools; an untrusted folder's agents go to stderr as ignored", async () => {
    const repo = makeRepo();
    const f = folders(repo);
    write(repo, {
      ".claude/agents/reviewer.md": "---\ndescription: Reviews\ntools: Read, Grep\nmodel: haiku\n---\nR.\n",
    });
    const out: string[] = [];
    const err: string[] = [];
    const io = {
      cwd: repo,
      env: { QUARRY_CONFIG_DIR: f.userConfigDir },
      home: f.home,
      out: (t: string) => out.push(t),
      err: (t: string) => err.push(t),
    };
    expect(await runAgentsCommand({ trustProject: true }, io)).toBe(0);
    const lines = out.join("\n").split("\n");
    expect(lines[0]).toMatch(/^NAME\s+SOURCE\s+MODEL\s+TOOLS$/);
    expect(lines.find((l) => l.startsWith("reviewer"))).toMatch(
      /^reviewer\s+\.claude\/agents\/reviewer\.md\s+haiku\s+Read, Grep$/,
    );
    expect(lines.find((l) => l.startsWith("general-purpose"))).toMatch(/built-in\s+inherit\s+all tools$/);
    expect(err).toEqual([]);

    out.length = 0;
    expect(await runAgentsCommand({}, io)).toBe(0);
    expect(out.join("\n")).not.toContain("reviewer");
    expect(err.join("\n")).toContain("ignored 1 agent (reviewer;");
  });

  it("shows a user agent's file under ~", () => {
    const home = mkdtempSync(join(tmpdir(), "quarry-home-"));
    const text = agentsReport(
      [
        {
          name: "mine",
          description: "",
          system: "s",
          source: "user",
          path: join(home, ".claude/agents/mine.md"),
        },
      ],
      { cwd: "/elsewhere", home },
    );
    expect(text).toContain("~/.claude/agents/mine.md");
  });
});
