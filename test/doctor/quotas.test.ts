import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { mainTurns, makeRepo, runCli, startWorld } from "../e2e/harness.js";
import { closeAll, doctorJson, worldWith } from "./harness.js";

// The default world's main model is Sonnet 4.6 through its us. profile: a cross-region call.
const SONNET_46_CRIS = "Cross-region model inference tokens per minute for Anthropic Claude Sonnet 4.6";
const CODE = "L-0A1B2C3D";

afterAll(closeAll);

const withQuota = (value: number, name = SONNET_46_CRIS) =>
  worldWith((w) => {
    w.quotas = [
      { code: CODE, name, value },
      // An on-demand quota of the same model must not be chosen for a profile call.
      {
        code: "L-99999999",
        name: "On-demand model inference tokens per minute for Anthropic Claude Sonnet 4.6",
        value: 1,
      },
    ];
  });

describe("doctor reads the applied tokens-per-minute quota", () => {
  it("a roomy quota passes and names the quota, its code and the concurrency it allows", async () => {
    const r = await doctorJson({ world: withQuota(2_000_000) });
    const q = r.check("model.main.quota");
    expect(q.status).toBe("pass");
    expect(q.detail).toContain(`"${SONNET_46_CRIS}" (${CODE}) = 2000000 tokens per minute in us-east-1`);
    expect(q.data).toMatchObject({
      quotaCode: CODE,
      tokensPerMinute: 2_000_000,
      scope: "cross-region",
      maxTokens: 32_000,
    });
    const sq = r.emulator.log.filter((e) => e.service === "servicequotas");
    expect(sq.map((e) => e.operation)).toContain("ListServiceQuotas");
    expect(sq.every((e) => e.status === 200)).toBe(true);
  });

  it("max_tokens above half the quota: a warning with the sized value and the exact increase command", async () => {
    const r = await doctorJson({ world: withQuota(40_000) });
    const q = r.check("model.main.quota");
    expect(q.status).toBe("warn");
    expect(q.detail).toContain("max_tokens 32000 reserves more than half of it at request start");
    expect(q.detail).toContain("Quarry sends max_tokens 20000 instead");
    expect(q.fix).toContain("export CLAUDE_CODE_MAX_OUTPUT_TOKENS=20000");
    expect(q.fix).toContain(
      `aws service-quotas request-service-quota-increase --service-code bedrock --quota-code ${CODE} --desired-value 300000 --region us-east-1`,
    );
    expect(q.data).toMatchObject({ sizedMaxTokens: 20_000 });
  });

  it("too little room for two requests at once is a warning about concurrency", async () => {
    const r = await doctorJson({ world: withQuota(90_000) });
    const q = r.check("model.main.quota");
    expect(q.status).toBe("warn");
    expect(q.detail).toContain("room for 1 request(s) per minute");
  });

  it("a quota of 0 fails: every request is throttled", async () => {
    const r = await doctorJson({ world: withQuota(0) });
    const q = r.check("model.main.quota");
    expect(q.status).toBe("fail");
    expect(q.detail).toContain("every request to us.anthropic.claude-sonnet-4-6 is throttled");
    expect(r.code).toBe(1);
  });

  it("Service Quotas denied by IAM: skipped with a note, nothing else fails", async () => {
    const world = withQuota(40_000);
    const dev = world.identities![0]!;
    dev.policy = [
      { effect: "Allow", actions: ["*"], resources: ["*"] },
      { effect: "Deny", actions: ["servicequotas:*"], resources: ["*"] },
    ];
    const r = await doctorJson({ world });
    const q = r.check("model.main.quota");
    expect(q.status).toBe("skip");
    expect(q.detail).toContain("Service Quotas refused");
    expect(q.detail).toContain("allow servicequotas:ListServiceQuotas");
    expect(r.failing).toEqual([]);
  });
});

describe("a session sizes max_tokens down to the quota", () => {
  it("sends half the quota as max_tokens and says so in exactly one warning event", async () => {
    const { emulator, home } = await startWorld(withQuota(40_000));
    try {
      const cwd = makeRepo();
      const events = (stdout: string) =>
        stdout
          .split("\n")
          .filter(Boolean)
          .map((l) => JSON.parse(l) as { type: string; message?: string });
      // A fresh HOME: the first request does not wait for Service Quotas; the list is read after the first
      // answer and cached, so this run's later turns and the next run size max_tokens from it.
      const first = await runCli(["-p", "hi", "--output-format", "quarry-events"], { cwd, emulator, home });
      expect(first.code).toBe(0);
      expect((mainTurns(emulator)[0]!.body as { max_tokens: number }).max_tokens).toBe(32_000);
      const cached = readdirSync(join(home, ".quarry", "cache")).filter((f) =>
        f.startsWith("service-quotas-"),
      );
      expect(cached).toHaveLength(1);

      const run = await runCli(["-p", "hi", "--output-format", "quarry-events"], { cwd, emulator, home });
      expect(run.code).toBe(0);
      const body = mainTurns(emulator)[1]!.body as { max_tokens: number };
      expect(body.max_tokens).toBe(20_000);
      const warnings = events(run.stdout).filter((e) => e.type === "warning" && e.message?.includes(CODE));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]!.message).toContain("Quarry asks for max_tokens 20000");
      // The second run read the quotas from disk: Service Quotas was asked once in all.
      const quotaCalls = emulator.log.filter((e) => e.operation === "ListServiceQuotas");
      expect(quotaCalls).toHaveLength(1);
    } finally {
      await emulator.close();
    }
  });

  it("without any quota the configured max_tokens is sent unchanged", async () => {
    const { emulator, home } = await startWorld(worldWith(() => {}));
    try {
      const run = await runCli(["-p", "hi"], { cwd: makeRepo(), emulator, home });
      expect(run.code).toBe(0);
      expect((mainTurns(emulator)[0]!.body as { max_tokens: number }).max_tokens).toBe(32_000);
    } finally {
      await emulator.close();
    }
  });
});
