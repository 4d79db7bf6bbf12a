import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import type { AgentEvent } from "../../src/agent/events.js";
import type { PermissionMode } from "../../src/permissions/types.js";
import { App } from "../../src/ui/tui/App.js";
import type { PermissionPrompt, TuiBackend } from "../../src/ui/tui/backend.js";
import { PromptHistory } from "../../src/ui/tui/history.js";
import { DONE, fakeBackend, INFO, tick, type, waitFor } from "./fake-backend.js";

const SHIFT_TAB = "\x1b[Z";
const ESC = "\x1b";
const UP = "\x1b[A";

/** A turn that streams `text` and then waits until the test releases it. */
function gatedTurn(text: string) {
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const script = async function* (): AsyncIterable<AgentEvent> {
    yield { type: "text_delta", text };
    await gate;
    yield DONE;
  };
  return { script, release: () => release() };
}

function answerTurn(text: string) {
  return async function* (): AsyncIterable<AgentEvent> {
    yield { type: "text_delta", text };
    yield DONE;
  };
}

/** Adds setMode to a fake backend, recording each switch. */
function withModes(b: TuiBackend, bypassAllowed = false): TuiBackend & { modes: PermissionMode[] } {
  let mode: PermissionMode = "default";
  const modes: PermissionMode[] = [];
  return Object.assign(b, {
    modes,
    info: () => ({ ...INFO, mode, bypassAllowed }),
    setMode(next: PermissionMode) {
      mode = next;
      modes.push(next);
      return { ...INFO, mode, bypassAllowed };
    },
  });
}

describe("prompt from the command line", () => {
  it("is sent as the first turn without typing", async () => {
    const backend = fakeBackend([answerTurn("On it.")]);
    const history = new PromptHistory();
    const r = render(<App backend={backend} history={history} initialPrompt="fix the tests" />);
    await waitFor(r.lastFrame, "On it.");
    expect(backend.prompts).toEqual(["fix the tests"]);
    expect(r.lastFrame()).toContain("› fix the tests");
    expect(history.list()).toEqual(["fix the tests"]);
    r.unmount();
  });
});

describe("type-ahead", () => {
  it("queues a prompt typed while a turn runs, shows it, and sends it when the turn ends", async () => {
    const first = gatedTurn("working on the first");
    const backend = fakeBackend([first.script, answerTurn("second done")]);
    const r = render(<App backend={backend} history={new PromptHistory()} />);
    await tick();
    r.stdin.write("first\r");
    await waitFor(r.lastFrame, "working on the first");
    await type(r.stdin, "then the second");
    r.stdin.write("\r");
    await waitFor(r.lastFrame, "⧗ queued: then the second");
    expect(backend.prompts).toEqual(["first"]);
    first.release();
    await waitFor(r.lastFrame, "second done");
    expect(backend.prompts).toEqual(["first", "then the second"]);
    expect(r.lastFrame()).not.toContain("queued:");
    r.unmount();
  });

  it("takes the queued prompt back into the editor with ↑, to edit it before it is sent", async () => {
    const first = gatedTurn("busy");
    const backend = fakeBackend([first.script, answerTurn("edited one done")]);
    const r = render(<App backend={backend} history={new PromptHistory()} />);
    await tick();
    r.stdin.write("first\r");
    await waitFor(r.lastFrame, "busy");
    r.stdin.write("draft\r");
    await waitFor(r.lastFrame, "queued: draft");
    r.stdin.write(UP);
    await waitFor(r.lastFrame, "› draft");
    expect(r.lastFrame()).not.toContain("queued:");
    await type(r.stdin, " v2");
    r.stdin.write("\r");
    await waitFor(r.lastFrame, "queued: draft v2");
    first.release();
    await waitFor(r.lastFrame, "edited one done");
    expect(backend.prompts).toEqual(["first", "draft v2"]);
    r.unmount();
  });

  it("puts queued prompts back in the editor, unsent, when the turn is stopped", async () => {
    const first = gatedTurn("long");
    const backend = fakeBackend([first.script]);
    backend.cancel = () => first.release();
    const r = render(<App backend={backend} history={new PromptHistory()} />);
    await tick();
    r.stdin.write("first\r");
    await waitFor(r.lastFrame, "long");
    r.stdin.write("later\r");
    await waitFor(r.lastFrame, "queued: later");
    r.stdin.write(ESC);
    await waitFor(r.lastFrame, "› later");
    await tick(50);
    expect(backend.prompts).toEqual(["first"]);
    r.unmount();
  });
});

describe("permission modes", () => {
  it("Shift+Tab cycles default → accept edits → plan → default, shown in the footer", async () => {
    const backend = withModes(fakeBackend([]));
    const r = render(<App backend={backend} history={new PromptHistory()} />);
    await waitFor(r.lastFrame, "⏵ default mode");
    r.stdin.write(SHIFT_TAB);
    await waitFor(r.lastFrame, "⏵⏵ accept edits on");
    r.stdin.write(SHIFT_TAB);
    await waitFor(r.lastFrame, "⏸ plan mode on");
    r.stdin.write(SHIFT_TAB);
    await waitFor(r.lastFrame, "⏵ default mode");
    expect(backend.modes).toEqual(["acceptEdits", "plan", "default"]);
    r.unmount();
  });

  it("reaches bypassPermissions only when it was allowed at start-up", async () => {
    const backend = withModes(fakeBackend([]), true);
    const r = render(<App backend={backend} history={new PromptHistory()} />);
    await tick();
    for (let i = 0; i < 3; i++) {
      r.stdin.write(SHIFT_TAB);
      await tick();
    }
    await waitFor(r.lastFrame, "bypass permissions on");
    expect(backend.modes).toEqual(["acceptEdits", "plan", "bypassPermissions"]);
    r.unmount();
  });

  it("'accept edits from now on' allows the edit and switches the mode", async () => {
    const edit: PermissionPrompt = {
      tool: "Edit",
      summary: "edit ./src/a.ts",
      reason: "editing ./src/a.ts needs approval in default mode",
      input: { file_path: "/p/src/a.ts", old_string: "a", new_string: "b" },
      suggestedRules: ["Edit(./src/a.ts)"],
      acceptEditsWouldAllow: true,
    };
    const backend = withModes(
      fakeBackend([
        async function* (b) {
          yield { type: "tool_call", id: "t1", name: "Edit", input: edit.input, summary: "src/a.ts" };
          const answer = await b.permissions.ask(edit);
          yield { type: "text_delta", text: `answer: ${answer.choice}` };
          yield DONE;
        },
      ]),
    );
    const r = render(<App backend={backend} history={new PromptHistory()} />);
    await tick();
    r.stdin.write("edit it\r");
    const dialog = await waitFor(r.lastFrame, "accept edits from now on");
    expect(dialog).not.toContain("Edit(./src/a.ts)");
    r.stdin.write("2");
    await waitFor(r.lastFrame, "answer: acceptEdits");
    expect(backend.modes).toEqual(["acceptEdits"]);
    await waitFor(r.lastFrame, "⏵⏵ accept edits on");
    r.unmount();
  });
});

describe("stopping and exiting", () => {
  const bash: PermissionPrompt = {
    tool: "Bash",
    summary: "run `make`",
    reason: "running commands needs approval",
    input: { command: "make" },
    suggestedRules: ["Bash(make:*)"],
  };

  it("Esc in the permission dialog stops the whole turn, not just the one call", async () => {
    let release: () => void = () => {};
    const stopped = new Promise<void>((r) => {
      release = r;
    });
    const backend = fakeBackend([
      async function* (b) {
        yield { type: "tool_call", id: "t1", name: "Bash", input: bash.input, summary: "make" };
        const answer = await b.permissions.ask(bash);
        yield { type: "permission_decision", id: "t1", behavior: "deny", reason: String(answer.choice) };
        await stopped;
        yield { ...DONE, reason: "aborted" };
      },
    ]);
    backend.cancel = () => {
      backend.cancelled++;
      release();
    };
    const r = render(<App backend={backend} history={new PromptHistory()} />);
    await tick();
    r.stdin.write("build\r");
    await waitFor(r.lastFrame, "Esc stops the turn");
    r.stdin.write(ESC);
    await waitFor(r.lastFrame, "Interrupted");
    expect(backend.cancelled).toBe(1);
    expect(r.lastFrame()).not.toContain("Allow this?");
    r.unmount();
  });

  it("submits a deny note that arrives with its Enter in one chunk (a paste)", async () => {
    const backend = fakeBackend([
      async function* (b) {
        yield { type: "tool_call", id: "t1", name: "Bash", input: bash.input, summary: "make" };
        const answer = await b.permissions.ask(bash);
        yield { type: "text_delta", text: `note: ${answer.choice === "deny" ? answer.note : "-"}` };
        yield DONE;
      },
    ]);
    const r = render(<App backend={backend} history={new PromptHistory()} />);
    await tick();
    r.stdin.write("build\r");
    await waitFor(r.lastFrame, "Allow this?");
    r.stdin.write("3");
    await waitFor(r.lastFrame, "Note to the model");
    r.stdin.write("use ninja instead\r");
    await waitFor(r.lastFrame, "note: use ninja instead");
    r.unmount();
  });

  it("exits on Ctrl-C twice even when the first press only stopped a request still in flight", async () => {
    const tail = gatedTurn("The answer.");
    const backend = fakeBackend([tail.script]);
    backend.cancel = () => tail.release();
    const left: { sessionId: string; prompted: boolean }[] = [];
    const r = render(<App backend={backend} history={new PromptHistory()} onLeave={(s) => left.push(s)} />);
    await tick();
    r.stdin.write("question\r");
    await waitFor(r.lastFrame, "The answer.");
    r.stdin.write("\x03");
    await waitFor(r.lastFrame, "Press Ctrl-C again to exit");
    r.stdin.write("\x03");
    await tick(50);
    expect(left).toEqual([{ sessionId: INFO.sessionId, prompted: true }]);
    r.unmount();
  });

  it("exits on Ctrl-C twice even when the stopped request never winds down", async () => {
    const stuck = gatedTurn("Half an answer");
    const backend = fakeBackend([stuck.script]);
    backend.cancel = () => {}; // the request in flight ignores the stop
    const left: { sessionId: string; prompted: boolean }[] = [];
    const r = render(<App backend={backend} history={new PromptHistory()} onLeave={(s) => left.push(s)} />);
    await tick();
    r.stdin.write("question\r");
    await waitFor(r.lastFrame, "Half an answer");
    r.stdin.write("\x03");
    await waitFor(r.lastFrame, "Press Ctrl-C again to exit");
    r.stdin.write("\x03");
    await tick(50);
    expect(left).toEqual([{ sessionId: INFO.sessionId, prompted: true }]);
    r.unmount();
  });

  it("exits on Ctrl-C twice while the permission dialog has the keyboard", async () => {
    const backend = fakeBackend([
      async function* (b) {
        yield { type: "tool_call", id: "t1", name: "Bash", input: bash.input, summary: "make" };
        await b.permissions.ask(bash);
        yield DONE;
      },
    ]);
    const left: { sessionId: string; prompted: boolean }[] = [];
    const r = render(<App backend={backend} history={new PromptHistory()} onLeave={(s) => left.push(s)} />);
    await tick();
    r.stdin.write("build\r");
    await waitFor(r.lastFrame, "Allow this?");
    r.stdin.write("\x03");
    await waitFor(r.lastFrame, "Press Ctrl-C again to exit");
    expect(left).toEqual([]);
    r.stdin.write("\x03");
    await tick(50);
    expect(left).toEqual([{ sessionId: INFO.sessionId, prompted: true }]);
    r.unmount();
  });

  it("exits on Ctrl-C twice from the history search, the first press leaving the draft as it was", async () => {
    const history = new PromptHistory();
    history.add("an older prompt");
    const left: { sessionId: string; prompted: boolean }[] = [];
    const r = render(<App backend={fakeBackend([])} history={history} onLeave={(s) => left.push(s)} />);
    await tick();
    await type(r.stdin, "my draft");
    r.stdin.write("\x12"); // Ctrl-R
    await type(r.stdin, "older");
    await waitFor(r.lastFrame, "an older prompt");
    r.stdin.write("\x03");
    await waitFor(r.lastFrame, "Press Ctrl-C again to exit");
    expect(r.lastFrame()).toContain("my draft");
    r.stdin.write("\x03");
    await tick(50);
    expect(left).toEqual([{ sessionId: INFO.sessionId, prompted: false }]);
    r.unmount();
  });

  it("Esc twice clears the prompt", async () => {
    const r = render(<App backend={fakeBackend([])} history={new PromptHistory()} />);
    await tick();
    await type(r.stdin, "oops");
    r.stdin.write(ESC);
    await waitFor(r.lastFrame, "Press Esc again");
    r.stdin.write(ESC);
    await tick(50);
    expect(r.lastFrame()).not.toContain("oops");
    r.unmount();
  });
});

describe("commands and keys", () => {
  it("the / menu filters commands with descriptions and Enter runs the highlighted one", async () => {
    const backend = fakeBackend([]);
    const r = render(<App backend={backend} history={new PromptHistory()} />);
    await tick();
    await type(r.stdin, "/co");
    const menu = await waitFor(r.lastFrame, "› /co ");
    expect(menu).toContain("/cost");
    expect(menu).toContain("tokens, cache, cost, time and lines changed");
    // Prefix matches first, then letters in order (d-o-c-t-o-r has c…o); unrelated commands are gone.
    expect(menu.indexOf("/cost")).toBeLessThan(menu.indexOf("/doctor"));
    expect(menu).not.toContain("/help");
    r.stdin.write("\x1b[B"); // ↓ to /cost
    await tick();
    r.stdin.write("\r");
    await waitFor(r.lastFrame, "no model calls yet");
    r.unmount();
  });

  it("Tab completes the highlighted command", async () => {
    const r = render(<App backend={fakeBackend([])} history={new PromptHistory()} />);
    await tick();
    await type(r.stdin, "/mod");
    await waitFor(r.lastFrame, "/model");
    r.stdin.write("\t");
    await waitFor(r.lastFrame, "› /model ");
    expect(r.lastFrame()).not.toContain("Tab completes");
    r.unmount();
  });

  it("? on an empty prompt shows the key map", async () => {
    const r = render(<App backend={fakeBackend([])} history={new PromptHistory()} />);
    await tick();
    r.stdin.write("?");
    const frame = await waitFor(r.lastFrame, "Ctrl-W");
    expect(frame).toContain("cycle mode");
    expect(frame).toContain("Ctrl-Y");
    r.unmount();
  });

  it("/cost lists each model with cache reads and writes, the total and the time", async () => {
    const backend = fakeBackend([
      async function* () {
        yield {
          type: "usage",
          model: "us.anthropic.claude-sonnet-4-6",
          usage: {
            inputTokens: 1200,
            outputTokens: 300,
            cacheReadInputTokens: 5000,
            cacheCreationInputTokens: 800,
          },
          costUsd: 0.0123,
        };
        yield DONE;
      },
    ]);
    const r = render(<App backend={backend} history={new PromptHistory()} />);
    await tick();
    r.stdin.write("hi\r");
    await tick(50);
    r.stdin.write("/cost\r");
    const frame = await waitFor(r.lastFrame, "Cost of this session");
    expect(frame).toContain("Sonnet 4.6: 1.2k input, 300 output, 5.0k cache read, 800 cache write · $0.0123");
    expect(frame).toContain("Total: $0.0123 · 1.5s in turns");
    r.unmount();
  });
});

describe("resume", () => {
  const transcript = [
    { type: "user", prompt: "what is in here?" },
    { type: "message", message: { role: "user", content: "what is in here?" } },
    {
      type: "message",
      message: {
        role: "assistant",
        content: [
          { type: "text", text: "Let me look." },
          { type: "tool_use", id: "c1", name: "Bash", input: { command: "ls" } },
        ],
      },
    },
    { type: "tool_call", id: "c1", name: "Bash", input: { command: "ls" } },
    { type: "tool_result", id: "c1", name: "Bash", isError: false },
    {
      type: "message",
      message: {
        role: "user",
        content: [{ type: "tool_result", tool_use_id: "c1", content: "a.txt\nb.txt" }],
      },
    },
    { type: "message", message: { role: "assistant", content: [{ type: "text", text: "Two text files." }] } },
    { type: "done", reason: "end_turn" },
  ];

  it("redraws the resumed conversation at start (--continue / --resume <id>)", async () => {
    const backend = fakeBackend([], { pastEvents: async () => transcript });
    const r = render(<App backend={backend} history={new PromptHistory()} showConversation />);
    const frame = await waitFor(r.lastFrame, "Two text files.");
    expect(frame).toContain("› what is in here?");
    expect(frame).toContain("Let me look.");
    expect(frame).toContain("Bash");
    expect(frame).toContain("b.txt");
    r.unmount();
  });

  it("/resume without an id lists other sessions (not this one) and resumes the one picked", async () => {
    const resumed: (string | undefined)[] = [];
    const now = new Date().toISOString();
    const backend = fakeBackend([], {
      sessions: async () => [
        { id: INFO.sessionId, title: "This very session", firstPrompt: "x", updatedAt: now },
        {
          id: "old-1",
          title: "Fix the flaky test",
          firstPrompt: "the test fails",
          updatedAt: now,
          bytes: 4096,
        },
        { id: "old-2", firstPrompt: "add a readme", updatedAt: now },
      ],
      resume: async (id?: string) => {
        resumed.push(id);
        return { ...INFO, sessionId: id ?? "latest" };
      },
      pastEvents: async () => transcript,
    });
    const r = render(<App backend={backend} history={new PromptHistory()} />);
    await tick();
    r.stdin.write("/resume\r");
    const picker = await waitFor(r.lastFrame, "Resume a session");
    expect(picker).toContain("Fix the flaky test");
    expect(picker).toContain("the test fails");
    expect(picker).toContain("4 kB");
    expect(picker).toContain("add a readme");
    expect(picker).not.toContain("This very session");
    r.stdin.write("\x1b[B");
    await tick();
    r.stdin.write("\r");
    await waitFor(r.lastFrame, "Two text files.");
    expect(resumed).toEqual(["old-2"]);
    expect(r.lastFrame()).toContain("quarry --resume old-2");
    r.unmount();
  });

  it("opens with the picker for `quarry --resume` without an id", async () => {
    const now = new Date(Date.now() - 3 * 3600_000).toISOString();
    const backend = fakeBackend([], {
      sessions: async () => [{ id: "old-1", title: "Fix the flaky test", firstPrompt: "p", updatedAt: now }],
    });
    const r = render(<App backend={backend} history={new PromptHistory()} pickSession />);
    const frame = await waitFor(r.lastFrame, "Fix the flaky test");
    expect(frame).toContain("3h ago");
    r.unmount();
  });
});
