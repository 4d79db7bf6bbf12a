import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { HAS_TMUX, mainStreams, startTui, stopTuis, type Tui, world } from "./tmux.js";

// The prompt's power keys in a real terminal against the emulator: Ctrl-G, `!`, Ctrl-O, `#`, `@file` reaching
// the model request, Ctrl-R, and a redraw at the new width after a resize. One session walks through them all
// (start-ups are the slow part); every wait polls the pane.

if (!HAS_TMUX) console.warn("test/e2e/tui-rest.test.ts skipped: tmux is not installed");
const scratch = mkdtempSync(join(tmpdir(), "quarry-tui-rest-"));
afterAll(async () => {
  await stopTuis();
  rmSync(scratch, { recursive: true, force: true });
});

/** Approves the Bash call if the rules ask about it, then waits for `done` on screen. */
async function approveIfAsked(tui: Tui, done: (s: string) => boolean, what: string) {
  const s = await tui.waitUntil((s) => done(s) || s.includes("Allow this?"), what);
  if (!done(s)) {
    tui.keys("1");
    await tui.waitUntil(done, what);
  }
}

/** The prompt box's top border lines. */
const borders = (s: string) => s.split("\n").filter((l) => l.startsWith("╭"));

describe.skipIf(!HAS_TMUX)("interactive TUI: editor, shell, memory, files, search, resize (tmux)", () => {
  it("each reaches the screen, the disk or the model request as it should", async () => {
    // An "editor" that appends a word to the file it is given.
    const editor = join(scratch, "editor.sh");
    writeFileSync(editor, `#!/bin/sh\nprintf '%s from-editor\\n' "$(cat "$1")" > "$1"\n`);
    chmodSync(editor, 0o755);
    const tui = await startTui({
      world: world([
        {
          model: "sonnet",
          promptIncludes: "what is in",
          reply: { content: [{ type: "text", text: "Seen the notes." }] },
        },
      ]),
      env: { EDITOR: editor },
    });
    writeFileSync(join(tui.dir, "notes.md"), "ATTACHED-CONTENT-7\n");
    await tui.waitFor("/help for commands");

    // Ctrl-G: the prompt goes through $EDITOR and comes back edited.
    // Each key waits for the screen before it: text and a control key sent at once arrive as one chunk.
    tui.type("draft");
    await tui.waitFor("› draft");
    tui.keys("C-g");
    await tui.waitFor("› draft from-editor");
    tui.keys("C-u");
    await tui.waitUntil((s) => !s.includes("› draft"), "the prompt to clear");

    // `!`: a command the user runs; long output is folded to its tail until Ctrl-O.
    tui.type("!seq 101 130");
    tui.keys("Enter");
    await approveIfAsked(tui, (s) => s.includes("earlier lines (Ctrl-O shows all)"), "the folded seq output");
    expect(tui.screen()).toMatch(/^\s+130$/m);
    expect(tui.screen()).not.toMatch(/^\s+103$/m);
    tui.keys("C-o");
    await tui.waitUntil((s) => /^\s+103$/m.test(s), "the full output after Ctrl-O");

    tui.type("!echo bang-$((6*7))");
    tui.keys("Enter");
    await approveIfAsked(tui, (s) => /^\s+bang-42$/m.test(s), "the echo output");

    // `#`: the note goes to the chosen memory file.
    tui.type("# always use tabs");
    tui.keys("Enter");
    await tui.waitFor("to which memory file?");
    tui.keys("1");
    await tui.waitFor("Saved to");
    expect(readFileSync(join(tui.dir, "QUARRY.md"), "utf8")).toBe("- always use tabs\n");

    // `@`: the picker offers the file; the sent prompt carries its contents and the `!` outputs.
    tui.type("what is in @note");
    await tui.waitFor("❯ @notes.md");
    tui.keys("Tab");
    await tui.waitFor("› what is in @notes.md");
    tui.keys("Enter");
    await tui.waitFor("Seen the notes.");
    const body = JSON.stringify(mainStreams(tui.emulator).at(-1)?.body);
    expect(body).toContain("ATTACHED-CONTENT-7");
    expect(body).toContain('<file path=\\"notes.md\\">');
    expect(body).toContain("<bash-input>echo bang-$((6*7))</bash-input>");
    expect(body).toContain("<bash-stdout>bang-42");
    expect(body).toContain("<bash-input>seq 101 130</bash-input>");
    await tui.waitUntil((s) => !s.includes("Esc to cancel"), "the turn to end");

    // Ctrl-R: finds the prompt in the history; Enter puts it back in the editor.
    tui.keys("C-r");
    await tui.waitFor("(reverse-i-search)");
    tui.type("what is");
    await tui.waitFor("(reverse-i-search) 'what is': what is in @notes.md");
    tui.keys("Enter");
    await tui.waitUntil(
      (s) => s.includes("› what is in @notes.md") && !s.includes("reverse-i-search"),
      "the found prompt in the editor",
    );
    tui.keys("C-u");

    // Resize: everything is drawn again at the new width, with no box left at the old one.
    expect(borders(tui.screen()).map((l) => l.length)).toContain(120);
    tui.resize(90, 50);
    const narrow = await tui.waitUntil(
      (s) => borders(s).length > 0 && borders(s).every((l) => l.length === 90),
      "the prompt box at 90 columns",
    );
    expect(narrow).toContain("Seen the notes.");

    tui.type("/exit");
    tui.keys("Enter");
    expect(await tui.exitCode()).toBe("0");
  }, 180_000);
});
