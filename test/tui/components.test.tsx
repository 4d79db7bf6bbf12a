import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { ZERO_USAGE } from "../../src/agent/events.js";
import { App } from "../../src/ui/tui/App.js";
import type { PermissionChoice } from "../../src/ui/tui/backend.js";
import { PromptHistory } from "../../src/ui/tui/history.js";
import { PermissionDialog } from "../../src/ui/tui/PermissionDialog.js";
import { StatusLine } from "../../src/ui/tui/StatusLine.js";
import { applyEvent, INITIAL_STATE, startTurn } from "../../src/ui/tui/state.js";
import { ToolBlock } from "../../src/ui/tui/ToolBlock.js";
import { fakeBackend, INFO, tick, waitFor } from "./fake-backend.js";

const PATCH = "--- a.ts\n+++ a.ts\n@@ -1,2 +1,2 @@\n-const a = 1;\n+const a = 2;\n unchanged\n";
const DONE = {
  type: "done",
  reason: "end_turn",
  result: "",
  turns: 1,
  usage: ZERO_USAGE,
  costUsd: 0,
  durationMs: 1,
} as const;

describe("tool blocks", () => {
  it("shows an Edit as a coloured diff with counts", () => {
    const r = render(
      <ToolBlock
        item={{
          kind: "tool",
          id: 1,
          callId: "t1",
          name: "Edit",
          summary: "a.ts",
          status: "ok",
          display: { kind: "diff", path: "/w/a.ts", patch: PATCH, added: 1, removed: 1, created: false },
        }}
      />,
    );
    const frame = r.lastFrame()!;
    expect(frame).toContain("✓ Edit a.ts +1 -1");
    expect(frame).toContain("-const a = 1;");
    expect(frame).toContain("+const a = 2;");
    expect(frame).not.toContain("+++ a.ts");
  });

  it("collapses Bash output to its last lines and shows a failing exit code", () => {
    const output = Array.from({ length: 12 }, (_, i) => `line ${i + 1}`).join("\n");
    const r = render(
      <ToolBlock
        item={{
          kind: "tool",
          id: 1,
          callId: "t1",
          name: "Bash",
          summary: "npm test",
          status: "ok",
          output,
          display: {
            kind: "bash",
            exitCode: 1,
            timedOut: false,
            aborted: false,
            cwd: "/w",
            truncatedChars: 0,
          },
        }}
      />,
    );
    const frame = r.lastFrame()!;
    expect(frame).toContain("Bash npm test");
    expect(frame).toContain("exit 1");
    expect(frame).toContain("… 7 earlier lines");
    expect(frame).toContain("line 12");
    expect(frame).not.toContain("line 7\n");
  });
});

describe("transcript state", () => {
  it("moves finished items to the static region and keeps the streaming text live", () => {
    let s = startTurn(INITIAL_STATE, "go");
    s = applyEvent(s, { type: "text_delta", text: "Reading" });
    expect(s.live.map((i) => i.kind)).toEqual(["assistant"]);
    s = applyEvent(s, { type: "tool_call", id: "t1", name: "Read", input: {}, summary: "a.ts" });
    expect(s.done.map((i) => i.kind)).toEqual(["user", "assistant"]);
    s = applyEvent(s, { type: "tool_result", id: "t1", name: "Read", content: "x", isError: false });
    s = applyEvent(s, DONE);
    expect(s.live).toEqual([]);
    expect(s.done.map((i) => i.kind)).toEqual(["user", "assistant", "tool"]);
    expect(s.running).toBe(false);
  });

  it("drops a failed attempt's text on retry", () => {
    let s = startTurn(INITIAL_STATE, "go");
    s = applyEvent(s, { type: "text_delta", text: "half an ans" });
    s = applyEvent(s, { type: "retry", attempt: 1, delayMs: 10, message: "stream cut" });
    s = applyEvent(s, { type: "text_delta", text: "whole answer" });
    const texts = [...s.done, ...s.live].flatMap((i) => (i.kind === "assistant" ? [i.text] : []));
    expect(texts).toEqual(["whole answer"]);
  });
});

describe("status line", () => {
  it("shows model, side model, region, context %, tokens and cost, and labels a simulation", () => {
    const r = render(
      <StatusLine
        info={{ ...INFO, simulation: "emulator" }}
        totals={{ inputTokens: 12_345, outputTokens: 678, costUsd: 0.1234, contextTokens: 50_000 }}
      />,
    );
    const frame = r.lastFrame()!.replace(/\n/g, " ");
    for (const part of [
      "SIMULATION",
      // Full IDs (us.anthropic.claude-sonnet-4-6) wrap the line; the short names fit.
      "Sonnet 4.6 (side Haiku 4.5)",
      "Bedrock us-east-1",
      "ctx 25%",
    ])
      expect(frame).toContain(part);
    expect(frame).toContain("12k in / 678 out");
    expect(frame).toContain("$0.1234");
    expect(r.lastFrame()!.split("\n")).toHaveLength(1);
  });
});

describe("permission dialog", () => {
  const prompt = {
    tool: "Bash",
    summary: "run `rm -rf build`",
    reason: "running commands needs approval",
    input: { command: "rm -rf build" },
    suggestedRules: ["Bash(rm -rf build)"],
  };

  it("shows the exact command and answers allow for this session", async () => {
    const answers: PermissionChoice[] = [];
    const r = render(
      <PermissionDialog prompt={prompt} onAnswer={(c) => answers.push(c)} onCancel={() => {}} />,
    );
    const frame = r.lastFrame()!;
    expect(frame).toContain("rm -rf build");
    expect(frame).toContain("allow the command `rm -rf build` for this session");
    r.stdin.write("\x1b[B"); // ↓
    await tick();
    r.stdin.write("\r");
    await tick();
    expect(answers).toEqual([{ choice: "session" }]);
  });

  it("denies with a note for the model", async () => {
    const answers: PermissionChoice[] = [];
    const r = render(
      <PermissionDialog prompt={prompt} onAnswer={(c) => answers.push(c)} onCancel={() => {}} />,
    );
    r.stdin.write("3");
    await waitFor(r.lastFrame, "Note to the model");
    for (const ch of "use make clean") {
      r.stdin.write(ch);
      await tick(2);
    }
    r.stdin.write("\r");
    await tick();
    expect(answers).toEqual([{ choice: "deny", note: "use make clean" }]);
  });

  it("is shown by the App while the agent waits, and the answer resumes the turn", async () => {
    const backend = fakeBackend([
      async function* (b) {
        yield { type: "tool_call", id: "t1", name: "Bash", input: prompt.input, summary: "rm -rf build" };
        const answer = await b.permissions.ask(prompt);
        yield { type: "text_delta", text: `answer: ${answer.choice}` };
        yield DONE;
      },
    ]);
    const r = render(<App backend={backend} history={new PromptHistory()} />);
    await tick();
    r.stdin.write("clean up\r");
    await waitFor(r.lastFrame, "Allow this?");
    r.stdin.write("1");
    await waitFor(r.lastFrame, "answer: once");
    expect(r.lastFrame()).not.toContain("Allow this?");
    r.unmount();
  });
});

describe("keys and slash commands", () => {
  it("/help lists commands, /model switches, unknown commands are named", async () => {
    const backend = fakeBackend([]);
    const r = render(<App backend={backend} history={new PromptHistory()} />);
    await tick();
    r.stdin.write("/help\r");
    await waitFor(r.lastFrame, "/doctor");
    r.stdin.write("/model opus\r");
    await waitFor(r.lastFrame, "Model: opus");
    r.stdin.write("/nope\r");
    await waitFor(r.lastFrame, "Unknown command /nope");
    expect(backend.prompts).toEqual([]);
    r.unmount();
  });

  it("/sandbox shows the sandbox's status and passes a new mode to the session", async () => {
    const asked: string[] = [];
    const backend = fakeBackend([], {
      sandbox: async (arg) => {
        asked.push(arg);
        return `Sandbox now ${arg || "unchanged"}.`;
      },
    });
    const r = render(<App backend={backend} history={new PromptHistory()} />);
    await tick();
    r.stdin.write("/sandbox on\r");
    await waitFor(r.lastFrame, "Sandbox now on.");
    expect(asked).toEqual(["on"]);
    expect(backend.prompts).toEqual([]);
    r.unmount();
  });

  it("Esc cancels a running turn and the session stays usable", async () => {
    let release: () => void = () => {};
    const backend = fakeBackend(
      [
        async function* () {
          yield { type: "text_delta", text: "working" };
          await new Promise<void>((r) => {
            release = r;
          });
          yield { ...DONE, reason: "aborted" };
        },
      ],
      {},
    );
    backend.cancel = () => release();
    const r = render(<App backend={backend} history={new PromptHistory()} />);
    await tick();
    r.stdin.write("long task\r");
    await waitFor(r.lastFrame, "Esc to cancel");
    r.stdin.write("\x1b");
    await waitFor(r.lastFrame, "Interrupted · the session is kept");
    expect(r.lastFrame()).not.toContain("Esc to cancel");
    r.unmount();
  });

  it("recalls history with ↑", async () => {
    const history = new PromptHistory();
    history.add("earlier prompt");
    const r = render(<App backend={fakeBackend([])} history={history} />);
    await tick();
    r.stdin.write("\x1b[A");
    await waitFor(r.lastFrame, "› earlier prompt");
    r.unmount();
  });
});
