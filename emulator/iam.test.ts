import { describe, expect, it } from "vitest";
import { BedrockError } from "./http/types.js";
import { authorize, authorizeInvocation, evaluate, wildcardMatch } from "./iam.js";
import { defaultWorld } from "./world/default-world.js";
import { WorldIndex } from "./world/index.js";
import { parseWorld } from "./world/load.js";
import type { Identity, PolicyStatement } from "./world/schema.js";

const USER = "arn:aws:iam::123456789012:user/dev";
const SONNET45 = "anthropic.claude-sonnet-4-5-20250929-v1:0";
const FM_EAST = `arn:aws:bedrock:us-east-1::foundation-model/${SONNET45}`;
const FM_WEST = `arn:aws:bedrock:us-west-2::foundation-model/${SONNET45}`;
const PROFILE = `arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.${SONNET45}`;

function identity(policy: PolicyStatement[]): Identity {
  return { name: "dev", arn: USER, userId: "AIDAEXAMPLE", accessKeys: [], bearerKeys: [], policy };
}

function denial(fn: () => void): { status: number; type: string; message: string } | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof BedrockError) return { status: err.status, type: err.type, message: err.message };
    throw err;
  }
  return undefined;
}

describe("wildcardMatch", () => {
  it.each([
    ["*", "anything:at/all", false, true],
    ["bedrock:InvokeModel*", "bedrock:InvokeModelWithResponseStream", false, true],
    ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream", false, false],
    ["bedrock:invokemodel", "bedrock:InvokeModel", true, true],
    ["bedrock:invokemodel", "bedrock:InvokeModel", false, false],
    ["arn:aws:bedrock:us-?ast-1::*", FM_EAST, false, true],
    ["arn:aws:bedrock:us-?ast-1::*", FM_WEST, false, false],
    ["arn:aws:bedrock:*::foundation-model/anthropic.*", FM_WEST, false, true],
    ["arn:aws:bedrock:*::foundation-model/anthropic.claude-sonnet-4-5-2025092?-v1:0", FM_WEST, false, true],
    ["a.c", "abc", false, false],
    ["a(b)", "a(b)", false, true],
  ])("%s vs %s (ignoreCase %s) → %s", (pattern, value, ignoreCase, expected) => {
    expect(wildcardMatch(pattern, value, ignoreCase)).toBe(expected);
  });
});

describe("authorize", () => {
  it("allows everything for allow * on *", () => {
    expect(
      denial(() =>
        authorize(
          identity([{ effect: "Allow", actions: ["*"], resources: ["*"] }]),
          "bedrock:InvokeModel",
          FM_EAST,
        ),
      ),
    ).toBeUndefined();
  });

  it("allows anything when there is no identity (auth none)", () => {
    expect(denial(() => authorize(undefined, "bedrock:InvokeModel", FM_EAST))).toBeUndefined();
  });

  it("denies implicitly with AWS's text", () => {
    expect(denial(() => authorize(identity([]), "bedrock:InvokeModel", FM_EAST))).toEqual({
      status: 403,
      type: "AccessDeniedException",
      message: `User: ${USER} is not authorized to perform: bedrock:InvokeModel on resource: ${FM_EAST} because no identity-based policy allows the bedrock:InvokeModel action`,
    });
  });

  it("leaves out the resource for actions on *", () => {
    expect(denial(() => authorize(identity([]), "bedrock:ListFoundationModels", "*"))?.message).toBe(
      `User: ${USER} is not authorized to perform: bedrock:ListFoundationModels because no identity-based policy allows the bedrock:ListFoundationModels action`,
    );
  });

  it("lets an explicit deny win over an allow", () => {
    const policy: PolicyStatement[] = [
      { effect: "Allow", actions: ["bedrock:*"], resources: ["*"] },
      { effect: "Deny", actions: ["bedrock:InvokeModel*"], resources: ["arn:aws:bedrock:us-west-2::*"] },
    ];
    expect(evaluate(policy, "bedrock:InvokeModel", FM_EAST)).toBe("allow");
    expect(evaluate(policy, "bedrock:InvokeModel", FM_WEST)).toBe("explicit-deny");
    expect(evaluate(policy, "sts:GetCallerIdentity", "*")).toBe("implicit-deny");
    expect(
      denial(() => authorize(identity(policy), "bedrock:InvokeModelWithResponseStream", FM_WEST))?.message,
    ).toBe(
      `User: ${USER} is not authorized to perform: bedrock:InvokeModelWithResponseStream on resource: ${FM_WEST} with an explicit deny in an identity-based policy`,
    );
  });

  it("matches actions case-insensitively and resources case-sensitively", () => {
    const policy: PolicyStatement[] = [
      { effect: "Allow", actions: ["BEDROCK:invokemodel"], resources: [FM_EAST] },
    ];
    expect(evaluate(policy, "bedrock:InvokeModel", FM_EAST)).toBe("allow");
    expect(evaluate(policy, "bedrock:InvokeModel", FM_EAST.toUpperCase())).toBe("implicit-deny");
  });
});

describe("authorizeInvocation", () => {
  const world = new WorldIndex(parseWorld(defaultWorld()));
  const target = world.resolveInvocationTarget(`us.${SONNET45}`, "us-east-1");

  it("needs the profile and every destination foundation model", () => {
    const onlyProfile = identity([
      { effect: "Allow", actions: ["bedrock:InvokeModel"], resources: [PROFILE] },
    ]);
    expect(denial(() => authorizeInvocation(onlyProfile, "bedrock:InvokeModel", target))?.message).toBe(
      `User: ${USER} is not authorized to perform: bedrock:InvokeModel on resource: ${FM_EAST} because no identity-based policy allows the bedrock:InvokeModel action`,
    );

    const missingWest = identity([
      { effect: "Allow", actions: ["bedrock:InvokeModel"], resources: [PROFILE, FM_EAST] },
    ]);
    expect(denial(() => authorizeInvocation(missingWest, "bedrock:InvokeModel", target))?.message).toContain(
      `on resource: ${FM_WEST} because`,
    );

    const all = identity([
      {
        effect: "Allow",
        actions: ["bedrock:InvokeModel"],
        resources: [PROFILE, "arn:aws:bedrock:*::foundation-model/anthropic.*"],
      },
    ]);
    expect(denial(() => authorizeInvocation(all, "bedrock:InvokeModel", target))).toBeUndefined();
  });

  it("reports the profile first when it is denied", () => {
    expect(denial(() => authorizeInvocation(identity([]), "bedrock:InvokeModel", target))?.message).toContain(
      `on resource: ${PROFILE} because`,
    );
  });

  it("checks a direct foundation-model call once against its ARN", () => {
    const haiku = world.resolveInvocationTarget("anthropic.claude-3-haiku-20240307-v1:0", "eu-west-1");
    const allowed = identity([
      { effect: "Allow", actions: ["bedrock:InvokeModel"], resources: [haiku.resourceArn] },
    ]);
    expect(denial(() => authorizeInvocation(allowed, "bedrock:InvokeModel", haiku))).toBeUndefined();
  });
});
