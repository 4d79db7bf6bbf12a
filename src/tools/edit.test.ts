import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createWorkspace, type Workspace } from "../../test/support/tool-workspace.js";

let ws: Workspace;
beforeEach(() => {
  ws = createWorkspace();
});
afterEach(() => ws.cleanup());

async function readFirst(path: string, content: string): Promise<string> {
  const abs = ws.write(path, content);
  await ws.call("Read", { file_path: path });
  return abs;
}

describe("Edit", () => {
  it("replaces a unique string and returns a diff", async () => {
    const abs = await readFirst("a.ts", "const a = 1;\nconst b = 2;\n");
    const result = await ws.call("Edit", { file_path: "a.ts", old_string: "b = 2", new_string: "b = 3" });
    expect(result.isError).toBeFalsy();
    expect(result.content).toBe(`Edited ${abs}: 1 replacement.`);
    expect(readFileSync(abs, "utf8")).toBe("const a = 1;\nconst b = 3;\n");
    expect(result.display).toMatchObject({ kind: "diff", added: 1, removed: 1 });
    expect(result.display?.kind === "diff" && result.display.patch).toContain("-const b = 2;\n+const b = 3;");
  });

  it("treats $ in new_string literally", async () => {
    const abs = await readFirst("a.txt", "price\n");
    await ws.call("Edit", { file_path: "a.txt", old_string: "price", new_string: "$& $1 $$" });
    expect(readFileSync(abs, "utf8")).toBe("$& $1 $$\n");
  });

  it("refuses when old_string is not found, with a whitespace hint", async () => {
    const abs = await readFirst("a.py", "def f():\n    return 1\n");
    const result = await ws.call("Edit", {
      file_path: "a.py",
      old_string: "\treturn 1",
      new_string: "\treturn 2",
    });
    expect(result.isError).toBe(true);
    expect(result.content).toContain(`old_string was not found in ${abs}`);
    expect(result.content).toContain("appears (ignoring indentation) at line 2");
  });

  it("points out Read's line-number prefix in old_string", async () => {
    await readFirst("a.txt", "alpha\n");
    const result = await ws.call("Edit", {
      file_path: "a.txt",
      old_string: "     1\talpha",
      new_string: "beta",
    });
    expect(result.content).toContain("line-number prefix");
  });

  it("refuses an ambiguous old_string with the count and lines, unless replace_all", async () => {
    const abs = await readFirst("a.txt", "x = 1\ny = 2\nx = 1\n");
    const result = await ws.call("Edit", { file_path: "a.txt", old_string: "x = 1", new_string: "x = 9" });
    expect(result.isError).toBe(true);
    expect(result.content).toContain("Found 2 occurrences of old_string");
    expect(result.content).toContain("(lines 1, 3)");
    expect(result.content).toContain("set replace_all to true");
    expect(readFileSync(abs, "utf8")).toBe("x = 1\ny = 2\nx = 1\n");
    const all = await ws.call("Edit", {
      file_path: "a.txt",
      old_string: "x = 1",
      new_string: "x = 9",
      replace_all: true,
    });
    expect(all.content).toBe(`Edited ${abs}: 2 replacements.`);
    expect(readFileSync(abs, "utf8")).toBe("x = 9\ny = 2\nx = 9\n");
  });

  it("refuses identical old_string and new_string", async () => {
    await readFirst("a.txt", "same\n");
    const result = await ws.call("Edit", { file_path: "a.txt", old_string: "same", new_string: "same" });
    expect(result.isError).toBe(true);
    expect(result.content).toContain("old_string and new_string are identical");
  });

  it("refuses a file never read", async () => {
    const abs = ws.write("a.txt", "text\n");
    const result = await ws.call("Edit", { file_path: "a.txt", old_string: "text", new_string: "more" });
    expect(result.isError).toBe(true);
    expect(result.content).toContain(`File has not been read in this session: ${abs}`);
  });

  it("refuses a file modified after it was read", async () => {
    const abs = await readFirst("a.txt", "one\n");
    writeFileSync(abs, "two\n");
    const result = await ws.call("Edit", { file_path: "a.txt", old_string: "two", new_string: "three" });
    expect(result.isError).toBe(true);
    expect(result.content).toContain("has been modified since it was last read");
    expect(readFileSync(abs, "utf8")).toBe("two\n");
  });

  it("allows consecutive edits without re-reading", async () => {
    const abs = await readFirst("a.txt", "a\nb\n");
    await ws.call("Edit", { file_path: "a.txt", old_string: "a", new_string: "A" });
    const second = await ws.call("Edit", { file_path: "a.txt", old_string: "b", new_string: "B" });
    expect(second.isError).toBeFalsy();
    expect(readFileSync(abs, "utf8")).toBe("A\nB\n");
  });

  it("keeps CRLF line endings when the model writes LF", async () => {
    const abs = await readFirst("win.txt", "one\r\ntwo\r\nthree\r\n");
    const result = await ws.call("Edit", {
      file_path: "win.txt",
      old_string: "one\ntwo",
      new_string: "1\n2\n2.5",
    });
    expect(result.isError).toBeFalsy();
    expect(readFileSync(abs, "utf8")).toBe("1\r\n2\r\n2.5\r\nthree\r\n");
  });

  it("creates a missing file when old_string is empty, refuses otherwise", async () => {
    const created = await ws.call("Edit", { file_path: "new.txt", old_string: "", new_string: "fresh\n" });
    expect(created.content).toBe(`Created ${ws.dir}/new.txt.`);
    expect(readFileSync(join(ws.dir, "new.txt"), "utf8")).toBe("fresh\n");
    const missing = await ws.call("Edit", { file_path: "gone.txt", old_string: "x", new_string: "y" });
    expect(missing.isError).toBe(true);
    expect(missing.content).toContain(`File does not exist: ${ws.dir}/gone.txt`);
    await readFirst("full.txt", "content\n");
    const full = await ws.call("Edit", { file_path: "full.txt", old_string: "", new_string: "y" });
    expect(full.content).toContain("already has content");
  });

  it("refuses files that are not valid UTF-8", async () => {
    const abs = ws.write("latin1.txt", Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    await ws.call("Read", { file_path: "latin1.txt" });
    const result = await ws.call("Edit", { file_path: "latin1.txt", old_string: "caf", new_string: "CAF" });
    expect(result.isError).toBe(true);
    expect(result.content).toContain("not valid UTF-8");
    expect(readFileSync(abs)).toEqual(Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
  });
});

describe("MultiEdit", () => {
  it("applies edits in order, each to the previous result, and writes once", async () => {
    const abs = await readFirst("a.ts", "let a = 1;\nlet b = 2;\n");
    const result = await ws.call("MultiEdit", {
      file_path: "a.ts",
      edits: [
        { old_string: "let a = 1;", new_string: "let a = 10;" },
        { old_string: "a = 10", new_string: "alpha = 10" },
        { old_string: "let", new_string: "const", replace_all: true },
      ],
    });
    expect(result.isError).toBeFalsy();
    expect(result.content).toBe(`Edited ${abs}: 4 replacements from 3 edits.`);
    expect(readFileSync(abs, "utf8")).toBe("const alpha = 10;\nconst b = 2;\n");
    expect(readdirSync(ws.dir)).toEqual(["a.ts"]);
  });

  it("is all or nothing: a failing edit leaves the file unchanged and names the edit", async () => {
    const abs = await readFirst("a.ts", "one\ntwo\n");
    const result = await ws.call("MultiEdit", {
      file_path: "a.ts",
      edits: [
        { old_string: "one", new_string: "1" },
        { old_string: "three", new_string: "3" },
      ],
    });
    expect(result.isError).toBe(true);
    expect(result.content).toContain("Edit #2 of 2: old_string was not found");
    expect(readFileSync(abs, "utf8")).toBe("one\ntwo\n");
  });

  it("rejects an empty edit list naming the field", async () => {
    await readFirst("a.ts", "x");
    const result = await ws.call("MultiEdit", { file_path: "a.ts", edits: [] });
    expect(result.isError).toBe(true);
    expect(result.content).toContain("- edits:");
  });

  it("refuses an unread file", async () => {
    ws.write("a.ts", "x");
    const result = await ws.call("MultiEdit", {
      file_path: "a.ts",
      edits: [{ old_string: "x", new_string: "y" }],
    });
    expect(result.content).toContain("has not been read");
  });
});
