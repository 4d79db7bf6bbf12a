import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { atWord, completeAt, listProjectFiles } from "../../src/ui/tui/complete.js";
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

  it("completes a unique path, extends an ambiguous one to the common prefix, and falls back to a substring", () => {
    expect(completeAt(at("see @src/app"), FILES)).toEqual({ state: at("see @src/app.ts "), matches: [] });
    expect(completeAt(at("see @s"), FILES)).toEqual({
      state: at("see @src/"),
      matches: ["src/api.ts", "src/app.ts", "src/ui/App.tsx"],
    });
    expect(completeAt(at("@READ"), FILES)?.state).toEqual(at("@README.md "));
    expect(completeAt(at("@app.test"), FILES)?.state).toEqual(at("@test/app.test.ts "));
    expect(completeAt(at("@nothing"), FILES)).toEqual({ state: at("@nothing"), matches: [] });
    expect(completeAt(at("no at sign"), FILES)).toBeUndefined();
    // Text after the cursor stays where it was.
    expect(completeAt({ text: "@src/app and more", cursor: 8 }, FILES)?.state).toEqual({
      text: "@src/app.ts  and more",
      cursor: 12,
    });
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

  it("completes with Tab in the prompt and shows the candidates", async () => {
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
    r.stdin.write("\t");
    await waitFor(r.lastFrame, "src/api.ts  src/app.ts  src/ui/App.tsx");
    expect(r.lastFrame()).toContain("› open @src/");
    r.stdin.write("a");
    await tick();
    expect(r.lastFrame()).not.toContain("src/ui/App.tsx"); // the list goes once you type
    r.stdin.write("p");
    await tick();
    r.stdin.write("p");
    await tick();
    r.stdin.write("\t");
    await waitFor(r.lastFrame, "› open @src/app.ts");
    r.stdin.write("\r");
    await tick();
    expect(submitted).toEqual(["open @src/app.ts "]);
    expect(listed).toBe(2);
    r.unmount();
  });
});
