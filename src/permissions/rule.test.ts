import { describe, expect, it } from "vitest";
import { globToRegExp } from "./glob.js";
import { PermissionRuleError, parseRule, splitRuleList } from "./rule.js";

describe("parseRule", () => {
  it("parses every rule form", () => {
    expect(parseRule("Bash")).toEqual({ kind: "tool", text: "Bash", tool: "Bash" });
    expect(parseRule("Bash(npm test)")).toMatchObject({ kind: "bash", match: "exact", pattern: "npm test" });
    expect(parseRule("Bash(npm test:*)")).toMatchObject({
      kind: "bash",
      match: "prefix",
      pattern: "npm test",
    });
    expect(parseRule("Bash(rm -rf *)")).toMatchObject({
      kind: "bash",
      match: "wildcard",
      pattern: "rm -rf *",
    });
    expect(parseRule("Edit(src/**)")).toMatchObject({
      kind: "path",
      tool: "Edit",
      pattern: { base: "project", glob: "src/**" },
    });
    expect(parseRule("Read(./.env)")).toMatchObject({ pattern: { base: "project", glob: ".env" } });
    expect(parseRule("Read(.env)")).toMatchObject({ pattern: { base: "project", glob: "**/.env" } });
    expect(parseRule("Read(~/.ssh/**)")).toMatchObject({ pattern: { base: "home", glob: ".ssh/**" } });
    expect(parseRule("Read(/etc/**)")).toMatchObject({ pattern: { base: "absolute", glob: "etc/**" } });
    expect(parseRule("Read(//etc/hosts)")).toMatchObject({
      pattern: { base: "absolute", glob: "etc/hosts" },
    });
    expect(parseRule("Write(dist)")).toMatchObject({
      kind: "path",
      tool: "Write",
      pattern: { glob: "**/dist" },
    });
    expect(parseRule("WebFetch")).toEqual({ kind: "tool", text: "WebFetch", tool: "WebFetch" });
    expect(parseRule("WebFetch(domain:example.com)")).toMatchObject({
      kind: "specifier",
      specifier: "domain:example.com",
    });
    expect(parseRule("  Glob  ")).toMatchObject({ kind: "tool", tool: "Glob", text: "Glob" });
  });

  it.each([
    ["Bash(npm test", 'Invalid permission rule "Bash(npm test": it is missing a closing ")"'],
    ["Bash()", 'it has empty parentheses; write "Bash" alone to match every use'],
    ["Bash(:*)", 'there is no command before ":*"'],
    ["Bash(npm:* test)", '":*" is only allowed at the end'],
    ["(npm test)", 'it is missing a tool name before "("'],
    ["Bash(ls) extra", 'it has text after the closing ")": " extra"'],
    ["bash(ls)", 'tool names are case-sensitive; did you mean "Bash"?'],
    ["Ba sh", '"Ba sh" is not a tool name'],
    ["Edit(src:*)", 'the ":*" prefix form is only for Bash rules'],
    ["Read(~bob/x)", "only ~/ (your own home directory) is supported"],
    ["Edit(../other/**)", '".." is not allowed in a path pattern'],
    ["", "the rule is empty"],
    ["Bash)", 'it has a ")" without a matching "("'],
  ])("explains what is wrong with %j", (rule, message) => {
    expect(() => parseRule(rule)).toThrow(PermissionRuleError);
    expect(() => parseRule(rule)).toThrow(message);
  });
});

describe("splitRuleList", () => {
  it("splits on commas and spaces outside parentheses", () => {
    expect(splitRuleList("Bash(npm test) Read,Edit(src/**),  Bash(git log:*)")).toEqual([
      "Bash(npm test)",
      "Read",
      "Edit(src/**)",
      "Bash(git log:*)",
    ]);
    expect(splitRuleList("Bash(echo a, b)")).toEqual(["Bash(echo a, b)"]);
  });
});

describe("globToRegExp", () => {
  const cases: [string, string, boolean][] = [
    ["src/**", "src", true],
    ["src/**", "src/a/b.ts", true],
    ["src/**", "srcx/a", false],
    ["**/.env", ".env", true],
    ["**/.env", "a/b/.env", true],
    ["*.ts", "a.ts", true],
    ["*.ts", "d/a.ts", false],
    ["src/*.ts", "src/.hidden.ts", true],
    ["a/**/b", "a/b", true],
    ["a/**/b", "a/x/y/b", true],
    ["file?.txt", "file1.txt", true],
    ["[ab].txt", "b.txt", true],
    ["[!ab].txt", "b.txt", false],
    ["*.{js,ts}", "x.ts", true],
    ["*.{js,ts}", "x.rs", false],
    ["\\*.txt", "*.txt", true],
    ["\\*.txt", "a.txt", false],
    ["**", "anything/at/all", true],
  ];
  it.each(cases)("%s matches %s: %s", (glob, path, expected) => {
    expect(globToRegExp(glob).test(path)).toBe(expected);
  });
});
