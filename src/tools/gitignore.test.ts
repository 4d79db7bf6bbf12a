import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createWorkspace, type Workspace } from "../../test/support/tool-workspace.js";
import { GitIgnoreRules, parseGitignore } from "./gitignore.js";

let ws: Workspace;
beforeEach(() => {
  ws = createWorkspace();
});
afterEach(() => ws.cleanup());

describe("GitIgnoreRules", () => {
  it("applies git's rules: negation, anchoring, directory-only, deepest file wins", () => {
    ws.write(".gitignore", "# comment\n*.log\n!keep.log\n/build\ncache/\ndocs/**/*.tmp\n\\#literal\n");
    ws.write("sub/.gitignore", "!*.log\n");
    const rules = new GitIgnoreRules(ws.dir);
    const ignored = (rel: string, dir = false) => rules.ignores(`${ws.dir}/${rel}`, dir);
    expect(ignored("a.log")).toBe(true);
    expect(ignored("deep/a.log")).toBe(true);
    expect(ignored("keep.log")).toBe(false);
    expect(ignored("sub/a.log")).toBe(false); // sub/.gitignore re-includes
    expect(ignored("build", true)).toBe(true);
    expect(ignored("src/build", true)).toBe(false); // anchored to the root
    expect(ignored("cache", true)).toBe(true);
    expect(ignored("cache")).toBe(false); // a file named cache is not a directory
    expect(ignored("cache/x.txt")).toBe(true); // inside an ignored directory
    expect(ignored("docs/a/b/c.tmp")).toBe(true);
    expect(ignored("#literal")).toBe(true);
    expect(ignored("src/a.ts")).toBe(false);
  });

  it("never ignores the search root or its ancestors (the floor)", () => {
    ws.write(".gitignore", "dist/\n*.map\n");
    const rules = new GitIgnoreRules(ws.dir, `${ws.dir}/dist`);
    expect(rules.ignores(`${ws.dir}/dist/a.js`, false)).toBe(false);
    expect(rules.ignores(`${ws.dir}/dist/a.js.map`, false)).toBe(true);
    expect(rules.ignores(`${ws.dir}/dist/inner/dist`, true)).toBe(true);
  });

  it("keeps escaped trailing spaces and drops the rest", () => {
    const [rule] = parseGitignore("name\\ \n");
    expect(rule?.regex.test("name ")).toBe(true);
    const [trimmed] = parseGitignore("name   \n");
    expect(trimmed?.regex.test("name")).toBe(true);
  });
});
