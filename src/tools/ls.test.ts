import { symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createWorkspace, type Workspace } from "../../test/support/tool-workspace.js";

let ws: Workspace;
beforeEach(() => {
  ws = createWorkspace();
});
afterEach(() => ws.cleanup());

describe("LS", () => {
  it("lists directories first with a slash, hides .git and gitignored entries", async () => {
    ws.write(".gitignore", "*.log\nbuild/\n");
    ws.write("b.txt", "");
    ws.write("a.txt", "");
    ws.write("debug.log", "");
    ws.write("src/x.ts", "");
    ws.write("build/out.js", "");
    ws.write(".git/HEAD", "");
    symlinkSync(join(ws.dir, "src"), join(ws.dir, "linked"));
    const result = await ws.call("LS", {});
    expect(result.content).toBe(
      [
        `${ws.dir}/`,
        "  linked/",
        "  src/",
        "  .gitignore",
        "  a.txt",
        "  b.txt",
        "(2 entries ignored by .gitignore not shown.)",
      ].join("\n"),
    );
  });

  it("applies extra ignore globs and lists a subdirectory", async () => {
    ws.write("src/a.ts", "");
    ws.write("src/a.test.ts", "");
    ws.write("src/fixtures/x", "");
    const result = await ws.call("LS", { path: "src", ignore: ["*.test.ts", "fixtures"] });
    expect(result.content).toBe([`${ws.dir}/src/`, "  a.ts"].join("\n"));
  });

  it("refuses files and missing directories", async () => {
    ws.write("a.txt", "");
    expect((await ws.call("LS", { path: "a.txt" })).content).toContain("is a file, not a directory");
    expect((await ws.call("LS", { path: "missing" })).content).toBe(
      `Directory does not exist: ${ws.dir}/missing`,
    );
  });
});
