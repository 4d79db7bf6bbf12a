// Named ways to smuggle a command or a write past Bash allow rules. Each must ask (never allow); the
// legitimate commands next to them must still be allowed, so the table cannot pass by asking for everything.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPermissionPolicy } from "./policy.js";
import { prepareShellAnalysis } from "./shell.js";

beforeAll(prepareShellAnalysis);
const base = mkdtempSync(join(tmpdir(), "quarry-bypass-"));
mkdirSync(join(base, "project"));
afterAll(() => rmSync(base, { recursive: true, force: true }));

const policy = createPermissionPolicy({
  mode: "default",
  allow: [
    "Bash(echo:*)",
    "Bash(git status)",
    "Bash(npm test:*)",
    "Bash(cat:*)",
    "Bash(find:*)",
    "Bash(ls *)",
  ],
  deny: [],
  projectRoot: join(base, "project"),
  home: join(base, "home"),
});
const decide = (command: string) =>
  policy.decide({ tool: "Bash", readOnly: false, target: { kind: "bash", command } });

describe("named bypasses ask", () => {
  it.each([
    ["ANSI-C escaped quote hiding a chain (issue 9)", "echo $'\\'' && touch MARK #'"],
    ["ANSI-C escaped backslash the grammar reads as open", "echo $'\\\\' ; touch MARK ; # '"],
    ["read-write redirect onto a shell rc file (issue 9)", "cat 3<>~/.bashrc"],
    ["read-write redirect on stdout", "echo x 1<> ~/.bashrc"],
    ["clobber redirect", "echo x >| ~/.bashrc"],
    ["both streams appended", "echo x &>> ~/.bashrc"],
    ["stdout duplicated into a file", "echo x >&~/.bashrc"],
    ["redirect hidden in a compound command", "{ echo x; } > ~/.bashrc"],
    ["exact rule plus a redirect", "git status > ~/.bashrc"],
    ["exact rule plus an input file", "git status < ~/.ssh/id_rsa"],
    ["line continuation turning # into a word", "echo x\\\n#; touch MARK"],
    ["escaped space before #", "echo \\ #; touch MARK"],
    ["carriage return before #", "echo x\r#; touch MARK"],
    ["here-doc piped to a shell", "cat <<EOF | sh\ntouch MARK\nEOF"],
    ["here-doc chained", "cat <<'EOF' && touch MARK\nx\nEOF"],
    ["here-doc with a substitution", "cat <<EOF\n$(touch MARK)\nEOF"],
    ["process substitution", "cat <(touch MARK)"],
    ["output process substitution", "echo x > >(sh)"],
    ["arithmetic expansion", "echo $((`touch MARK`))"],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell syntax, not a template
    ["parameter expansion with a default", "echo ${x:-$(touch MARK)}"],
    ["function shadowing an allowed command", "echo() { touch MARK; }; echo hi"],
    ["variable as command", "$CMD MARK"],
    ["assignment then allowed command", "PATH=.:$PATH npm test"],
    ["env prefix through env", "env PATH=. npm test"],
    ["wrapper running another command", "timeout 5 touch MARK"],
    ["find -exec", "find . -exec touch MARK \\;"],
    ["find -fprint writes", "find . -fprint ~/.bashrc"],
    ["xargs running a shell", "echo MARK | xargs sh -c"],
    ["sh -c", "bash -c 'touch MARK'"],
    ["eval", "eval 'touch MARK'"],
    ["exec with a redirect", "exec 1>~/.bashrc"],
    ["brace expansion as a command", "{touch,MARK}"],
    ["glob as a command", "/usr/bin/tou?h MARK"],
    ["background then chain", "npm test & touch MARK"],
    ["pipeline into a shell", "echo touch MARK | sh"],
    ["subshell", "(touch MARK)"],
    ["unclosed quote", "echo 'touch MARK"],
  ])("%s: %j", (_name, command) => {
    expect(decide(command).behavior).toBe("ask");
  });
});

describe("ordinary commands stay allowed", () => {
  it.each([
    "echo $'a\\'b'",
    "echo \"a && b\" 'c; d'",
    "echo hi 2>&1",
    "echo hi > /dev/null",
    "npm test -- --run src && git status",
    "timeout 60 npm test",
    "find . -name '*.ts' -exec cat {} +",
    "ls *.ts | cat",
    "cat <<'EOF'\n$(not run)\nEOF",
    "echo $HOME",
  ])("%j", (command) => {
    expect(decide(command).behavior).toBe("allow");
  });
});

describe("deny rules that may match only at run time", () => {
  const allowAll = (mode: "default" | "bypassPermissions") =>
    createPermissionPolicy({
      mode,
      allow: ["Bash"],
      deny: ["Bash(rm -rf:*)"],
      projectRoot: join(base, "project"),
      home: join(base, "home"),
    });
  it.each([
    "rm $FLAGS /",
    "$CMD -rf /",
    'eval "$X"',
    "echo 'oops",
  ])("ask for %j even with a bare Bash rule or bypassPermissions", (command) => {
    for (const mode of ["default", "bypassPermissions"] as const) {
      const decision = allowAll(mode).decide({
        tool: "Bash",
        readOnly: false,
        target: { kind: "bash", command },
      });
      expect(decision.behavior, mode).toBe("ask");
      expect(decision.reason).toContain("a deny rule may apply once it runs");
    }
  });
  it("still allow what no deny rule can match", () => {
    const decision = allowAll("bypassPermissions").decide({
      tool: "Bash",
      readOnly: false,
      target: { kind: "bash", command: "echo $HOME && rmdir x" },
    });
    expect(decision.behavior).toBe("allow");
  });
});
