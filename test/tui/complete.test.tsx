import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { atWord, listProjectFiles } from "../../src/ui/tui/complete.js";
import { rankFiles } from "../../src/ui/tui/file-picker.js";
import { PromptHistory } from "../../src/ui/tui/history.js";
import { PromptInput } from "../../src/ui/tui/PromptInput.js";
import { tick, waitFor } from "./fake-backend.js";

const FILES = ["README.md", "src/api.ts", "src/app.ts", "src/ui/App.tsx", "test/app.test.ts"];
const at = (text: string) => ({ text, cursor: text.length });

describe("@path completion", () => {
  it("finds the @word the cursor ends", () => {
    expect(atWord(at("look at @src/a"))).toEqual({ start: 8, query: "src/a" });
    expect(atWord(at("@"))).toEqual({ start: 0, query: "" });
    expect(atWord(at("mail me@example"))).toBeUndefined();
    expect(atWord(at("@src/a then more"))).toBeUndefined();
  });

  it("ranks files for the picker: file name prefix, path prefix, substring, then letters in order", () => {
    expect(rankFiles(FILES, "app")).toEqual(["src/app.ts", "src/ui/App.tsx", "test/app.test.ts"]);
    // Path prefix beats letters in order (s-r-c-/-a in src/ui/App.tsx).
    expect(rankFiles(FILES, "src/a")).toEqual(["src/api.ts", "src/app.ts", "src/ui/App.tsx"]);
    expect(rankFiles(FILES, "READ")).toEqual(["README.md"]);
    // Letters in order, case-insensitive: "sua" finds src/ui/App.tsx.
    expect(rankFiles(FILES, "sua")).toEqual(["src/ui/App.tsx"]);
    expect(rankFiles(FILES, "nothing")).toEqual([]);
    // An empty query lists the shortest paths first, at most the limit.
    expect(rankFiles(FILES, "", 2)).toEqual(["README.md", "src/api.ts"]);
  });

  it("lists the project's files, leaving out what .gitignore excludes and .git", async () => {
    const dir = mkdtempSync(join(tmpdir(), "quarry-complete-"));
    try {
      for (const f of [".git/HEAD", "src/app.ts", "dist/app.js", "debug.log", ".gitignore"]) {
        mkdirSync(join(dir, f, ".."), { recursive: true });
        writeFileSync(join(dir, f), f === ".gitignore" ? "dist/\n*.log\n" : "x");
      }
      expect(await listProjectFiles(dir)).toEqual([".gitignore", "src/app.ts"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("opens the picker as @ is typed, narrows it, and Tab picks the highlighted file", async () => {
    const submitted: string[] = [];
    let listed = 0;
    const r = render(
      <PromptInput
        history={new PromptHistory()}
        onSubmit={(t) => submitted.push(t)}
        active
        listFiles={async () => {
          listed++;
          return FILES;
        }}
      />,
    );
    await tick();
    for (const ch of "open @s") {
      r.stdin.write(ch);
      await tick(2);
    }
    await waitFor(r.lastFrame, "❯ @src/api.ts");
    expect(r.lastFrame()).toContain("@src/ui/App.tsx");
    for (const ch of "rc/ap") {
      r.stdin.write(ch);
      await tick(2);
    }
    await waitFor(r.lastFrame, "❯ @src/api.ts");
    expect(r.lastFrame()).not.toContain("README.md");
    r.stdin.write("\x1b[B"); // ↓ to the second candidate
    await waitFor(r.lastFrame, "❯ @src/app.ts");
    r.stdin.write("\t");
    await waitFor(r.lastFrame, "› open @src/app.ts");
    expect(r.lastFrame()).not.toContain("❯ @"); // picked: the picker closes
    r.stdin.write("\r");
    await tick();
    expect(submitted).toEqual(["open @src/app.ts "]);
    expect(listed).toBe(1);
    r.unmount();
  });
});
