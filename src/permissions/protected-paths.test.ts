import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resolveForNonInteractive } from "./non-interactive.js";
import { createPermissionPolicy, type PolicyOptions } from "./policy.js";
import { ProtectedPaths } from "./protected-paths.js";
import type { PermissionMode, PermissionRequest } from "./types.js";

let base: string;
let root: string;
let home: string;
let configDir: string;

beforeEach(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), "quarry-protect-")));
  root = join(base, "project");
  home = join(base, "home");
  configDir = join(base, "custom-config");
  for (const dir of [join(root, ".git", "hooks"), join(root, "src"), join(home, ".ssh"), configDir]) {
    mkdirSync(dir, { recursive: true });
  }
  writeFileSync(join(root, ".git", "config"), "[core]\n");
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

function policy(options: Partial<PolicyOptions> = {}) {
  return createPermissionPolicy({
    mode: "acceptEdits",
    projectRoot: root,
    home,
    protectedDirectories: [configDir],
    ...options,
  });
}
const write = (...paths: string[]): PermissionRequest => ({
  tool: "Write",
  readOnly: false,
  target: { kind: "edit", paths },
});
const inRoot = (rel: string) => join(root, rel);

describe("protected paths", () => {
  const protectedWrites = [
    ".quarry/settings.local.json",
    ".claude/settings.json",
    ".git/config",
    ".git/hooks/pre-commit",
    ".git/objects/ab/cdef",
    ".git", // the gitdir pointer file of a worktree or submodule
    ".mcp.json",
    ".vscode/tasks.json",
    ".idea/workspace.xml",
    ".envrc",
    ".husky/pre-commit",
    "vendor/lib/.git/config", // a nested repository is just as dangerous
    "sub/.bashrc",
  ];
  it.each(protectedWrites)("%s asks even in acceptEdits mode, and says why", (rel) => {
    const decision = policy().decide(write(inRoot(rel)));
    expect(decision.behavior).toBe("ask");
    expect(decision.reason).toContain("protected path: ./");
    expect(decision.ask?.acceptEditsWouldAllow).toBe(false);
  });

  it("explains what a protected file can do", () => {
    expect(policy().decide(write(inRoot(".git/config"))).reason).toContain(
      "protected path: ./.git/config (git runs commands named in .git/config",
    );
    expect(policy().decide(write(inRoot(".quarry/settings.local.json"))).reason).toContain(
      "widen permissions",
    );
  });

  it("leaves ordinary files and look-alike names alone", () => {
    for (const rel of [
      "src/a.ts",
      ".github/workflows/ci.yml",
      ".gitignore",
      "git/config",
      "my.git/x",
      ".vscode-x",
    ]) {
      expect(policy().decide(write(inRoot(rel))).behavior, rel).toBe("allow");
    }
  });

  it("matches names case-insensitively, and ignores trailing dots and zero-width characters", () => {
    for (const rel of [
      ".GIT/config",
      ".Git/hooks/post-checkout",
      ".git./config",
      ".g\u200cit/config",
      ".BashRC",
    ]) {
      expect(policy().decide(write(inRoot(rel))).behavior, rel).toBe("ask");
    }
  });

  it("catches a symlink inside the project that leads into .git", () => {
    symlinkSync(join(root, ".git"), join(root, "innocent"));
    symlinkSync(join(root, ".git", "config"), join(root, "settings.ini"));
    const p = policy();
    const viaDir = p.decide(write(inRoot("innocent/config")));
    expect(viaDir.behavior).toBe("ask");
    expect(viaDir.reason).toContain("./.git/config");
    expect(p.decide(write(inRoot("settings.ini"))).behavior).toBe("ask");
    // The suggested rule names the real place, so approving it for the session actually works.
    expect(viaDir.ask?.suggestedRules).toEqual(["Edit(./.git/config)"]);
    p.addSessionRule("Edit(./.git/config)");
    expect(p.decide(write(inRoot("innocent/config"))).behavior).toBe("allow");
  });

  it("protects shell startup files, credential stores and the user's config directories", () => {
    const p = policy({ allow: ["Edit(~/**)", `Edit(${base}/**)`] });
    for (const path of [
      join(home, ".bashrc"),
      join(home, ".zshrc"),
      join(home, ".profile"),
      join(home, ".bash_profile"),
      join(home, ".zprofile"),
      join(home, ".config", "fish", "config.fish"),
      join(home, ".ssh", "authorized_keys"),
      join(home, ".aws", "credentials"),
      join(home, ".config", "quarry", "settings.json"),
      join(home, ".quarry", "settings.json"),
      join(home, ".claude", "settings.json"),
      join(configDir, "settings.json"),
    ]) {
      const decision = p.decide(write(path));
      expect(decision.behavior, path).toBe("ask");
      expect(decision.reason, path).toContain("protected path");
    }
    // The broad home rule still works for an ordinary file there.
    expect(p.decide(write(join(home, "notes.txt"))).behavior).toBe("allow");
  });

  it("broad allow rules do not open protected paths; a rule naming the path does", () => {
    for (const rule of ["Edit", "Write", "Edit(**)", "Edit(./**)", "Edit(.*/**)", "Edit(**/config)"]) {
      const decision = policy({ mode: "default", allow: [rule] }).decide(write(inRoot(".git/config")));
      expect(decision.behavior, rule).toBe("ask");
      expect(decision.reason, rule).toContain("Edit(**) do not cover them");
    }
    for (const rule of ["Edit(./.git/config)", "Edit(.git/hooks/**)", "Write(**/.git/**)"]) {
      const target = rule.includes("hooks") ? ".git/hooks/pre-push" : ".git/config";
      expect(policy({ mode: "default", allow: [rule] }).decide(write(inRoot(target))).behavior, rule).toBe(
        "allow",
      );
    }
    expect(policy({ allow: ["Edit(~/.bashrc)"] }).decide(write(join(home, ".bashrc"))).behavior).toBe(
      "allow",
    );
  });

  it("asks in bypassPermissions mode too; plan mode still refuses; deny rules still deny", () => {
    const modes: [PermissionMode, string][] = [
      ["default", "ask"],
      ["acceptEdits", "ask"],
      ["bypassPermissions", "ask"],
      ["plan", "deny"],
    ];
    for (const [mode, expected] of modes) {
      expect(policy({ mode }).decide(write(inRoot(".git/hooks/pre-commit"))).behavior, mode).toBe(expected);
    }
    const denied = policy({ mode: "bypassPermissions", deny: ["Edit(.git/**)"] }).decide(
      write(inRoot(".git/x")),
    );
    expect(denied).toMatchObject({ behavior: "deny", rule: "Edit(.git/**)" });
  });

  it("is denied in print mode with a reason saying why and how to allow it", () => {
    const decision = resolveForNonInteractive(policy().decide(write(inRoot(".quarry/settings.local.json"))));
    expect(decision.behavior).toBe("deny");
    expect(decision.reason).toContain("Protected path: ./.quarry/settings.local.json (Quarry settings");
    expect(decision.reason).toContain('--allowedTools "Edit(./.quarry/settings.local.json)"');
    expect(decision.reason).not.toContain("--permission-mode acceptEdits");
  });

  it("checks the files a Bash command writes, when the command analysis reports them", () => {
    const request: PermissionRequest = {
      tool: "Bash",
      readOnly: false,
      target: { kind: "bash", command: "echo x >> ~/.bashrc", writes: [join(home, ".bashrc")] },
    };
    const decision = policy({ mode: "bypassPermissions" }).decide(request);
    expect(decision.behavior).toBe("ask");
    expect(decision.ask?.summary).toBe("run `echo x >> ~/.bashrc`, which writes ~/.bashrc");
  });

  it("does not count names above the project root", () => {
    const nested = join(base, ".vscode", "extensions", "mine");
    mkdirSync(nested, { recursive: true });
    const p = createPermissionPolicy({ mode: "acceptEdits", projectRoot: nested, home });
    expect(p.decide(write(join(nested, "src", "a.ts"))).behavior).toBe("allow");
    expect(p.decide(write(join(nested, ".vscode", "tasks.json"))).behavior).toBe("ask");
  });
});

describe("ProtectedPaths.check", () => {
  it("reports the protected root and name", () => {
    const paths = new ProtectedPaths(home, [root]);
    expect(paths.check(inRoot(".git/hooks/pre-commit"))).toMatchObject({
      root: join(root, ".git"),
      name: ".git",
    });
    expect(paths.check(join(home, ".config", "fish", "conf.d", "x.fish"))).toMatchObject({ name: "fish" });
    expect(paths.check(inRoot("src/a.ts"))).toBeUndefined();
  });
});
