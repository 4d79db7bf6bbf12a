import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/index.js";
import { listSkills, skillsReminder } from "../../src/skills/index.js";
import { createToolContext } from "../../src/tools/index.js";
import { createSkillTool } from "../../src/tools/skill.js";
import { mainTurns, makeRepo, runCli, scriptedWorld, startWorld, text, tool } from "../e2e/harness.js";

function write(root: string, files: Record<string, string>): void {
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(root, name, ".."), { recursive: true });
    writeFileSync(join(root, name), content);
  }
}

const PDF_SKILL =
  "---\nname: pdf-notes\ndescription: Turn a PDF into study notes. Use when the user gives a PDF.\n---\n" +
  "# PDF notes\n\nRun `python scripts/extract.py <file>` from the base directory, then summarise.\n";

function folders(projectRoot: string, projectTrusted: boolean) {
  const home = mkdtempSync(join(tmpdir(), "quarry-home-"));
  return {
    projectRoot,
    cwd: projectRoot,
    env: {},
    home,
    userConfigDir: join(home, ".quarry"),
    projectTrusted,
  };
}

describe("skill discovery", () => {
  it("finds project and user skills with their front matter; the project's wins a name clash", () => {
    const repo = makeRepo();
    write(repo, {
      ".claude/skills/pdf-notes/SKILL.md": PDF_SKILL,
      ".claude/skills/pdf-notes/scripts/extract.py": "print('x')\n",
      ".claude/skills/plain/SKILL.md": "Format tables the house way.\n",
    });
    const f = folders(repo, true);
    write(f.home, {
      ".claude/skills/mine/SKILL.md": "---\ndescription: My own\n---\nBody\n",
      ".claude/skills/pdf-notes/SKILL.md": "---\ndescription: loses\n---\nno\n",
    });
    const skills = listSkills(f);
    expect(skills.map((s) => [s.name, s.scope, s.description])).toEqual([
      ["mine", "user", "My own"],
      ["pdf-notes", "project", "Turn a PDF into study notes. Use when the user gives a PDF."],
      ["plain", "project", "Format tables the house way."],
    ]);
    const pdf = skills.find((s) => s.name === "pdf-notes")!;
    expect(pdf.baseDir).toBe(join(repo, ".claude", "skills", "pdf-notes"));
    expect(pdf.body).toBe(
      "# PDF notes\n\nRun `python scripts/extract.py <file>` from the base directory, then summarise.",
    );
    expect(skillsReminder(skills)).toBe(
      "<system-reminder>\nThe following skills are available for use with the Skill tool:\n\n" +
        "- mine: My own\n- pdf-notes: Turn a PDF into study notes. Use when the user gives a PDF.\n" +
        "- plain: Format tables the house way.\n</system-reminder>",
    );
  });

  it("leaves out an untrusted project's skills with a warning that says how to trust it", () => {
    const repo = makeRepo();
    write(repo, { ".claude/skills/pdf-notes/SKILL.md": PDF_SKILL });
    const warnings: string[] = [];
    expect(listSkills(folders(repo, false), warnings)).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("ignored 1 skill");
    expect(warnings[0]).toContain(`quarry trust ${repo}`);
  });

  it("names the file whose front matter does not parse, and keeps the others", () => {
    const repo = makeRepo();
    write(repo, {
      ".claude/skills/bad/SKILL.md": "---\ndescription: [unclosed\n---\nx\n",
      ".claude/skills/pdf-notes/SKILL.md": PDF_SKILL,
    });
    const warnings: string[] = [];
    expect(listSkills(folders(repo, true), warnings).map((s) => s.name)).toEqual(["pdf-notes"]);
    expect(warnings[0]).toMatch(
      /bad\/SKILL\.md: the front matter is not valid YAML.*the bad skill is not available/,
    );
  });
});

describe("the Skill tool", () => {
  const repo = makeRepo();
  write(repo, { ".claude/skills/pdf-notes/SKILL.md": PDF_SKILL });
  const skillTool = createSkillTool(listSkills(folders(repo, true)));
  const ctx = createToolContext({ cwd: repo });

  it("returns the launch line and the body with its base directory as follow-up text", async () => {
    const result = await skillTool.run({ skill: "pdf-notes", args: "paper.pdf" }, ctx);
    expect(result.isError).toBeFalsy();
    expect(result.content).toBe("Launching skill: pdf-notes");
    expect(result.followUp).toBe(
      `Base directory for this skill: ${join(repo, ".claude/skills/pdf-notes")}\n\n# PDF notes\n\n` +
        "Run `python scripts/extract.py <file>` from the base directory, then summarise.\n\nARGUMENTS: paper.pdf",
    );
  });

  it("an unknown skill is an error naming the available ones", async () => {
    const result = await skillTool.run({ skill: "pdf" }, ctx);
    expect(result).toEqual({ content: 'Unknown skill "pdf". Available skills: pdf-notes.', isError: true });
  });
});

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

type Body = {
  messages: { role: string; content: string | { type: string; text?: string; content?: unknown }[] }[];
};
const bodyOf = (em: RunningEmulator, i: number) => mainTurns(em)[i]?.body as Body;
const blocks = (content: Body["messages"][number]["content"]) =>
  typeof content === "string" ? [{ type: "text", text: content }] : content;

describe("skills through the CLI", () => {
  it("announces pdf-notes in the first request and the Skill call returns its body", async () => {
    const world = scriptedWorld([
      { turn: 1, reply: { content: [tool("Skill", { skill: "pdf-notes" })] } },
      { turn: 2, reply: { content: [text("Notes ready.")] } },
    ]);
    const started = await startWorld(world);
    emulator = started.emulator;
    const repo = makeRepo();
    write(repo, { ".claude/skills/pdf-notes/SKILL.md": PDF_SKILL });
    const run = await runCli(["-p", "make notes from paper.pdf", "--trust-project"], {
      cwd: repo,
      emulator,
      home: started.home,
    });
    expect(run.stderr).not.toContain("error");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Notes ready.");

    const first = bodyOf(emulator, 0) as Body & { system: { text: string }[]; tools: { name: string }[] };
    const opening = blocks(first.messages[0]!.content);
    expect(opening[0]?.text).toContain(
      "The following skills are available for use with the Skill tool:\n\n- pdf-notes: Turn a PDF into study notes.",
    );
    expect(opening.at(-1)?.text).toBe("make notes from paper.pdf");
    expect(JSON.stringify(first.system)).not.toContain("pdf-notes");
    expect(first.tools.map((t) => t.name)).toContain("Skill");

    const second = bodyOf(emulator, 1);
    const reply = blocks(second.messages.at(-1)!.content);
    expect(reply[0]).toMatchObject({ type: "tool_result", content: "Launching skill: pdf-notes" });
    expect(reply[1]?.type).toBe("text");
    expect(reply[1]?.text).toContain(
      `Base directory for this skill: ${join(repo, ".claude/skills/pdf-notes")}`,
    );
    expect(reply[1]?.text).toContain("Run `python scripts/extract.py <file>`");
    expect(reply[1]?.text).not.toContain("description:");
  });

  it("an untrusted folder's skills are neither announced nor offered, and stderr says why", async () => {
    const started = await startWorld(scriptedWorld([{ turn: 1, reply: { content: [text("ok")] } }]));
    emulator = started.emulator;
    const repo = makeRepo();
    write(repo, { ".claude/skills/pdf-notes/SKILL.md": PDF_SKILL });
    const run = await runCli(["-p", "hi"], { cwd: repo, emulator, home: started.home });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("ignored 1 skill");
    const first = bodyOf(emulator, 0) as Body & { tools: { name: string }[] };
    expect(JSON.stringify(first.messages)).not.toContain("pdf-notes");
    expect(first.tools.map((t) => t.name)).not.toContain("Skill");
  });
});
