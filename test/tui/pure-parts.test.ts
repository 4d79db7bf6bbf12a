import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { atMentions, attachFiles } from "../../src/ui/tui/attachments.js";
import { barCells, contextReport } from "../../src/ui/tui/context-bar.js";
import { numberDiff } from "../../src/ui/tui/DiffView.js";
import { editorCommand, editText } from "../../src/ui/tui/external-editor.js";
import { searchHistory } from "../../src/ui/tui/history-search.js";
import { KEY_MAP } from "../../src/ui/tui/keymap.js";
import { appendMemoryNote, memoryTargets } from "../../src/ui/tui/memory-note.js";
import {
  NOTIFY_AFTER_MS,
  notificationChannel,
  notificationSequence,
  shouldNotify,
} from "../../src/ui/tui/notify.js";
import { bashContext, promptMode, withShellContext } from "../../src/ui/tui/prompt-modes.js";

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), "quarry-tui-parts-"));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("Ctrl-R history search", () => {
  const entries = ["npm test", "fix the parser", "run npm test again", "explain App.tsx"];
  it("finds the newest entry containing the query, then older ones", () => {
    expect(searchHistory(entries, "npm")).toEqual({ index: 2, text: "run npm test again" });
    expect(searchHistory(entries, "npm", 2)).toEqual({ index: 0, text: "npm test" });
    expect(searchHistory(entries, "npm", 0)).toBeUndefined();
    expect(searchHistory(entries, "APP")).toEqual({ index: 3, text: "explain App.tsx" });
    expect(searchHistory(entries, "nothing like it")).toBeUndefined();
  });
});

describe("notifications", () => {
  it("notifies for a dialog always, for a turn only when it took long, never when off", () => {
    expect(shouldNotify("bell", { kind: "permission" })).toBe(true);
    expect(shouldNotify("bell", { kind: "turn-done", elapsedMs: NOTIFY_AFTER_MS - 1 })).toBe(false);
    expect(shouldNotify("osc9", { kind: "turn-done", elapsedMs: NOTIFY_AFTER_MS })).toBe(true);
    expect(shouldNotify("off", { kind: "permission" })).toBe(false);
  });
  it("writes BEL or an OSC 9 sequence with control characters removed", () => {
    expect(notificationSequence("bell", "x")).toBe("\x07");
    expect(notificationSequence("osc9", "done\x07\x1b]9;evil")).toBe("\x1b]9;done  ]9;evil\x07");
    expect(notificationSequence("off", "x")).toBe("");
  });
  it("reads the setting, defaulting to the bell, and names the accepted values for a wrong one", () => {
    expect(notificationChannel(undefined)).toBe("bell");
    expect(notificationChannel("osc9")).toBe("osc9");
    expect(() => notificationChannel("loud")).toThrow('Unknown notifications setting "loud"');
    try {
      notificationChannel("loud");
    } catch (err) {
      expect((err as { fix?: string }).fix).toContain('"bell", "osc9" or "off"');
    }
  });
});

describe("/context bar", () => {
  it("gives each part its share of the cells, at least one when not empty, never more than the bar", () => {
    const parts = [
      { label: "System prompt", tokens: 2_000 },
      { label: "Tools", tokens: 10_000 },
      { label: "Memory files", tokens: 10 },
      { label: "Messages", tokens: 0 },
    ];
    expect(barCells(parts, 100_000, 50)).toEqual([1, 5, 1, 0]);
    // Over-full: the cells still fit the bar.
    const full = barCells(
      [
        { label: "a", tokens: 300 },
        { label: "b", tokens: 1 },
      ],
      100,
      10,
    );
    expect(full.reduce((a, b) => a + b, 0)).toBe(10);
    expect(full[1]).toBe(1);
  });
  it("reports the total and each part with its percentage", () => {
    const text = contextReport(
      [
        { label: "System prompt", tokens: 2_000 },
        { label: "Messages", tokens: 48_000 },
      ],
      200_000,
      20,
    );
    expect(text).toContain("Context: ~50k of 200k tokens (25.0%)");
    expect(text).toMatch(/Messages\s+~\s*48k\s+24\.0%/);
    expect(text).toMatch(/Free\s+~\s*150k\s+75\.0%/);
    expect(text.split("\n")[1]).toBe(`  █${"▓".repeat(5)}${"·".repeat(14)}`);
  });
});

describe("numbered diffs", () => {
  it("numbers lines from the hunk header: new numbers for additions and context, old ones for removals", () => {
    const patch = [
      "--- a/x.ts",
      "+++ b/x.ts",
      "@@ -10,3 +10,4 @@",
      " keep",
      "-old",
      "+new",
      "+added",
      " tail",
      "@@ -40 +41 @@",
      "-a",
      "+b",
    ].join("\n");
    expect(numberDiff(patch)).toEqual([
      { line: "@@ -10,3 +10,4 @@" },
      { no: 10, line: " keep" },
      { no: 11, line: "-old" },
      { no: 11, line: "+new" },
      { no: 12, line: "+added" },
      { no: 13, line: " tail" },
      { line: "@@ -40 +41 @@" },
      { no: 40, line: "-a" },
      { no: 41, line: "+b" },
    ]);
  });
});

describe("@file attachments", () => {
  it("finds mentions, leaving trailing punctuation off", () => {
    expect(atMentions("see @src/a.ts, and @b.md. mail me@x.org")).toEqual(["src/a.ts", "b.md"]);
  });
  it("appends each readable text file; leaves other words, folders, images, binaries and denied files out", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "a.ts"), "export const a = 1;\n");
    writeFileSync(join(dir, "bin.dat"), Buffer.from([1, 0, 2]));
    writeFileSync(join(dir, "pic.png"), "png");
    writeFileSync(join(dir, ".env"), "SECRET=1");
    mkdirSync(join(dir, "src"));
    const r = attachFiles("look at @a.ts @someone @src @pic.png @bin.dat @.env", {
      cwd: dir,
      readable: (p) => !p.endsWith(".env"),
    });
    expect(r.files).toEqual(["a.ts"]);
    expect(r.prompt).toBe(
      'look at @a.ts @someone @src @pic.png @bin.dat @.env\n\n<file path="a.ts">\nexport const a = 1;\n</file>',
    );
    expect(r.prompt).not.toContain("SECRET");
    expect(r.notes).toEqual([
      "@src is a folder: not attached (name a file, or ask the model to look inside).",
      "@pic.png is an image: not attached (images in prompts are not supported yet).",
      "@bin.dat looks binary: not attached.",
      "@.env not attached: the permission rules do not allow reading it.",
    ]);
  });
  it("cuts a large file at the cap and says so", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "big.txt"), "x".repeat(500));
    const r = attachFiles("@big.txt", { cwd: dir, readable: () => true, maxChars: 100 });
    expect(r.prompt).toContain(`${"x".repeat(100)}\n[… cut: the file has 500 bytes; Read it for the rest]`);
    expect(r.prompt).not.toContain("x".repeat(101));
    expect(r.notes).toEqual(["@big.txt is large: attached its first 100 characters."]);
  });
});

describe("! and # prompts", () => {
  it("recognises them only at the start, with something after", () => {
    expect(promptMode("!ls -la")).toEqual({ kind: "bash", body: "ls -la" });
    expect(promptMode("# use pnpm, not npm")).toEqual({ kind: "memory", body: "use pnpm, not npm" });
    expect(promptMode("!")).toBeUndefined();
    expect(promptMode("what does ! do")).toBeUndefined();
  });
  it("gives the model the command and its output, in front of the next prompt", () => {
    const ctx = bashContext("ls", "a\nb\n", true);
    expect(ctx).toBe("<bash-input>ls</bash-input>\n<bash-stdout>a\nb</bash-stdout>");
    expect(bashContext("false", "boom", false)).toContain("<bash-stderr>boom</bash-stderr>");
    expect(withShellContext([ctx], "what files?")).toBe(`${ctx}\n\nwhat files?`);
    expect(withShellContext([], "what files?")).toBe("what files?");
  });
});

describe("# memory notes", () => {
  it("targets the project's existing memory file (else QUARRY.md) and the user's", () => {
    const project = tempDir();
    const user = join(tempDir(), "config");
    expect(memoryTargets(project, user).map((t) => t.path)).toEqual([
      join(project, "QUARRY.md"),
      join(user, "QUARRY.md"),
    ]);
    writeFileSync(join(project, "CLAUDE.md"), "# rules\n");
    expect(memoryTargets(project, user)[0]!.path).toBe(join(project, "CLAUDE.md"));
  });
  it("appends the note as a list item, creating the file and its folder, leaving no temp file", async () => {
    const dir = join(tempDir(), "new-config");
    const path = join(dir, "QUARRY.md");
    await appendMemoryNote(path, "use pnpm");
    await appendMemoryNote(path, "  run the linter  ");
    expect(readFileSync(path, "utf8")).toBe("- use pnpm\n- run the linter\n");
    expect(readdirSync(dir)).toEqual(["QUARRY.md"]);
    writeFileSync(path, "no newline at end");
    await appendMemoryNote(path, "third");
    expect(readFileSync(path, "utf8")).toBe("no newline at end\n- third\n");
  });
});

describe("Ctrl-G external editor", () => {
  it("prefers $VISUAL, then $EDITOR", () => {
    expect(editorCommand({ VISUAL: "code --wait", EDITOR: "vi" })).toBe("code --wait");
    expect(editorCommand({ EDITOR: "vi" })).toBe("vi");
    expect(editorCommand({})).toBeUndefined();
  });
  it("runs the editor (with its arguments) on a temp file and reads the text back", () => {
    const dir = tempDir();
    const script = join(dir, "edit.sh");
    // An "editor" that takes a word to append: proves arguments pass through sh as git passes them.
    writeFileSync(script, '#!/bin/sh\nprintf "%s\\n" "$(cat "$2") $1" > "$2"\n');
    chmodSync(script, 0o755);
    expect(editText("fix the tests", `${script} carefully`)).toBe("fix the tests carefully");
  });
  it("keeps the prompt when the editor fails, saying so", () => {
    expect(() => editText("x", "false")).toThrow("The editor (false) exited with status 1.");
  });
});

describe("key map", () => {
  it("lists the keys this UI handles", () => {
    for (const key of [
      "Ctrl-R",
      "Ctrl-G",
      "Ctrl-O",
      "Shift+Tab",
      "Esc Esc",
      "! at the start",
      "# at the start",
      "@",
    ])
      expect(KEY_MAP).toContain(key);
  });
});
