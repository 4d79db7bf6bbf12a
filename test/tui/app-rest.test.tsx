import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { render } from "ink-testing-library";
import { afterEach, describe, expect, it } from "vitest";
import type { AgentEvent } from "../../src/agent/events.js";
import { App } from "../../src/ui/tui/App.js";
import { PromptHistory } from "../../src/ui/tui/history.js";
import { PromptInput } from "../../src/ui/tui/PromptInput.js";
import { DONE, fakeBackend, INFO, tick, type, waitFor } from "./fake-backend.js";

const answer = (text: string, extra: AgentEvent[] = []) =>
  async function* (): AsyncIterable<AgentEvent> {
    yield* extra;
    yield { type: "text_delta", text };
    yield DONE;
  };

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), "quarry-app-rest-"));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("Ctrl-R", () => {
  it("searches the history newest first; Ctrl-R again goes older, Enter takes the match, Esc goes back", async () => {
    const history = new PromptHistory();
    for (const p of ["npm test", "fix the parser", "run npm test again"]) history.add(p);
    const sent: string[] = [];
    const r = render(<PromptInput history={history} onSubmit={(t) => sent.push(t)} active />);
    await tick();
    await type(r.stdin, "dra");
    r.stdin.write("\x12");
    await waitFor(r.lastFrame, "(reverse-i-search) '':");
    await type(r.stdin, "npm");
    await waitFor(r.lastFrame, "'npm': run npm test again");
    r.stdin.write("\x12");
    await waitFor(r.lastFrame, "'npm': npm test");
    r.stdin.write("\x1b");
    await waitFor(r.lastFrame, "› dra");
    r.stdin.write("\x12");
    await type(r.stdin, "parser");
    await waitFor(r.lastFrame, "'parser': fix the parser");
    r.stdin.write("\r");
    await waitFor(r.lastFrame, "› fix the parser");
    expect(sent).toEqual([]); // Enter takes the match into the editor; a second Enter sends it
    r.stdin.write("\r");
    await tick();
    expect(sent).toEqual(["fix the parser"]);
    r.unmount();
  });
});

describe("custom commands, /context, /cost, notifications", () => {
  it("lists custom commands in the / menu and sends them to the backend to expand", async () => {
    const backend = fakeBackend([answer("Greeted.")], {
      customCommands: () => [{ name: "greet", help: "say hello to someone (project)" }],
    });
    const r = render(<App backend={backend} history={new PromptHistory()} />);
    await tick();
    await type(r.stdin, "/gr");
    await waitFor(r.lastFrame, "say hello to someone (project)");
    r.stdin.write("\t");
    await type(r.stdin, "Ada\r");
    await waitFor(r.lastFrame, "Greeted.");
    expect(backend.prompts).toEqual(["/greet Ada"]);
    r.unmount();
  });

  it("/context draws the parts as a bar of the window", async () => {
    const backend = fakeBackend([], {
      contextParts: () => [
        { label: "System prompt", tokens: 4_000 },
        { label: "Tools", tokens: 16_000 },
      ],
    });
    const r = render(<App backend={backend} history={new PromptHistory()} />);
    await tick();
    await type(r.stdin, "/context\r");
    const frame = await waitFor(r.lastFrame, "Context: ~20k of 200k tokens (10.0%)");
    expect(frame).toMatch(/Tools\s+~\s*16k\s+8\.0%/);
    r.unmount();
  });

  it("/cost counts the lines the session's edits changed", async () => {
    const edit: AgentEvent[] = [
      { type: "tool_call", id: "t1", name: "Edit", summary: "a.ts", input: {} },
      {
        type: "tool_result",
        id: "t1",
        content: "ok",
        isError: false,
        display: { kind: "diff", path: "a.ts", patch: "@@ -1 +1,2 @@\n-a\n+b\n+c\n", added: 2, removed: 1 },
      } as AgentEvent,
    ];
    const backend = fakeBackend([answer("Edited.", edit)]);
    const r = render(<App backend={backend} history={new PromptHistory()} />);
    await tick();
    await type(r.stdin, "edit it\r");
    const frame = await waitFor(r.lastFrame, "Edited.");
    expect(frame).toContain("1 +b"); // the diff is numbered
    await type(r.stdin, "/cost\r");
    await waitFor(r.lastFrame, "2 lines added, 1 removed");
    r.unmount();
  });

  it("rings the bell when a permission dialog opens, not with notifications off", async () => {
    for (const notifications of ["bell", "off"] as const) {
      const backend = fakeBackend([
        async function* (b) {
          yield { type: "tool_call", id: "t1", name: "Bash", summary: "ls", input: { command: "ls" } };
          await b.permissions.ask({
            tool: "Bash",
            summary: "run `ls`",
            reason: "asks",
            input: {},
            suggestedRules: [],
          });
          yield DONE;
        },
      ]);
      backend.info = () => ({ ...INFO, notifications });
      const r = render(<App backend={backend} history={new PromptHistory()} />);
      await tick();
      await type(r.stdin, "list\r");
      await waitFor(r.lastFrame, "Allow this?");
      const written = r.frames.join("");
      if (notifications === "bell") expect(written).toContain("\x07");
      else expect(written).not.toContain("\x07");
      r.unmount();
    }
  });
});

describe("! and #", () => {
  it("runs !command through the backend, shows its output and sends it with the next prompt", async () => {
    const ran: string[] = [];
    const backend = fakeBackend([answer("Seen.")], {
      shell: async (command) => {
        ran.push(command);
        return { ok: true, output: "file-a\nfile-b\n" };
      },
    });
    const r = render(<App backend={backend} history={new PromptHistory()} />);
    await tick();
    await type(r.stdin, "!ls\r");
    await waitFor(r.lastFrame, "file-b");
    expect(ran).toEqual(["ls"]);
    expect(backend.prompts).toEqual([]); // the model is not asked yet
    await type(r.stdin, "what is there?\r");
    await waitFor(r.lastFrame, "Seen.");
    expect(backend.prompts).toEqual([
      "<bash-input>ls</bash-input>\n<bash-stdout>file-a\nfile-b</bash-stdout>\n\nwhat is there?",
    ]);
    r.unmount();
  });

  it("# asks which memory file and appends the note there; cancelling saves nothing", async () => {
    const dir = tempDir();
    const project = join(dir, "QUARRY.md");
    const user = join(dir, "user.md");
    const backend = fakeBackend([], {
      memory: () => ({
        targets: [
          { label: "Project memory", path: project },
          { label: "User memory (every project)", path: user },
        ],
        loaded: [],
      }),
    });
    const r = render(<App backend={backend} history={new PromptHistory()} />);
    await tick();
    await type(r.stdin, "# use pnpm\r");
    await waitFor(r.lastFrame, 'Add "use pnpm" to which memory file?');
    r.stdin.write("2");
    await waitFor(r.lastFrame, `Saved to ${user}`);
    expect(readFileSync(user, "utf8")).toBe("- use pnpm\n");
    r.unmount();
    // A fresh app: the fake stdin of ink-testing-library loses keys after a second dialog (a real terminal
    // does not; test/e2e/tui-rest.test.ts drives the real one).
    const again = render(<App backend={backend} history={new PromptHistory()} />);
    await tick();
    await type(again.stdin, "# never mind\r");
    await waitFor(again.lastFrame, "to which memory file?");
    again.stdin.write("\x1b");
    await waitFor(again.lastFrame, "Not saved.");
    expect(() => readFileSync(project)).toThrow();
    again.unmount();
  });
});

describe("Ctrl-G", () => {
  it("replaces the prompt with what the editor saved", async () => {
    const editor = join(tempDir(), "editor.sh");
    writeFileSync(editor, `#!/bin/sh\nprintf '%s from-editor\\n' "$(cat "$1")" > "$1"\n`);
    chmodSync(editor, 0o755);
    const r = render(
      <App
        backend={fakeBackend([])}
        history={new PromptHistory()}
        env={{ EDITOR: editor, PATH: process.env.PATH }}
      />,
    );
    await tick();
    await type(r.stdin, "draft");
    r.stdin.write("\x07");
    await waitFor(r.lastFrame, "› draft from-editor");
    r.unmount();
  });

  it("says how to set an editor when there is none", async () => {
    const r = render(<App backend={fakeBackend([])} history={new PromptHistory()} env={{}} />);
    await tick();
    await type(r.stdin, "draft");
    r.stdin.write("\x07");
    await waitFor(r.lastFrame, "Set $VISUAL or $EDITOR");
    expect(r.lastFrame()).toContain("› draft");
    r.unmount();
  });
});
