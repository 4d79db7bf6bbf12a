import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/index.js";
import { expandSlashPrompt, listCustomCommands, parseSlashPrompt } from "../../src/commands/index.js";
import { mainTurns, makeRepo, runCli, scriptedWorld, startWorld } from "../e2e/harness.js";

function write(root: string, files: Record<string, string>): void {
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(root, name, ".."), { recursive: true });
    writeFileSync(join(root, name), content);
  }
}

function folders(projectRoot: string) {
  const home = mkdtempSync(join(tmpdir(), "quarry-home-"));
  return { projectRoot, cwd: projectRoot, env: {}, home, userConfigDir: join(home, ".quarry") };
}

const noShell = {
  projectTrusted: true,
  runShell: async () => ({ ok: false, output: "no shell in this test" }),
};

describe("custom slash commands", () => {
  it("lists project and user commands with front matter, subfolders as namespaces", () => {
    const repo = makeRepo();
    const f = folders(repo);
    write(repo, {
      ".claude/commands/greet.md":
        "---\ndescription: Greet someone\nargument-hint: <name>\n---\nSay hello to $ARGUMENTS in French.\n",
      ".claude/commands/frontend/build.md":
        "---\nallowed-tools: Bash(npm run build), Read\nmodel: haiku\n---\nBuild it.\n",
      ".quarry/commands/greet.md": "---\ndescription: Quarry's greet wins\n---\nHi $1\n",
    });
    write(f.home, { ".claude/commands/mine.md": "My own command\n\nDo things." });
    const list = listCustomCommands(f);
    expect(list.map((c) => [c.name, c.scope, c.description])).toEqual([
      ["frontend:build", "project", "Build it."],
      ["greet", "project", "Quarry's greet wins"],
      ["mine", "user", "My own command"],
    ]);
    const build = list.find((c) => c.name === "frontend:build");
    expect(build?.allowedTools).toEqual(["Bash(npm run build)", "Read"]);
    expect(build?.model).toBe("haiku");
  });

  it("fills $ARGUMENTS, $1…, @file (inside the workspace only) and refuses unknown names", async () => {
    const repo = makeRepo({ "notes.txt": "remember the milk\n" });
    write(repo, {
      ".claude/commands/fix.md": "Fix issue $1 with priority $2 ($ARGUMENTS). See @notes.txt please.",
      ".claude/commands/leak.md": "Read @../outside.txt",
    });
    writeFileSync(join(repo, "..", "outside.txt"), "secret");
    const cmds = listCustomCommands(folders(repo));
    const opts = { ...noShell, workspace: repo, cwd: repo };
    const out = await expandSlashPrompt("/fix 123 high", cmds, opts);
    expect(out).toBe(
      "<command-message>fix</command-message>\n<command-name>/fix</command-name>\n<command-args>123 high</command-args>\n\n" +
        "Fix issue 123 with priority high (123 high). See @notes.txt\n```\nremember the milk\n``` please.",
    );
    await expect(expandSlashPrompt("/leak", cmds, opts)).rejects.toThrow(/outside the workspace/);
    await expect(expandSlashPrompt("/nope x", cmds, opts)).rejects.toThrow(
      "Unknown command /nope. Available commands: /fix, /leak.",
    );
    expect(await expandSlashPrompt("/usr/bin/env is broken", cmds, opts)).toBeUndefined();
    expect(parseSlashPrompt("/frontend:build now")).toEqual({ name: "frontend:build", args: "now" });
  });

  it("a project command's ! line runs nothing in an untrusted folder", async () => {
    const repo = makeRepo();
    write(repo, { ".claude/commands/st.md": "Status: !`touch ran`" });
    let ran = false;
    const opts = {
      workspace: repo,
      cwd: repo,
      projectTrusted: false,
      runShell: async () => {
        ran = true;
        return { ok: true, output: "" };
      },
    };
    await expect(expandSlashPrompt("/st", listCustomCommands(folders(repo)), opts)).rejects.toThrow(
      /untrusted folder/,
    );
    expect(ran).toBe(false);
  });
});

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const answer = scriptedWorld([{ turn: 1, reply: { content: [{ type: "text", text: "Bonjour Marie" }] } }]);
const firstUserText = (em: RunningEmulator): string => {
  const body = mainTurns(em)[0]?.body as { messages: { content: unknown }[] };
  const content = body.messages[0]?.content;
  return typeof content === "string"
    ? content
    : // The prompt's own block; reminders (the available subagents) come before it.
      ((content as { type: string; text?: string }[]).at(-1)?.text ?? "");
};

describe("slash commands through the CLI", () => {
  it('quarry -p "/greet Marie" sends the expanded command, not the literal', async () => {
    const started = await startWorld(answer);
    emulator = started.emulator;
    const repo = makeRepo();
    write(repo, { ".claude/commands/greet.md": "Say hello to $ARGUMENTS in French.\n" });
    const run = await runCli(["-p", "/greet Marie"], { cwd: repo, emulator, home: started.home });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Bonjour Marie");
    expect(firstUserText(emulator)).toBe(
      "<command-message>greet</command-message>\n<command-name>/greet</command-name>\n<command-args>Marie</command-args>\n\nSay hello to Marie in French.",
    );
  });

  it("an unknown command exits 2 listing the available ones, sending nothing", async () => {
    const started = await startWorld(answer);
    emulator = started.emulator;
    const repo = makeRepo();
    write(repo, { ".claude/commands/greet.md": "Say hello.\n" });
    const run = await runCli(["-p", "/gret Marie"], { cwd: repo, emulator, home: started.home });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Unknown command /gret. Available commands: /greet.");
    expect(mainTurns(emulator)).toHaveLength(0);
  });

  it("a ! line is permission-checked: denied in print mode unless allowed, then its output is inlined", async () => {
    const started = await startWorld(answer);
    emulator = started.emulator;
    const repo = makeRepo();
    write(repo, { ".claude/commands/st.md": "Branch files: !`touch ran.txt && echo listed`\n" });
    const denied = await runCli(["-p", "/st", "--trust-project"], {
      cwd: repo,
      emulator,
      home: started.home,
    });
    expect(denied.code).toBe(2);
    expect(denied.stderr).toContain("/st could not run `touch ran.txt && echo listed`");
    expect(existsSync(join(repo, "ran.txt"))).toBe(false);
    expect(mainTurns(emulator)).toHaveLength(0);

    const allowed = await runCli(["-p", "/st", "--trust-project", "--allowedTools", "Bash"], {
      cwd: repo,
      emulator,
      home: started.home,
    });
    expect(allowed.code).toBe(0);
    expect(existsSync(join(repo, "ran.txt"))).toBe(true);
    expect(firstUserText(emulator)).toContain("Branch files: listed");
  });
});
