import { afterAll, describe, expect, it } from "vitest";
import type { PolicyStatement } from "../../emulator/world/schema.js";
import { closeAll, doctorJson, quarry, worldWith } from "./harness.js";

afterAll(closeAll);

interface IamPolicy {
  Version: string;
  Statement: { Sid: string; Effect: string; Action: string[]; Resource: string[] }[];
}

/** IAM's JSON statements in the emulator world's policy spelling. */
function toWorldPolicy(policy: IamPolicy): PolicyStatement[] {
  return policy.Statement.map((s) => ({
    effect: s.Effect as "Allow" | "Deny",
    actions: s.Action,
    resources: s.Resource,
  }));
}

const ACCOUNT = "123456789012";
const SONNET = "anthropic.claude-sonnet-4-6";
const HAIKU = "anthropic.claude-haiku-4-5-20251001-v1:0";

describe("quarry doctor --iam-policy", () => {
  it("prints a least-privilege policy that is exactly enough: all checks pass under it, and one statement less fails", async () => {
    const printed = await quarry(["doctor", "--iam-policy"]);
    expect(printed.code).toBe(0);
    const policy = JSON.parse(printed.stdout) as IamPolicy;
    expect(policy.Version).toBe("2012-10-17");
    expect(policy.Statement.map((s) => s.Sid)).toEqual([
      "InvokeMainModel",
      "InvokeSmallFastModel",
      "QuarryReadOnly",
    ]);
    const main = policy.Statement[0]!;
    expect(main.Action).toEqual(["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"]);
    // The profile ARN in the caller's region and account, then the model in every region the profile routes to.
    expect(main.Resource).toEqual([
      `arn:aws:bedrock:us-east-1:${ACCOUNT}:inference-profile/us.${SONNET}`,
      `arn:aws:bedrock:us-east-1::foundation-model/${SONNET}`,
      `arn:aws:bedrock:us-west-2::foundation-model/${SONNET}`,
    ]);
    expect(policy.Statement[2]!.Action).toEqual(
      expect.arrayContaining(["bedrock:ListInferenceProfiles", "bedrock:GetFoundationModelAvailability"]),
    );
    expect(JSON.stringify(policy)).not.toContain("bedrock:*");

    // Under exactly this policy, doctor passes.
    const granted = worldWith((w) => {
      w.identities![0]!.policy = toWorldPolicy(policy);
    });
    const ok = await doctorJson({ world: granted });
    expect(ok.failing).toEqual([]);
    expect(ok.checks.filter((c) => c.status === "warn").map((c) => c.id)).toEqual([]);
    expect(ok.code).toBe(0);

    // Remove the small model's statement: a specific failure naming the action and that model's resource.
    const withoutSmall = {
      ...policy,
      Statement: policy.Statement.filter((s) => s.Sid !== "InvokeSmallFastModel"),
    };
    const denied = worldWith((w) => {
      w.identities![0]!.policy = toWorldPolicy(withoutSmall);
    });
    const r = await doctorJson({ world: denied });
    expect(r.code).toBe(1);
    const invoke = r.check("model.small.invoke");
    expect(invoke.status).toBe("fail");
    expect(invoke.detail).toContain(
      `bedrock:InvokeModelWithResponseStream on arn:aws:bedrock:us-east-1:${ACCOUNT}:inference-profile/us.${HAIKU}`,
    );
    expect(r.check("model.main.invoke").status).toBe("pass");

    // Remove only the destination-region model ARN: IAM checks it too, and doctor names it.
    const withoutRouted = {
      ...policy,
      Statement: policy.Statement.map((s) =>
        s.Sid === "InvokeMainModel"
          ? { ...s, Resource: s.Resource.filter((x) => !x.includes("us-west-2")) }
          : s,
      ),
    };
    const partial = await doctorJson({
      world: worldWith((w) => {
        w.identities![0]!.policy = toWorldPolicy(withoutRouted);
      }),
    });
    expect(partial.check("model.main.invoke").detail).toContain(
      `on arn:aws:bedrock:us-west-2::foundation-model/${SONNET}`,
    );
  });

  it("covers each pinned alias and skips, with a note, a model that cannot be resolved", async () => {
    const printed = await quarry(["doctor", "--iam-policy"], {
      env: {
        ANTHROPIC_DEFAULT_OPUS_MODEL: "us.anthropic.claude-opus-4-6-v1",
        ANTHROPIC_SMALL_FAST_MODEL: "eu.anthropic.claude-haiku-4-5-20251001-v1:0",
      },
    });
    expect(printed.code).toBe(0);
    const policy = JSON.parse(printed.stdout) as IamPolicy;
    expect(policy.Statement.map((s) => s.Sid)).toEqual([
      "InvokeMainModel",
      "InvokeOpusPin",
      "QuarryReadOnly",
    ]);
    expect(policy.Statement[1]!.Resource[0]).toBe(
      `arn:aws:bedrock:us-east-1:${ACCOUNT}:inference-profile/us.anthropic.claude-opus-4-6-v1`,
    );
    expect(printed.stderr).toContain(
      "Skipped the small/fast model (eu.anthropic.claude-haiku-4-5-20251001-v1:0)",
    );
  });
});
