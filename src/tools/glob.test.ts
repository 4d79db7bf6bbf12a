import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createWorkspace, type Workspace } from "../../test/support/tool-workspace.js";

let ws: Workspace;
beforeEach(() => {
  ws = createWorkspace();
});
afterEach(() => ws.cleanup());

const rel = (content: string) => content.replaceAll(`${ws.dir}/`, "");

describe("Glob", () => {
  it("returns matches newest first, respecting nested .gitignore files, skipping .git and node_modules", async () => {
    ws.write(".gitignore", "dist/\n");
    ws.write("src/old.ts", "", 1_700_000_000);
    ws.write("src/new.ts", "", 1_700_000_200);
    ws.write("src/mid.ts", "", 1_700_000_100);
    ws.write("src/gen/.gitignore", "*.gen.ts\n");
    ws.write("src/gen/x.gen.ts", "");
    ws.write("dist/out.ts", "");
    ws.write("node_modules/pkg/index.ts", "");
    ws.write(".git/hooks/x.ts", "");
    ws.write(".config/tool.ts", "", 1_600_000_000);
    const result = await ws.call("Glob", { pattern: "**/*.ts" });
    expect(result.isError).toBeFalsy();
    expect(rel(result.content)).toBe(
      ["src/new.ts", "src/mid.ts", "src/old.ts", ".config/tool.ts"].join("\n"),
    );
  });

  it("searches node_modules when the pattern names it, and under a given path", async () => {
    ws.write("node_modules/pkg/index.js", "");
    ws.write("lib/a.js", "");
    ws.write("lib/deep/b.js", "");
    expect(rel((await ws.call("Glob", { pattern: "node_modules/**/*.js" })).content)).toBe(
      "node_modules/pkg/index.js",
    );
    const underLib = await ws.call("Glob", { pattern: "*.js", path: "lib" });
    expect(rel(underLib.content)).toBe("lib/a.js");
  });

  it("searches a gitignored directory the pattern names, still applying .gitignore inside it", async () => {
    ws.write(".gitignore", "dist/\nnode_modules/\n");
    ws.write("dist/a.js", "");
    ws.write("dist/sub/b.js", "");
    ws.write("node_modules/pkg/index.js", "");
    ws.write("node_modules/pkg/node_modules/dep/index.js", "");
    expect(
      rel((await ws.call("Glob", { pattern: "dist/**/*.js" })).content)
        .split("\n")
        .sort(),
    ).toEqual(["dist/a.js", "dist/sub/b.js"]);
    expect(rel((await ws.call("Glob", { pattern: "node_modules/**/*.js" })).content)).toBe(
      "node_modules/pkg/index.js",
    );
    expect((await ws.call("Glob", { pattern: "**/*.js" })).content).toContain("No files found (2 matching");
  });

  it("accepts an absolute pattern", async () => {
    ws.write("lib/a.js", "");
    expect(rel((await ws.call("Glob", { pattern: `${ws.dir}/lib/*.js` })).content)).toBe("lib/a.js");
  });

  it("says when nothing matched, mentioning files hidden by .gitignore", async () => {
    ws.write(".gitignore", "*.log\n");
    ws.write("a.log", "");
    expect((await ws.call("Glob", { pattern: "*.md" })).content).toBe("No files found.");
    expect((await ws.call("Glob", { pattern: "*.log" })).content).toContain(
      "No files found (1 matching file(s) are ignored by .gitignore",
    );
  });

  it("caps results at 100 with a note", async () => {
    for (let i = 0; i < 105; i++) ws.write(`many/f${i}.txt`, "", 1_700_000_000 + i);
    const result = await ws.call("Glob", { pattern: "many/*.txt" });
    const lines = result.content.split("\n");
    expect(lines).toHaveLength(101);
    expect(rel(lines[0]!)).toBe("many/f104.txt");
    expect(lines[100]).toContain("Showing the 100 most recently modified of 105 files");
  });

  it("refuses a missing directory", async () => {
    const result = await ws.call("Glob", { pattern: "*", path: "nope" });
    expect(result.isError).toBe(true);
    expect(result.content).toBe(`Directory does not exist: ${ws.dir}/nope`);
  });
});
