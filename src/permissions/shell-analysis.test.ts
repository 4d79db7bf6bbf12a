import { beforeAll, describe, expect, it } from "vitest";
import { analyseShell, type ShellAnalysis } from "./shell-analysis.js";
import { prepareShellAnalysis } from "./shell-parser.js";

beforeAll(prepareShellAnalysis);

const analyse = (line: string): ShellAnalysis => {
  const result = analyseShell(line);
  if (!result) throw new Error("the grammar did not load");
  return result;
};
const texts = (line: string) => analyse(line).commands.map((c) => c.text);
const argv = (line: string) => analyse(line).commands.map((c) => c.words);
const redirects = (line: string) =>
  analyse(line).commands.flatMap((c) =>
    c.redirects.map((r) => [r.operator, r.effect, r.target ?? r.rawTarget]),
  );
const uncertain = (line: string) => analyse(line).uncertain.length > 0;

describe("quoting is resolved as bash resolves it", () => {
  it.each([
    [`echo $'a\\'b'`, ["echo", "a'b"]],
    [`echo $'\\x41\\102\\u00e9\\n\\t\\e'`, ["echo", "AB\u00e9\n\t\x1b"]],
    [`echo $'ab\\0cd'`, ["echo", "ab"]],
    [`echo "a \\" \\$x \\\\ b"`, ["echo", 'a " $x \\ b']],
    [`echo 'a \\ b'`, ["echo", "a \\ b"]],
    [`r'm' -r""f a\\ b`, ["rm", "-rf", "a b"]],
    ["echo a\\\nb", ["echo", "ab"]],
  ])("%s", (line, words) => {
    expect(argv(line)).toEqual([words]);
    expect(uncertain(line)).toBe(false);
  });

  it("marks words known only at run time, and counts the known leading words", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell syntax, not a template
    const c = analyse('git log $REV "$(date)" ${x} $"translated"').commands.find((x) => !x.inSubstitution);
    expect(c!.staticWords).toBe(2);
    expect(analyse('echo $"hi"').commands[0]!.staticWords).toBe(1);
    expect(analyse("echo {a,b} x").commands[0]!.staticWords).toBe(1);
    expect(analyse("find . -exec rm {} \\;").commands[0]!.staticWords).toBe(6);
  });

  it("reports where the grammar and bash disagree about a quote's end", () => {
    // tree-sitter-bash reads `$'\\'` as still open; bash closes it, so `touch p` runs.
    const line = "echo $'\\\\' ; touch p ; # '";
    expect(analyse(line).uncertain.join()).toContain("ambiguous");
  });
});

describe("every simple command is found", () => {
  it.each([
    ["a && b || c; d & e\nf | g |& h", ["a", "b", "c", "d", "e", "f", "g", "h"]],
    ["(a; b) && { c; }", ["a", "b", "c"]],
    ["if a; then b; elif c; then d; else e; fi", ["a", "b", "c", "d", "e"]],
    ["while a; do b; done; until c; do d; done", ["a", "b", "c", "d"]],
    ["for x in 1 2; do b $x; done", ["b $x"]],
    ["case $x in a) b;; *) c;; esac", ["b", "c"]],
    ["f() { rm x; }; f", ["rm x", "f"]],
    ["! a | b", ["a", "b"]],
    ["cat <<EOF | sh && rm y\nbody\nEOF", ["sh", "rm y", "cat"]],
    ["FOO=1 BAR=2 make", ["FOO=1 BAR=2 make"]],
    ["X=1", ["X=1"]],
    ["export A=1 B", ["export A=1 B"]],
  ])("%s", (line, expected) => {
    expect(texts(line)).toEqual(expected);
  });

  it("finds commands inside substitutions, and records their bodies", () => {
    const a = analyse('echo "$(rm x)" `id` <(ls) >(wc) $((1 + 2))');
    expect(a.substitutions).toEqual(["rm x", "id", "ls", "wc", "(1 + 2)"]);
    expect(a.commands.filter((c) => c.inSubstitution).map((c) => c.text)).toEqual(["rm x", "id", "ls", "wc"]);
    expect(analyse("cat <<EOF\n$(rm x)\nEOF").substitutions).toContain("rm x");
    expect(analyse("cat <<'EOF'\n$(rm x)\nEOF").substitutions).toEqual([]);
  });
});

describe("redirections", () => {
  it.each([
    ["echo x > f", [">", "write", "f"]],
    ["echo x >> f", [">>", "write", "f"]],
    ["echo x >| f", [">|", "write", "f"]],
    ["echo x &> f", ["&>", "write", "f"]],
    ["echo x &>> f", ["&>>", "write", "f"]],
    ["echo x >&f", [">&", "write", "f"]],
    ["echo x 2>&1", [">&", "fd", "1"]],
    ["echo x >&-", [">&-", "fd", ""]],
    ["cat 0<&3", ["<&", "fd", "3"]],
    ["cat < f", ["<", "read", "f"]],
    ["cat <<< hi", ["<<<", "input", "hi"]],
    ["cat <<-EOF\n\tx\n\tEOF", ["<<-", "input", ""]],
    ["echo x > /dev/null", [">", "fd", "/dev/null"]],
  ])("%s", (line, expected) => {
    expect(redirects(line)).toEqual([expected]);
  });

  it("takes a number glued to the operator as the descriptor, not an argument", () => {
    expect(argv("cat 0<&3")).toEqual([["cat"]]);
    expect(argv("echo 2 >f")).toEqual([["echo", "2"]]);
  });

  it("gives the command the words written after a redirection target", () => {
    expect(argv("echo > f b c")).toEqual([["echo", "b", "c"]]);
  });

  it("applies a compound command's redirections to everything inside", () => {
    const a = analyse("{ a; b; } > out");
    expect(a.commands.map((c) => c.writesFile)).toEqual([true, true]);
  });

  it("cannot parse `<>`, so the line is incomplete (and never allowed)", () => {
    expect(analyse("cat 3<>~/.bashrc").complete).toBe(false);
  });

  it("treats a glob or unknown target as an unknown path", () => {
    const [r] = analyse("echo x > *.log").commands[0]!.redirects;
    expect(r).toMatchObject({ effect: "write", targetUnknown: true });
    expect(analyse("echo x > $F").commands[0]!.redirects[0]).toMatchObject({
      effect: "write",
      targetUnknown: true,
    });
  });
});

describe("wrappers", () => {
  const inner = (line: string) =>
    analyse(line)
      .commands.filter((c) => c.via !== undefined)
      .map((c) => [c.via, c.text, c.argumentsAppended]);

  it.each([
    ["command rm x", [["command", "rm x", false]]],
    ["builtin cd x", [["builtin", "cd x", false]]],
    ["exec -a name rm x", [["exec", "rm x", false]]],
    ["nice -n 5 rm x", [["nice", "rm x", false]]],
    ["nohup rm x", [["nohup", "rm x", false]]],
    ["time -p rm x", [["time", "rm x", false]]],
    ["timeout -s KILL 5 rm x", [["timeout", "rm x", false]]],
    ["stdbuf -oL rm x", [["stdbuf", "rm x", false]]],
    ["env -i FOO=1 rm x", [["env", "FOO=1 rm x", false]]],
    ["sudo -u root rm x", [["sudo", "rm x", false]]],
    ["doas rm x", [["doas", "rm x", false]]],
    ["busybox rm x", [["busybox", "rm x", false]]],
    ["xargs -0 rm -f", [["xargs", "rm -f", true]]],
    [
      "find . -exec rm {} \\; -ok mv {} y +",
      [
        ["find", "rm {}", false],
        ["find", "mv {} y", true],
      ],
    ],
    [
      "bash -c 'rm x; ls'",
      [
        ["bash", "rm x", false],
        ["bash", "ls", false],
      ],
    ],
    ["sh -ec 'rm x'", [["sh", "rm x", false]]],
    [
      "eval 'rm x' '&&' ls",
      [
        ["eval", "rm x", false],
        ["eval", "ls", false],
      ],
    ],
    [
      "sudo nice bash -c 'rm x'",
      [
        ["sudo", "nice bash -c rm x", false],
        ["nice", "bash -c rm x", false],
        ["bash", "rm x", false],
      ],
    ],
  ])("%s", (line, expected) => {
    expect(inner(line)).toEqual(expected);
    expect(uncertain(line)).toBe(false);
  });

  it("marks transparent wrappers as not needing a rule themselves, sudo and find as needing one", () => {
    const must = (line: string) => analyse(line).commands.map((c) => c.mustBeAllowed);
    expect(must("timeout 5 rm x")).toEqual([false, true]);
    expect(must("sudo rm x")).toEqual([true, true]);
    expect(must("find . -exec rm {} \\;")).toEqual([true, true]);
    // With nothing to run, the wrapper is the command (and `exec > f` still writes).
    expect(must("exec > f")).toEqual([true]);
  });

  it.each([
    "$CMD x",
    "./$x",
    "r* x",
    "sudo $CMD",
    "timeout $T rm x",
    "env -S 'rm x'",
    'bash -c "$SCRIPT"',
    'eval "$X"',
    "xargs sh -c",
    "xargs -I{} {} x",
    "find . -exec rm {}",
    "find $DIR -delete",
    "find . -name *.ts",
    "nice --weird rm x",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell syntax, not a template
    "echo ${x:-$(id)}",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell syntax, not a template
    "echo ${a[$i]}",
    "(( x++ ))",
    "[[ -f x ]]",
    "coproc rm x",
  ])("%s is uncertain", (line) => {
    expect(uncertain(line)).toBe(true);
  });
});
