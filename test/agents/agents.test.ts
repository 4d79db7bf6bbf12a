import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/index.js";
import { mainTurns, makeRepo, runCli, scriptedWorld, startWorld, text, tool } from "../e2e/harness.js";

// The built CLI against the emulator: a repository's .claude/agents, run through the Agent tool.

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const REVIEWER_BODY =
  "You are REVIEWER-7f3a.\n\nRead the file you are pointed at and list concrete bugs, one per line.";

function reviewerFile(front: Record<string, string> = {}): string {
  const fields = {
    name: "reviewer",
    description: "Reviews code for bugs",
    tools: "Read, Grep, Glob",
    ...front,
  };
  const yaml = Object.entries(fields)
    .map(([k, v]) => `${k}: ${v}`)
    .join("\n");
  return `---\n${yaml}\n---\n${REVIEWER_BODY}\n`;
}

interface Body {
  system?: string | { text: string }[];
  tools?: { name: string }[];
  messages: {
    role: string;
    content: string | { type: string; text?: string; tool_use_id?: string; content?: unknown }[];
  }[];
}

const bodyOf = (e: { body: unknown }) => e.body as Body;
const systemText = (b: Body) =>
  typeof b.system === "string" ? b.system : (b.system ?? []).map((s) => s.text).join("");
const toolNames = (b: Body) => (b.tools ?? []).map((t) => t.name).sort();
const firstText = (b: Body) => {
  const c = b.messages[0]?.content;
  return typeof c === "string" ? c : (c ?? []).map((x) => x.text ?? "").join("");
};
/** The tool_result the parent's later request carries for one call, as text. */
function resultFor(b: Body, id: string): { text: string; isError: boolean } | undefined {
  for (const m of b.messages) {
    if (typeof m.content === "string") continue;
    for (const block of m.content) {
      if (block.type !== "tool_result" || block.tool_use_id !== id) continue;
      const c = block.content;
      const text = typeof c === "string" ? c : (c as { text?: string }[]).map((x) => x.text ?? "").join("");
      return { text, isError: Boolean((block as { is_error?: boolean }).is_error) };
    }
  }
  return undefined;
}

const agentCall = (prompt: string, subagent_type?: string, id = "toolu_Agent") =>
  tool("Agent", { description: "review the code", prompt, ...(subagent_type ? { subagent_type } : {}) }, id);

describe("subagents through the CLI", () => {
  it("a .claude/agents file runs with its own prompt and tools; its report is the Agent result", async () => {
    const started = await startWorld(
      scriptedWorld([
        {
          promptIncludes: "CHILD-TASK",
          reply: { content: [tool("Read", { file_path: "a.ts" }, "toolu_child_read")] },
        },
        { promptIncludes: "A-FILE-CONTENT", reply: { content: [text("REVIEW-REPORT: a.ts has no bugs")] } },
        { turn: 1, reply: { content: [agentCall("CHILD-TASK review a.ts", "reviewer")] } },
        { turn: 2, reply: { content: [text("parent done")] } },
      ]),
    );
    emulator = started.emulator;
    const repo = makeRepo({
      "a.ts": "// A-FILE-CONTENT\nexport const a = 1;\n",
      ".claude/agents/reviewer.md": reviewerFile(),
    });
    const run = await runCli(
      ["-p", "please review", "--trust-project", "--output-format", "stream-json", "--verbose"],
      { cwd: repo, emulator, home: started.home },
    );
    expect(run.code, run.stderr).toBe(0);
    const turns = mainTurns(emulator).map(bodyOf);
    const child = turns.filter((b) => systemText(b).includes("REVIEWER-7f3a"));
    expect(child).toHaveLength(2);
    expect(systemText(child[0]!)).toContain(REVIEWER_BODY);
    expect(toolNames(child[0]!)).toEqual(["Glob", "Grep", "Read"]);
    expect(firstText(child[0]!)).toBe("CHILD-TASK review a.ts");

    const parent = turns.filter((b) => !systemText(b).includes("REVIEWER-7f3a"));
    expect(parent).toHaveLength(2);
    expect(toolNames(parent[0]!)).toContain("Agent");
    expect(firstText(parent[0]!)).toContain("- reviewer: Reviews code for bugs (Tools: Read, Grep, Glob)");
    const result = resultFor(parent[1]!, "toolu_Agent");
    expect(result?.isError).toBe(false);
    expect(result?.text).toContain("REVIEW-REPORT: a.ts has no bugs");
    expect(result?.text).toMatch(/agentId: [0-9a-f-]{36}/);
    expect(result?.text).toContain("tool_uses: 1");

    const lines = run.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const init = lines.find((l) => l.type === "system" && l.subtype === "init");
    expect(init.tools).toContain("Task");
    expect(init.tools).not.toContain("Agent");
    const nested = lines.filter((l) => l.parent_tool_use_id === "toolu_Agent");
    expect(nested.some((l) => l.type === "assistant" && l.message.content[0]?.name === "Read")).toBe(true);
    expect(
      nested.some((l) => l.type === "user" && l.message.content[0]?.tool_use_id === "toolu_child_read"),
    ).toBe(true);
    // The run's usage counts the subagent's replies too: the sum over every reply, parent's and child's.
    const replies = new Map<string, { input_tokens: number; output_tokens: number }>();
    for (const l of lines) if (l.type === "assistant") replies.set(l.message.id, l.message.usage);
    expect(replies.size).toBe(4);
    const sum = [...replies.values()].reduce((n, u) => n + u.output_tokens, 0);
    const final = lines.at(-1);
    expect(final.type).toBe("result");
    expect(final.usage.output_tokens).toBe(sum);
  });

  it("two Agent calls in one turn run in parallel against a slow model", async () => {
    // Each subagent's answer streams for ~4 s (500 tokens at 125 tokens/s): in sequence that is 8 s at least.
    const long = (tag: string) => `${tag} ${"finding ".repeat(250)}`;
    const started = await startWorld(
      scriptedWorld(
        [
          { promptIncludes: "CHILD-A", reply: { content: [text(long("REPORT-A"))] } },
          { promptIncludes: "CHILD-B", reply: { content: [text(long("REPORT-B"))] } },
          {
            turn: 1,
            reply: {
              content: [
                agentCall("CHILD-A look", undefined, "toolu_a"),
                agentCall("CHILD-B look", undefined, "toolu_b"),
              ],
            },
          },
          { turn: 2, reply: { content: [text("both done")] } },
        ],
        (w) => {
          w.latency = { tokensPerSecond: 125 };
        },
      ),
    );
    emulator = started.emulator;
    const repo = makeRepo({ "a.ts": "x\n" });
    const run = await runCli(["-p", "look twice", "--output-format", "quarry-events"], {
      cwd: repo,
      emulator,
      home: started.home,
    });
    expect(run.code, run.stderr).toBe(0);
    const events = run.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(events.at(-1)).toMatchObject({ type: "done", result: "both done" });
    // Each subagent's events: its own session id and sequence, the parent's call as parent_call_id.
    const parentId = events[0].session_id;
    for (const call of ["toolu_a", "toolu_b"]) {
      const own = events.filter((e) => e.parent_call_id === call);
      expect(own.length).toBeGreaterThan(0);
      expect(new Set(own.map((e) => e.session_id)).size).toBe(1);
      expect(own[0].session_id).not.toBe(parentId);
      expect(own.map((e) => e.seq)).toEqual(own.map((_, i) => i + 1));
      expect(own.some((e) => e.type === "done")).toBe(false);
    }
    const children = mainTurns(emulator).filter((e) => /CHILD-[AB]/.test(firstText(bodyOf(e))));
    expect(children).toHaveLength(2);
    // The second subagent's request went out while the first one's answer was still streaming, and both
    // reports were back (the parent's next request) in well under the 8 s two subagents take in sequence.
    const [a, b] = children.map((e) => Date.parse(e.time));
    expect(Math.abs(b! - a!)).toBeLessThan(2_000);
    const handedBack = Date.parse(mainTurns(emulator).at(-1)!.time);
    expect(handedBack - Math.min(a!, b!)).toBeLessThan(6_500);
    const last = bodyOf(mainTurns(emulator).at(-1)!);
    expect(resultFor(last, "toolu_a")?.text).toContain("REPORT-A");
    expect(resultFor(last, "toolu_b")?.text).toContain("REPORT-B");
  }, 30_000);

  it("a haiku agent on a denied side model uses the main model, with exactly one warning", async () => {
    const started = await startWorld(
      scriptedWorld(
        [
          { promptIncludes: "CHILD-TASK", reply: { content: [text("REVIEW-REPORT fine")] } },
          { turn: 1, reply: { content: [agentCall("CHILD-TASK review", "reviewer")] } },
          { turn: 2, reply: { content: [text("parent done")] } },
        ],
        (w) => {
          w.models!.find((m) => m.modelId.includes("haiku-4-5"))!.access = { authorized: false };
        },
      ),
    );
    emulator = started.emulator;
    const repo = makeRepo({ ".claude/agents/reviewer.md": reviewerFile({ model: "haiku" }) });
    const run = await runCli(["-p", "review", "--trust-project"], {
      cwd: repo,
      emulator,
      home: started.home,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("parent done");
    expect(run.stderr.match(/Side-task model/g)).toHaveLength(1);
    expect(emulator.log.filter((e) => e.status === 403)).toHaveLength(1);
    // -p asks for no title, so the child's own first request is what finds the side model denied: once, on
    // Haiku, and then never again; the retry goes to the main model.
    const child = mainTurns(emulator).filter((e) => systemText(bodyOf(e)).includes("REVIEWER-7f3a"));
    expect(child.map((e) => [e.status, e.modelId?.includes("haiku") ? "haiku" : "other"])).toEqual([
      [403, "haiku"],
      [200, "other"],
    ]);
    expect(child[1]!.modelId).toContain("sonnet");
  });

  it("an untrusted folder's agents are ignored with one line saying how to trust; built-ins still run", async () => {
    const started = await startWorld(
      scriptedWorld([
        { promptIncludes: "CHILD-TASK", reply: { content: [text("EXPLORE-REPORT")] } },
        { turn: 1, reply: { content: [agentCall("CHILD-TASK find things", "Explore")] } },
        { turn: 2, reply: { content: [text("parent done")] } },
      ]),
    );
    emulator = started.emulator;
    const repo = makeRepo({ ".claude/agents/reviewer.md": reviewerFile() });
    const run = await runCli(["-p", "explore"], { cwd: repo, emulator, home: started.home });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr.match(/ignored 1 agent \(reviewer;/g)).toHaveLength(1);
    expect(run.stderr).toContain("quarry trust");
    const turns = mainTurns(emulator).map(bodyOf);
    expect(firstText(turns[0]!)).not.toContain("- reviewer:");
    expect(firstText(turns[0]!)).toContain("- Explore:");
    const child = turns.find((b) => firstText(b) === "CHILD-TASK find things");
    expect(toolNames(child!)).toEqual(["Bash", "Glob", "Grep", "LS", "Read"]);
    expect(resultFor(turns.at(-1)!, "toolu_Agent")?.text).toContain("EXPLORE-REPORT");
  });

  it("a subagent's calls pass the parent's hooks and rules: a blocked Bash and a denied Write do nothing", async () => {
    const started = await startWorld(
      scriptedWorld([
        {
          promptIncludes: "CHILD-TASK",
          reply: {
            content: [
              tool("Bash", { command: "touch ran.txt" }, "toolu_child_bash"),
              tool("Write", { file_path: "new.txt", content: "x" }, "toolu_child_write"),
            ],
          },
        },
        { promptIncludes: "not allowed here", reply: { content: [text("CHILD-GAVE-UP")] } },
        { turn: 1, reply: { content: [agentCall("CHILD-TASK make files")] } },
        { turn: 2, reply: { content: [text("parent done")] } },
      ]),
    );
    emulator = started.emulator;
    const repo = makeRepo({ "README.md": "hi\n" });
    const hooks = {
      PreToolUse: [
        { matcher: "Bash", hooks: [{ type: "command", command: "echo 'not allowed here' >&2; exit 2" }] },
      ],
      SubagentStop: [{ matcher: "", hooks: [{ type: "command", command: "cat > subagent-stop.json" }] }],
    };
    mkdirSync(join(repo, ".claude"));
    writeFileSync(join(repo, ".claude", "settings.json"), JSON.stringify({ hooks }));
    const run = await runCli(
      ["-p", "make files", "--trust-project", "--allowedTools", "Bash", "--disallowedTools", "Write"],
      { cwd: repo, emulator, home: started.home },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(join(repo, "ran.txt"))).toBe(false);
    expect(existsSync(join(repo, "new.txt"))).toBe(false);
    const turns = mainTurns(emulator).map(bodyOf);
    const child = turns.filter((b) => systemText(b).includes("subagent of Quarry"));
    expect(toolNames(child[0]!)).not.toContain("Agent");
    const bash = resultFor(child[1]!, "toolu_child_bash");
    expect(bash).toEqual({
      isError: true,
      text: "PreToolUse:Bash hook error: [echo 'not allowed here' >&2; exit 2]: not allowed here",
    });
    expect(resultFor(child[1]!, "toolu_child_write")?.text).toContain("Permission denied");
    const stop = JSON.parse(readFileSync(join(repo, "subagent-stop.json"), "utf8"));
    expect(stop).toMatchObject({
      hook_event_name: "SubagentStop",
      agent_type: "general-purpose",
      last_assistant_message: "CHILD-GAVE-UP",
    });
    expect(existsSync(stop.agent_transcript_path)).toBe(true);
    expect(stop.agent_id).not.toBe(stop.session_id);
  });

  it("Explore runs only the Bash commands an allow rule covers, even when the parent may run anything", async () => {
    const started = await startWorld(
      scriptedWorld([
        {
          promptIncludes: "CHILD-TASK",
          reply: {
            content: [
              tool("Bash", { command: "touch explored.txt" }, "toolu_touch"),
              tool("Bash", { command: "ls" }, "toolu_ls"),
            ],
          },
        },
        { promptIncludes: "agent is read-only", reply: { content: [text("EXPLORE-REPORT")] } },
        { turn: 1, reply: { content: [agentCall("CHILD-TASK look around", "Explore")] } },
        { turn: 2, reply: { content: [text("parent done")] } },
      ]),
    );
    emulator = started.emulator;
    const repo = makeRepo({ "listed-file.txt": "x\n" });
    const run = await runCli(
      ["-p", "explore", "--dangerously-skip-permissions", "--allowedTools", "Bash(ls)"],
      {
        cwd: repo,
        emulator,
        home: started.home,
      },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(join(repo, "explored.txt"))).toBe(false);
    const child = mainTurns(emulator)
      .map(bodyOf)
      .filter((b) => systemText(b).includes("read-only exploration subagent"));
    expect(resultFor(child[1]!, "toolu_touch")?.text).toContain("the Explore agent is read-only");
    expect(resultFor(child[1]!, "toolu_ls")?.text).toContain("listed-file.txt");
    expect(run.stderr).toContain("[Explore] Bash touch explored.txt");
  });
});
