import { beforeAll, describe, expect, it } from "vitest";
import { parseCommandLine, prepareShellAnalysis } from "./shell.js";

beforeAll(prepareShellAnalysis);

const texts = (line: string) => parseCommandLine(line).commands.map((c) => c.text);

describe("parseCommandLine", () => {
  it("splits on every chaining operator", () => {
    expect(texts("npm test && rm -rf /")).toEqual(["npm test", "rm -rf /"]);
    expect(texts("a; b || c | d & e\nf |& g")).toEqual(["a", "b", "c", "d", "e", "f", "g"]);
    expect(texts("(cd x && make) ; { echo y; }")).toEqual(["cd x", "make", "echo y"]);
    expect(texts("if true; then rm x; fi")).toEqual(["true", "rm x"]);
  });

  it("keeps quoted operators inside their word and removes the quotes", () => {
    expect(texts(`echo "a && b" 'c; d' e\\;f`)).toEqual(["echo a && b c; d e;f"]);
    expect(texts("r'm' -rf   /")).toEqual(["rm -rf /"]);
  });

  it("ignores comments and line continuations", () => {
    expect(texts("npm test # && rm -rf /")).toEqual(["npm test"]);
    expect(texts("npm \\\n test")).toEqual(["npm test"]);
  });

  it("finds command substitution in every form", () => {
    for (const line of ["echo $(rm x)", "echo `rm x`", 'echo "$(rm x)"', "diff <(rm x) y", "tee >(rm x)"]) {
      expect(parseCommandLine(line).substitutions, line).toEqual(["rm x"]);
    }
    expect(parseCommandLine("echo '$(rm x)'").substitutions).toEqual([]);
    expect(parseCommandLine("echo $((1 + 2))").substitutions).toEqual(["(1 + 2)"]);
  });

  it("notices output redirected into files, but not to /dev/null or a descriptor", () => {
    const writes = (line: string) => parseCommandLine(line).commands[0]!.writesFile;
    expect(writes("echo x > out.txt")).toBe(true);
    expect(writes("echo x >>~/.bashrc")).toBe(true);
    expect(writes("echo x &> log")).toBe(true);
    expect(writes("npm test 2>&1")).toBe(false);
    expect(writes("npm test 2>/dev/null")).toBe(false);
    expect(writes("npm test < input")).toBe(false);
  });

  it("reports unclosed quotes", () => {
    expect(parseCommandLine("echo 'oops").complete).toBe(false);
    expect(parseCommandLine('echo "oops').complete).toBe(false);
  });
});
