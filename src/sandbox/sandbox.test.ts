import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPermissionPolicy } from "../permissions/index.js";
import { createBashTool } from "../tools/bash.js";
import { createToolContext } from "../tools/context.js";
import type { ToolContext } from "../tools/types.js";
import { probeSandbox } from "./probe.js";
import { SessionSandbox } from "./session-sandbox.js";

// Real bubblewrap. Fixtures live outside /tmp on purpose: the sandbox gives every command a fresh /tmp, so a
// secret or target under /tmp would be out of reach for that reason alone and prove nothing.
const availability = await probeSandbox();
const skipReason = availability.ok ? undefined : `bubblewrap unavailable: ${availability.reason}`;
if (skipReason) console.warn(`[sandbox tests skipped] ${skipReason}`);

const base = join(process.cwd(), "node_modules", ".cache");
const SECRET = "aws_secret_access_key = FIXTURE-SECRET-7f3a9c";
let root: string;
let ws: string;
let home: string;
let outside: string;
let sandbox: SessionSandbox;

beforeAll(async () => {
  mkdirSync(base, { recursive: true });
  root = mkdtempSync(join(base, "sandbox-test-"));
  ws = join(root, "ws");
  home = join(root, "home");
  outside = join(root, "outside");
  for (const d of [ws, join(home, ".aws"), outside]) mkdirSync(d, { recursive: true });
  writeFileSync(join(home, ".aws", "credentials"), `[default]\n${SECRET}\n`);
  execFileSync("git", ["init", "-q"], { cwd: ws });
  ({ sandbox } = await SessionSandbox.open({ mode: "on", layout: { roots: [ws], home, env: {} } }));
});

afterAll(() => {
  sandbox?.close();
  rmSync(root, { recursive: true, force: true });
});

function context(options: { sandboxed: boolean; env?: Record<string, string> }): ToolContext {
  const ctx = createToolContext({ cwd: ws, env: { HOME: home, ...options.env } });
  return options.sandboxed ? { ...ctx, sandbox } : ctx;
}

async function bash(command: string, sandboxed = true, env?: Record<string, string>) {
  return createBashTool().run({ command }, context({ sandboxed, env }));
}

describe.skipIf(skipReason)("Bash inside the bubblewrap sandbox", () => {
  it("writes in the workspace, and keeps the working directory across calls", async () => {
    const ctx = context({ sandboxed: true });
    const tool = createBashTool();
    const first = await tool.run({ command: "mkdir -p sub && cd sub && echo made > inside.txt" }, ctx);
    expect(first.isError).toBe(false);
    expect(readFileSync(join(ws, "sub", "inside.txt"), "utf8")).toBe("made\n");
    const second = await tool.run({ command: "pwd" }, ctx);
    expect(second.content).toContain(join(ws, "sub"));
  });

  it("cannot write outside the workspace: the command fails and no file appears", async () => {
    const target = join(outside, "escaped.txt");
    const result = await bash(`echo pwned > ${target}`);
    expect(result.isError).toBe(true);
    // Read-only where the target's folder is visible; absent where it lies under /tmp (the sandbox's /tmp is
    // private), as when the checkout itself is under /tmp. Either way the write fails and nothing appears.
    expect(result.content).toMatch(/Read-only file system|No such file or directory/);
    expect(existsSync(target)).toBe(false);
    // The same command unsandboxed does write: the test can fail.
    await bash(`echo control > ${target}`, false);
    expect(existsSync(target)).toBe(true);
    rmSync(target);
  });

  it("cannot read credential stores in the home directory", async () => {
    const sandboxed = await bash("cat ~/.aws/credentials; ls -a ~/.aws");
    expect(sandboxed.content).not.toContain("FIXTURE-SECRET");
    const plain = await bash("cat ~/.aws/credentials", false);
    expect(plain.content).toContain("FIXTURE-SECRET");
  });

  it("does not pass credential environment variables into the sandbox", async () => {
    const env = {
      AWS_SECRET_ACCESS_KEY: "ENV-SECRET-41d2",
      GITHUB_TOKEN: "ghp_ENVTOKEN",
      HARMLESS: "visible",
    };
    const result = await bash("env", true, env);
    expect(result.content).not.toContain("ENV-SECRET-41d2");
    expect(result.content).not.toContain("ghp_ENVTOKEN");
    expect(result.content).toContain("HARMLESS=visible");
  });

  it("has no network: a 127.0.0.1 listener opened by the test sees no connection", async () => {
    let connections = 0;
    const server: Server = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const sandboxed = await bash(`echo hello > /dev/tcp/127.0.0.1/${port}`);
      expect(sandboxed.isError).toBe(true);
      expect(sandboxed.content).toMatch(/Connection refused|Network is unreachable/);
      expect(connections).toBe(0);
      const plain = await bash(`echo hello > /dev/tcp/127.0.0.1/${port}`, false);
      expect(plain.isError).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(connections).toBe(1);
    } finally {
      server.close();
    }
  });

  it("leaves .git/config unchanged, even through renaming .git away", async () => {
    const config = join(ws, ".git", "config");
    const before = readFileSync(config, "utf8");
    const attempts = [
      "printf '[core]\\n\\tfsmonitor = touch /tmp/owned\\n' >> .git/config",
      "mv .git .git-old && mkdir .git && echo evil > .git/config",
      "rm -rf .git/hooks && mkdir .git/hooks && echo evil > .git/hooks/pre-commit",
      "cp .git/config /tmp/c && echo evil >> /tmp/c && mv -f /tmp/c .git/config",
    ];
    for (const command of attempts) await bash(command);
    expect(readFileSync(config, "utf8")).toBe(before);
    expect(existsSync(join(ws, ".git-old"))).toBe(false);
    expect(existsSync(join(ws, ".git", "hooks", "pre-commit"))).toBe(false);
    // git itself still works inside (objects, index, refs are writable).
    const git = await bash(
      "git add -A && git -c user.name=t -c user.email=t@t commit -qm x && git log --oneline",
    );
    expect(git.isError).toBe(false);
  });

  it("cannot create protected paths that do not exist yet, and leaves no placeholder behind", async () => {
    await bash(
      'mkdir -p .quarry && echo \'{"permissions":{"allow":["Bash"]}}\' > .quarry/settings.local.json; echo \'{}\' > .mcp.json',
    );
    expect(existsSync(join(ws, ".quarry"))).toBe(false);
    expect(existsSync(join(ws, ".mcp.json"))).toBe(false);
    const status = await bash("git status --short --untracked-files=all");
    expect(status.content).not.toContain(".quarry");
  });

  it("ends background jobs with the command (its own pid namespace)", async () => {
    const result = await bash(`sleep 30 & echo "bg $!"`);
    expect(result.content).toMatch(/bg \d+/);
    const left = execFileSync("ps", ["-eo", "args"], { encoding: "utf8" });
    expect(left.split("\n").filter((l) => l.trim() === "sleep 30")).toHaveLength(0);
  });
});

describe.skipIf(skipReason)("the sandbox's say on permissions", () => {
  const policy = (mode: "on" | "ask", extra: { deny?: string[]; mode?: "default" | "plan" } = {}) =>
    SessionSandbox.open({ mode, layout: { roots: [ws], home, env: {} } }).then(({ sandbox }) =>
      createPermissionPolicy({
        mode: extra.mode ?? "default",
        deny: extra.deny,
        projectRoot: ws,
        home,
        sandbox,
      }),
    );
  const bashCall = (command: string) => ({
    tool: "Bash",
    readOnly: false,
    target: { kind: "bash" as const, command },
  });

  it("on: a command that would ask runs without asking, and says why", async () => {
    const decision = (await policy("on")).decide(bashCall("npm test"));
    expect(decision.behavior).toBe("allow");
    expect(decision.reason).toContain("inside the sandbox");
  });

  it("on: deny rules still win, plan mode still refuses, protected paths still ask", async () => {
    expect((await policy("on", { deny: ["Bash(rm:*)"] })).decide(bashCall("rm -rf src")).behavior).toBe(
      "deny",
    );
    expect((await policy("on", { mode: "plan" })).decide(bashCall("npm test")).behavior).toBe("deny");
    const protectedCall = (await policy("on")).decide(bashCall("echo x >> .git/config"));
    expect(protectedCall.behavior).toBe("ask");
    expect(protectedCall.reason).toContain("protected path .git");
    expect((await policy("on")).decide(bashCall("cat .gitignore")).behavior).toBe("allow");
  });

  it("ask: prompts stay, and the prompt says the command will be sandboxed", async () => {
    const decision = (await policy("ask")).decide(bashCall("npm test"));
    expect(decision.behavior).toBe("ask");
    expect(decision.reason).toContain("it will run inside the sandbox");
  });
});

describe.skipIf(skipReason)("/sandbox for the session", () => {
  it("turns the sandbox on and off, and the status says what holds", async () => {
    const { sandbox: toggled } = await SessionSandbox.open({
      mode: "off",
      layout: { roots: [ws], home, env: {} },
    });
    expect(toggled.active).toBe(false);
    expect(toggled.status()).toContain("Sandbox: off.");
    const on = await toggled.setMode("on");
    expect(toggled.active).toBe(true);
    expect(on).toContain("Sandbox: on (from /sandbox).");
    expect(on).toContain("no network");
    await toggled.setMode("off");
    expect(toggled.reviewBash({ behavior: "ask", reason: "r" }, "npm test").behavior).toBe("ask");
  });
});

describe("when the sandbox cannot start", () => {
  it("warns once, runs nothing sandboxed, and Bash asks as usual", async () => {
    const { sandbox: broken, warning } = await SessionSandbox.open({
      mode: "on",
      layout: { roots: [process.cwd()], home: process.cwd(), env: {} },
      probe: { bwrap: "/nonexistent/bwrap" },
    });
    expect(warning).toMatch(/cannot start: bubblewrap \(\/nonexistent\/bwrap\) was not found/);
    expect(warning).toContain("ask for permission instead");
    expect(broken.active).toBe(false);
    const policy = createPermissionPolicy({
      mode: "default",
      projectRoot: process.cwd(),
      home: "/h",
      sandbox: broken,
    });
    const decision = policy.decide({
      tool: "Bash",
      readOnly: false,
      target: { kind: "bash", command: "npm test" },
    });
    expect(decision.behavior).toBe("ask");
    expect(broken.status()).toContain("Not available");
  });

  it("reports an unknown platform instead of pretending", async () => {
    const result = await probeSandbox({ platform: "win32" });
    expect(result).toEqual({ ok: false, reason: expect.stringContaining("win32") });
  });
});
