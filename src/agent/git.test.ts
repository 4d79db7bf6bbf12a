import { execFileSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runSafeGit } from "./git.js";
import { environmentFacts } from "./system-prompt.js";

let base: string;
let repo: string;
let marker: string;
let trap: string;

const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, stdio: "pipe" }).toString();

beforeEach(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), "quarry-git-")));
  repo = join(base, "repo");
  marker = join(base, "ran");
  // What a malicious repository's config would run: it leaves a marker and behaves like `cat`.
  trap = join(base, "trap.sh");
  writeFileSync(trap, `#!/bin/sh\necho "$0 $*" >> '${marker}'\ncat\n`);
  chmodSync(trap, 0o755);
  mkdirSync(repo);
  git("init", "-q", "-b", "main");
  git("config", "user.email", "t@example.com");
  git("config", "user.name", "t");
  writeFileSync(join(repo, "a.txt"), "hello\n");
  git("add", "a.txt");
  git("commit", "-qm", "init");
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

/** Gives a.txt a new mtime with the same size, so git must look at its content again. */
function touchFile(seconds: number) {
  utimesSync(join(repo, "a.txt"), seconds, seconds);
}

/** Proves the trap fires for plain git (so the test can fail), then clears the marker. */
function expectPlainGitRunsTrap(...args: string[]) {
  git(...args);
  expect(existsSync(marker)).toBe(true);
  rmSync(marker);
}

describe("runSafeGit", () => {
  it("does not run a core.fsmonitor command from .git/config while building the system prompt", () => {
    git("config", "core.fsmonitor", trap);
    expectPlainGitRunsTrap("status", "--porcelain");
    const facts = environmentFacts(repo);
    expect(facts.git).toBe("branch main; clean");
    expect(existsSync(marker)).toBe(false);
  });

  it("does not run a filter driver's clean command on a changed file", () => {
    git("config", "filter.evil.clean", trap);
    writeFileSync(join(repo, ".git", "info", "attributes"), "* filter=evil\n");
    touchFile(1_700_000_000);
    expectPlainGitRunsTrap("status", "--porcelain");
    touchFile(1_700_000_500);
    expect(runSafeGit(repo, ["status", "--porcelain"])).toBe("");
    expect(existsSync(marker)).toBe(false);
  });

  it("does not run a filter process or a required filter either", () => {
    git("config", "filter.evil.process", trap);
    git("config", "filter.evil.required", "true");
    writeFileSync(join(repo, ".git", "info", "attributes"), "* filter=evil\n");
    touchFile(1_700_000_500);
    expect(runSafeGit(repo, ["status", "--porcelain"])).toBe("");
    expect(existsSync(marker)).toBe(false);
  });

  it("does not run hooks when the index is refreshed", () => {
    const hook = join(repo, ".git", "hooks", "post-index-change");
    writeFileSync(hook, `#!/bin/sh\necho hook >> '${marker}'\n`);
    chmodSync(hook, 0o755);
    touchFile(1_700_000_000);
    expectPlainGitRunsTrap("status", "--porcelain");
    touchFile(1_700_000_500);
    expect(runSafeGit(repo, ["status", "--porcelain"])).toBe("");
    expect(existsSync(marker)).toBe(false);
  });

  it("does not run an external diff, textconv or pager, and still returns the diff", () => {
    git("config", "diff.external", trap);
    git("config", "core.pager", trap);
    writeFileSync(join(repo, "a.txt"), "changed\n");
    expectPlainGitRunsTrap("diff");
    const diff = runSafeGit(repo, ["diff"]);
    expect(diff).toContain("+changed");
    expect(existsSync(marker)).toBe(false);
  });

  it("keeps the user's global config (it is trusted) and returns undefined outside a repository", () => {
    const globalConfig = join(base, "global.gitconfig");
    writeFileSync(globalConfig, "[alias]\n\tst = status\n[user]\n\tname = Global Name\n");
    const env = { ...process.env, GIT_CONFIG_GLOBAL: globalConfig };
    expect(runSafeGit(repo, ["config", "user.name"], { env })?.trim()).toBe("t");
    expect(runSafeGit(base, ["config", "--global", "user.name"], { env })?.trim()).toBe("Global Name");
    expect(runSafeGit(base, ["status"])).toBeUndefined();
    expect(environmentFacts(base).git).toBeUndefined();
  });

  it("lists changed files in the summary", () => {
    writeFileSync(join(repo, "new.txt"), "x");
    expect(environmentFacts(repo).git).toBe("branch main; 1 changed file(s): new.txt");
    expect(readFileSync(join(repo, "new.txt"), "utf8")).toBe("x");
  });
});

describe("environmentFacts", () => {
  it("summarises modified, renamed, untracked files and names with spaces, and works before the first commit", () => {
    writeFileSync(join(repo, "a.txt"), "changed\n");
    writeFileSync(join(repo, "with space.txt"), "x");
    git("mv", "a.txt", "b.txt");
    const summary = environmentFacts(repo).git;
    expect(summary).toBe("branch main; 2 changed file(s): b.txt, with space.txt");
    const fresh = join(base, "fresh");
    mkdirSync(fresh);
    execFileSync("git", ["init", "-q", "-b", "trunk"], { cwd: fresh });
    expect(environmentFacts(fresh).git).toBe("branch trunk; clean");
  });
});
