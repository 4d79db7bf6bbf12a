import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { makeRepo, runCli, startWorld } from "../e2e/harness.js";

const started: { close: () => Promise<void> }[] = [];
afterAll(async () => {
  await Promise.all(started.map((e) => e.close()));
});

async function world() {
  const s = await startWorld();
  started.push(s.emulator);
  return s;
}

const line = (o: object) => `${JSON.stringify(o)}\n`;
const usage = (t: string, model: string, costUsd: number, inputTokens = 100) =>
  line({
    t,
    type: "usage",
    model,
    usage: { inputTokens, outputTokens: 10, cacheCreationInputTokens: 0, cacheReadInputTokens: 5 },
    costUsd,
  });

describe("quarry cost", () => {
  it("groups the transcripts' spend by day, project, region, profile and model; --since filters", async () => {
    const { emulator, home } = await world();
    const dir = join(home, ".quarry-data", "sessions", "proj-abc");
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, "s1.jsonl"),
      line({
        type: "session",
        id: "s1",
        projectRoot: "/src/shop",
        createdAt: "2026-11-01T10:00:00Z",
        version: 1,
      }) +
        line({
          t: "2026-11-01T10:00:01Z",
          type: "session_start",
          sessionId: "s1",
          model: "x",
          region: "eu-west-1",
          cwd: "/src/shop",
        }) +
        usage("2026-11-01T10:00:02Z", "eu.anthropic.claude-sonnet-4-6", 0.5) +
        usage("2026-11-01T11:00:02Z", "eu.anthropic.claude-sonnet-4-6", 0.25) +
        usage("2026-11-03T09:00:00Z", "anthropic.claude-3-haiku-20240307-v1:0", 0.125) +
        "{torn line",
    );
    const table = await runCli(["cost"], { cwd: makeRepo(), emulator, home });
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(
      /2026-11-01 +\/src\/shop +eu-west-1 +eu\.anthropic\.claude-sonnet-4-6 +anthropic\.claude-sonnet-4-6 +2 +200 +20 +0 +10 +0\.7500/,
    );
    expect(table.stdout).toMatch(/2026-11-03 .* on-demand +anthropic\.claude-3-haiku-20240307-v1:0 +1 /);
    expect(table.stdout).toContain("Total: 3 calls, $0.8750");

    const json = await runCli(["cost", "--json", "--since", "2026-11-02"], {
      cwd: makeRepo(),
      emulator,
      home,
    });
    const doc = JSON.parse(json.stdout) as { rows: { day: string; costUsd: number }[]; totalUsd: number };
    expect(doc.rows.map((r) => r.day)).toEqual(["2026-11-03"]);
    expect(doc.totalUsd).toBe(0.125);

    const bad = await runCli(["cost", "--since", "last week"], { cwd: makeRepo(), emulator, home });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      "--since last week is not a date: give a day (2026-11-01) or a number of days back (7d)",
    );
  });
});

describe("quarry profiles", () => {
  it("creates a tagged application profile, lists it with its tags, and runs a prompt through it by name", async () => {
    const { emulator, home } = await world();
    const cwd = makeRepo();
    const made = await runCli(
      ["profiles", "create", "--model", "sonnet", "--name", "team-a", "--tag", "team=payments", "--json"],
      { cwd, emulator, home },
    );
    expect(made.code).toBe(0);
    const created = JSON.parse(made.stdout) as { arn: string; copiedFrom: string };
    expect(created.arn).toMatch(
      /^arn:aws:bedrock:us-east-1:123456789012:application-inference-profile\/[a-z0-9]{12}$/,
    );
    expect(created.copiedFrom).toBe(
      "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-6",
    );

    const list = await runCli(["profiles", "list"], { cwd, emulator, home });
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(`team-a  ${created.arn}`);
    expect(list.stdout).toContain("tags team=payments");
    const ops = emulator.log.map((e) => e.operation ?? e.notes.operation);
    expect(ops).toContain("CreateInferenceProfile");
    expect(ops).toContain("ListTagsForResource");

    const run = await runCli(["-p", "hi", "--model", "team-a"], { cwd, emulator, home });
    expect(run.code).toBe(0);
    const runtime = emulator.log.filter(
      (e) => e.service === "bedrock-runtime" && e.operation === "invoke-with-response-stream",
    );
    expect(runtime.at(-1)!.modelId).toBe(created.arn);

    const cost = await runCli(["cost", "--json"], { cwd, emulator, home });
    const rows = (JSON.parse(cost.stdout) as { rows: { profile: string; calls: number }[] }).rows;
    expect(rows.find((r) => r.profile === created.arn)?.calls).toBeGreaterThan(0);
  });

  it("a malformed --tag and a duplicate name are clear errors", async () => {
    const { emulator, home } = await world();
    const cwd = makeRepo();
    const bad = await runCli(["profiles", "create", "--model", "sonnet", "--name", "x1", "--tag", "team"], {
      cwd,
      emulator,
      home,
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--tag team is not key=value (e.g. --tag team=payments)");
    const args = ["profiles", "create", "--model", "sonnet", "--name", "dup"];
    expect((await runCli(args, { cwd, emulator, home })).code).toBe(0);
    const again = await runCli(args, { cwd, emulator, home });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("An inference profile named dup already exists.");
  });
});
