import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { closeAll, quarry, worldWith } from "./harness.js";

const HAIKU_45 = "us.anthropic.claude-haiku-4-5-20251001-v1:0";
const HAIKU_55 = "us.anthropic.claude-haiku-5-5";
const SONNET_46 = "us.anthropic.claude-sonnet-4-6";

afterAll(closeAll);

/** The seeds' account: Sonnet enabled, Haiku 4.5 (Claude Code's hidden side model) not. */
const haikuDenied = () =>
  worldWith((w) => {
    w.models!.find((m) => m.modelId === "anthropic.claude-haiku-4-5-20251001-v1:0")!.access = {
      authorized: false,
      useCaseSubmitted: true,
      marketplaceAgreement: true,
    };
  });

const userSettings = JSON.stringify({ env: { ANTHROPIC_MODEL: SONNET_46 }, theme: "dark" }, null, 2);

describe("quarry doctor --for claude-code", () => {
  it("predicts the hidden Haiku call, shows its 403 and prints the env lines with an enabled model", async () => {
    const r = await quarry(["doctor", "--for", "claude-code"], {
      world: haikuDenied(),
      files: { ".claude/settings.json": userSettings },
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`~/.claude/settings.json env.ANTHROPIC_MODEL`);
    expect(r.stdout).toMatch(/✓ Claude Code main model: .*us\.anthropic\.claude-sonnet-4-6/);
    expect(r.stdout).toContain(`Claude Code's hidden Haiku call to ${HAIKU_45} gets HTTP 403`);
    expect(r.stdout).toContain("You don't have access to the model with the specified model ID.");
    expect(r.stdout).toContain(`ANTHROPIC_DEFAULT_HAIKU_MODEL=${HAIKU_55}`);
    expect(r.stdout).toContain(`ANTHROPIC_SMALL_FAST_MODEL=${HAIKU_55}`);
    // The probes really went to the account: the denied Haiku is in the emulator log with its 403.
    const haiku = r.emulator.log.filter((e) => e.modelId === HAIKU_45);
    expect(haiku.length).toBeGreaterThan(0);
    expect(haiku.every((e) => e.status === 403)).toBe(true);
  });

  it("--json carries the predictions and the env lines", async () => {
    const r = await quarry(["doctor", "--for", "claude-code", "--json"], {
      world: haikuDenied(),
      files: { ".claude/settings.json": userSettings },
    });
    const doc = JSON.parse(r.stdout) as {
      ok: boolean;
      claudeCode: {
        region: string;
        env: Record<string, string>;
        predicted: { role: string; ids: string[]; uses: string | null }[];
      };
    };
    expect(doc.ok).toBe(false);
    expect(doc.claudeCode.region).toBe("us-east-1");
    const side = doc.claudeCode.predicted.find((p) => p.role === "side")!;
    expect(side.ids[0]).toBe(HAIKU_45);
    expect(side.uses).toBeNull();
    expect(doc.claudeCode.env).toMatchObject({ ANTHROPIC_DEFAULT_HAIKU_MODEL: HAIKU_55 });
  });

  it("everything enabled: nothing to change, exit 0", async () => {
    const r = await quarry(["doctor", "--for", "claude-code"], {
      files: { ".claude/settings.json": userSettings },
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Env lines that make it work: nothing to change");
  });

  it("an unknown --for value is a usage error that names the one known tool", async () => {
    const r = await quarry(["doctor", "--for", "cursor"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--for cursor is not known; the one tool doctor checks is claude-code");
  });
});

describe("quarry doctor --fix", () => {
  it("--yes writes the side model into ~/.claude/settings.json, keeps the rest, and the next run passes", async () => {
    const r = await quarry(["doctor", "--for", "claude-code", "--fix", "--yes"], {
      world: haikuDenied(),
      files: { ".claude/settings.json": userSettings },
    });
    expect(r.stdout).toContain(`+    "ANTHROPIC_DEFAULT_HAIKU_MODEL": "${HAIKU_55}"`);
    expect(r.stdout).toContain("Wrote ");
    expect(r.code).toBe(0);
    const path = join(r.home, ".claude", "settings.json");
    const written = JSON.parse(readFileSync(path, "utf8")) as { env: Record<string, string>; theme: string };
    expect(written.theme).toBe("dark");
    expect(written.env.ANTHROPIC_MODEL).toBe(SONNET_46);
    expect(written.env.ANTHROPIC_DEFAULT_HAIKU_MODEL).toBe(HAIKU_55);
    const again = await quarry(["doctor", "--for", "claude-code"], { emulator: r.emulator, home: r.home });
    expect(again.stdout).toMatch(/✓ Claude Code small\/fast \(Haiku\) model: .*claude-haiku-5-5/);
    expect(again.code).toBe(0);
  });

  it("without a terminal and without --yes: prints the diff, writes nothing, exits 1 saying to re-run with --yes", async () => {
    const r = await quarry(["doctor", "--for", "claude-code", "--fix"], {
      world: haikuDenied(),
      files: { ".claude/settings.json": userSettings },
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('+    "ANTHROPIC_DEFAULT_HAIKU_MODEL"');
    expect(r.stderr).toContain("re-run with --yes");
    expect(readFileSync(join(r.home, ".claude", "settings.json"), "utf8")).toBe(userSettings);
  });

  it("never touches a settings file it can't round-trip (comments): the file is unchanged, the lines are given", async () => {
    const withComment = `{\n  // mine\n  "env": { "ANTHROPIC_MODEL": "${SONNET_46}" }\n}\n`;
    const r = await quarry(["doctor", "--for", "claude-code", "--fix", "--yes"], {
      world: haikuDenied(),
      files: { ".claude/settings.json": withComment },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("not changed because it is not plain JSON");
    expect(r.stderr).toContain(`"ANTHROPIC_DEFAULT_HAIKU_MODEL": "${HAIKU_55}"`);
    expect(readFileSync(join(r.home, ".claude", "settings.json"), "utf8")).toBe(withComment);
  });
});
