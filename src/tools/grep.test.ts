import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorkspace, type Workspace } from "../../test/support/tool-workspace.js";
import { ripgrepAvailable } from "./grep-rg.js";

let js: Workspace;
let rg: Workspace;
let hasRipgrep = false;

/** The same tree for both engines; distinct mtimes make files_with_matches order deterministic. */
function buildTree(ws: Workspace): void {
  let t = 1_700_000_000;
  const file = (path: string, content: string | Buffer) => ws.write(path, content, t++);
  file(".gitignore", "dist/\n*.log\n!keep.log\n");
  file(".git/config", "foo in git\n");
  file("src/a.ts", "export function foo() {}\nconst FOO = 1;\n// foo again\n");
  file("src/b.tsx", "function bar() {\n  return foo();\n}\n");
  file("src/nested/.gitignore", "generated.ts\n");
  file("src/nested/generated.ts", "foo generated\n");
  file("src/nested/c.js", "foo in js\r\nline two\r\nends with foo\r\n");
  file("dist/out.js", "foo in dist\n");
  file("debug.log", "foo log\n");
  file("keep.log", "foo keep\n");
  file(".hidden/h.md", "# foo hidden\n");
  file("node_modules/pkg/index.js", "foo module\n");
  file("bin.dat", Buffer.from("foo\0binary\n"));
  file("README.md", "Foo readme\nnothing\nmore foo\nlast\n");
  file("py/x.py", "def foo():\n    pass\n");
  file("src/skip.log", "foo in an ignored log\n");
}

beforeAll(async () => {
  hasRipgrep = await ripgrepAvailable();
  js = createWorkspace({ grepEngine: "js" });
  rg = createWorkspace({ grepEngine: "rg" });
  buildTree(js);
  buildTree(rg);
});
afterAll(() => {
  js.cleanup();
  rg.cleanup();
});

/** Runs a query on one engine; paths are made relative so both workspaces compare equal. */
async function grep(ws: Workspace, input: Record<string, unknown>): Promise<string> {
  const result = await ws.call("Grep", input);
  expect(result.isError, result.content).toBeFalsy();
  return result.content.replaceAll(`${ws.dir}/`, "");
}

const cases: { name: string; input: Record<string, unknown>; expected: string }[] = [
  {
    name: "files_with_matches (default), newest first, respecting .gitignore",
    input: { pattern: "foo" },
    expected: [
      "Found 7 files",
      "py/x.py",
      "README.md",
      ".hidden/h.md",
      "keep.log",
      "src/nested/c.js",
      "src/b.tsx",
      "src/a.ts",
    ].join("\n"),
  },
  {
    name: "content with line numbers",
    input: { pattern: "foo", output_mode: "content", path: "src" },
    expected: [
      "src/a.ts:1:export function foo() {}",
      "src/a.ts:3:// foo again",
      "src/b.tsx:2:  return foo();",
      "src/nested/c.js:1:foo in js",
      "src/nested/c.js:3:ends with foo",
    ].join("\n"),
  },
  {
    name: "case-insensitive without line numbers",
    input: { pattern: "foo", output_mode: "content", "-i": true, "-n": false, glob: "*.{ts,md}" },
    expected: [
      ".hidden/h.md:# foo hidden",
      "README.md:Foo readme",
      "README.md:more foo",
      "src/a.ts:export function foo() {}",
      "src/a.ts:const FOO = 1;",
      "src/a.ts:// foo again",
      // ripgrep: a file matching a positive glob is searched even though .gitignore lists it.
      "src/nested/generated.ts:foo generated",
    ].join("\n"),
  },
  {
    name: "count",
    input: { pattern: "foo", output_mode: "count", "-i": true, type: "ts" },
    expected: ["src/a.ts:3", "src/b.tsx:1", "", "Found 4 matching lines in 2 files."].join("\n"),
  },
  {
    name: "context lines with group separators",
    input: { pattern: "readme|last", output_mode: "content", "-i": true, "-C": 1, path: "README.md" },
    expected: [
      "README.md:1:Foo readme",
      "README.md-2-nothing",
      "README.md-3-more foo",
      "README.md:4:last",
    ].join("\n"),
  },
  {
    name: "after-context with a gap",
    input: { pattern: "^(Foo|last)", output_mode: "content", "-A": 1, glob: "*.md" },
    expected: ["README.md:1:Foo readme", "README.md-2-nothing", "--", "README.md:4:last"].join("\n"),
  },
  {
    name: "end anchor on CRLF lines",
    input: { pattern: "foo$", output_mode: "content" },
    expected: ["README.md:3:more foo", "src/nested/c.js:3:ends with foo"].join("\n"),
  },
  {
    name: "negated glob and type filter",
    input: { pattern: "foo", glob: "!*.md", type: "js" },
    expected: ["Found 1 file", "src/nested/c.js"].join("\n"),
  },
  {
    name: "regex syntax and head_limit",
    input: { pattern: "\\bfoo\\(", output_mode: "content", head_limit: 1 },
    expected: [
      "py/x.py:1:def foo():",
      "",
      "(Showing the first 1 of 3; raise head_limit or narrow the search to see more.)",
    ].join("\n"),
  },
  {
    name: "searching inside an ignored directory on purpose",
    input: { pattern: "foo", path: "dist", output_mode: "content" },
    expected: "dist/out.js:1:foo in dist",
  },
  {
    name: "node_modules when the path names it",
    input: { pattern: "foo", path: "node_modules" },
    expected: ["Found 1 file", "node_modules/pkg/index.js"].join("\n"),
  },
  {
    name: "globs with a slash are anchored; ** spans directories",
    input: { pattern: "foo", glob: "src/**/*.js", output_mode: "count" },
    expected: ["src/nested/c.js:2", "", "Found 2 matching lines in 1 file."].join("\n"),
  },
  {
    name: "a directory-name glob matches no files, as in ripgrep",
    input: { pattern: "foo", glob: "nested" },
    expected: "No matches found.",
  },
  {
    name: "negated directory glob prunes it",
    input: { pattern: "foo", glob: "!nested/", output_mode: "count", path: "src" },
    expected: ["src/a.ts:2", "src/b.tsx:1", "", "Found 3 matching lines in 2 files."].join("\n"),
  },
  {
    name: "character classes and ?",
    input: { pattern: "foo", glob: "[a-b].t?", output_mode: "count" },
    expected: ["src/a.ts:2", "", "Found 2 matching lines in 1 file."].join("\n"),
  },
  {
    name: "the root .gitignore applies when searching a subdirectory",
    input: { pattern: "foo", path: "src", output_mode: "count" },
    expected: [
      "src/a.ts:2",
      "src/b.tsx:1",
      "src/nested/c.js:2",
      "",
      "Found 5 matching lines in 3 files.",
    ].join("\n"),
  },
  {
    name: "no matches",
    input: { pattern: "zzz_nothing" },
    expected: "No matches found.",
  },
];

describe("Grep (JavaScript fallback)", () => {
  for (const c of cases) {
    it(c.name, async () => {
      expect(await grep(js, c.input)).toBe(c.expected);
    });
  }

  it("reports an invalid regex", async () => {
    const result = await js.call("Grep", { pattern: "foo(" });
    expect(result.isError).toBe(true);
    expect(result.content).toContain("Invalid regular expression");
  });

  it("reports an unknown type with the known ones", async () => {
    const result = await js.call("Grep", { pattern: "foo", type: "cobol" });
    expect(result.isError).toBe(true);
    expect(result.content).toContain('Unknown file type "cobol". Known types: js, ts, py');
  });

  it("reports a missing path", async () => {
    const result = await js.call("Grep", { pattern: "foo", path: "missing" });
    expect(result.content).toBe(`Path does not exist: ${js.dir}/missing`);
  });
});

describe("Grep (ripgrep) gives the same results", () => {
  for (const c of cases) {
    it(c.name, async (ctx) => {
      if (!hasRipgrep) ctx.skip();
      expect(await grep(rg, c.input)).toBe(c.expected);
    });
  }

  it("falls back to the JavaScript engine for look-around, which ripgrep's default engine lacks", async (ctx) => {
    if (!hasRipgrep) ctx.skip();
    const input = { pattern: "foo(?= again| in js)", output_mode: "content" };
    const expected = "src/a.ts:3:// foo again\nsrc/nested/c.js:1:foo in js";
    expect(await grep(rg, input)).toBe(expected);
    expect(await grep(js, input)).toBe(expected);
  });

  it("reports an invalid regex", async (ctx) => {
    if (!hasRipgrep) ctx.skip();
    const result = await rg.call("Grep", { pattern: "foo(" });
    expect(result.isError).toBe(true);
    expect(result.content).toContain("regex parse error");
  });
});
