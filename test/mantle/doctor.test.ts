import { afterAll, describe, expect, it } from "vitest";
import { defaultWorld, startEmulator, type WorldInput } from "../../emulator/index.js";
import { closeAll, doctorJson, quarry } from "../doctor/harness.js";

afterAll(closeAll);

const ACCOUNT = "123456789012";

async function onMantle(world: WorldInput = defaultWorld()) {
  const emulator = await startEmulator({ world });
  const env = { CLAUDE_CODE_USE_MANTLE: "1", ANTHROPIC_BEDROCK_MANTLE_BASE_URL: `${emulator.url}/anthropic` };
  return { emulator, env };
}

describe("quarry doctor on Mantle and the Anthropic API", () => {
  it("checks each model on its own wire: a 1-token call with a tool, over Mantle", async () => {
    const { emulator, env } = await onMantle();
    const run = await doctorJson({ emulator, env });
    try {
      expect(run.check("config").detail).toContain("provider mantle (env CLAUDE_CODE_USE_MANTLE)");
      expect(run.check("model.main.call")).toMatchObject({
        status: "pass",
        title: "Main model on Bedrock Mantle",
      });
      expect(run.check("model.main.call").detail).toContain("anthropic.claude-sonnet-4-6");
      expect(run.check("model.small.call").status).toBe("pass");
      const calls = emulator.log.filter((e) => e.service === "bedrock-mantle");
      expect(calls.length).toBe(2);
      for (const c of calls) expect(c.body).toMatchObject({ max_tokens: 1, tools: [{ name: "Probe" }] });
    } finally {
      await emulator.close();
    }
  });

  it("a wrong Anthropic API key fails the model check with the fix", async () => {
    const world = defaultWorld();
    world.anthropicApi = { apiKeys: ["sk-ant-api03-doctor-0001"], authTokens: [] };
    const emulator = await startEmulator({ world });
    try {
      const run = await doctorJson({
        emulator,
        env: {
          CLAUDE_CODE_USE_BEDROCK: "",
          ANTHROPIC_API_KEY: "sk-ant-api03-wrong",
          ANTHROPIC_BASE_URL: emulator.url,
        },
      });
      const main = run.check("model.main.call");
      expect(main.status).toBe("fail");
      expect(main.fix).toMatch(/^Set ANTHROPIC_API_KEY to a valid key/);
      expect(run.stdout).not.toContain("sk-ant-api03-wrong");
    } finally {
      await emulator.close();
    }
  });

  it("--iam-policy grants Mantle's actions on projects, exactly enough for the model checks", async () => {
    const { emulator, env } = await onMantle();
    const printed = await quarry(["doctor", "--iam-policy"], { emulator, env });
    await emulator.close();
    expect(printed.code).toBe(0);
    const policy = JSON.parse(printed.stdout) as {
      Statement: { Sid: string; Action: string[]; Resource: string[] }[];
    };
    const mantle = policy.Statement.find((s) => s.Sid === "QuarryMantleInference")!;
    expect(mantle.Action).toContain("bedrock-mantle:CreateInference");
    expect(mantle.Resource).toEqual([`arn:aws:bedrock-mantle:us-east-1:${ACCOUNT}:project/*`]);
    // Under only the printed policy the checks pass; without the Mantle statement they fail.
    const withPolicy = (statements: typeof policy.Statement) => {
      const world = defaultWorld();
      world.identities![0]!.policy = statements.map((s) => ({
        effect: "Allow",
        actions: s.Action,
        resources: s.Resource,
      }));
      return world;
    };
    const granted = await onMantle(withPolicy(policy.Statement));
    const ok = await doctorJson({ emulator: granted.emulator, env: granted.env });
    expect(ok.check("model.main.call").status).toBe("pass");
    const denied = await onMantle(
      withPolicy(policy.Statement.filter((s) => s.Sid !== "QuarryMantleInference")),
    );
    const bad = await doctorJson({ emulator: denied.emulator, env: denied.env });
    expect(bad.check("model.main.call").status).toBe("fail");
    expect(bad.check("model.main.call").detail).toContain("bedrock-mantle:CreateInference");
    await granted.emulator.close();
    await denied.emulator.close();
  });
});
