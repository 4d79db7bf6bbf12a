import { describe, expect, it } from "vitest";
import { foundationModelIdFromArn, parseModelId } from "./model-id.js";

const S45 = "anthropic.claude-sonnet-4-5-20250929-v1:0";

describe("parseModelId: valid forms", () => {
  it("aliases, with an optional [1m] suffix", () => {
    expect(parseModelId("opus")).toEqual({ kind: "alias", input: "opus", alias: "opus", oneMillion: false });
    expect(parseModelId("Sonnet")).toMatchObject({ kind: "alias", alias: "sonnet" });
    expect(parseModelId("sonnet[1m]")).toMatchObject({ kind: "alias", alias: "sonnet", oneMillion: true });
    expect(parseModelId("haiku")).toMatchObject({ kind: "alias", alias: "haiku" });
  });

  it("foundation-model IDs, versioned and not", () => {
    for (const id of [
      S45,
      "anthropic.claude-sonnet-4-6",
      "anthropic.claude-opus-4-6-v1",
      "meta.llama3-70b-instruct-v1:0",
    ]) {
      expect(parseModelId(id)).toEqual({
        kind: "foundation-model",
        input: id,
        foundationModelId: id,
        oneMillion: false,
      });
    }
    expect(parseModelId("anthropic.claude-3-haiku-20240307-v1:0:200k")).toMatchObject({
      kind: "foundation-model",
    });
  });

  it.each(["us", "eu", "apac", "jp", "au", "us-gov", "global"])("system profile with %s. prefix", (geo) => {
    const id = `${geo}.${S45}`;
    expect(parseModelId(id)).toEqual({
      kind: "system-profile",
      input: id,
      profileId: id,
      geo,
      foundationModelId: S45,
      oneMillion: false,
    });
  });

  it("profile with [1m] strips the suffix", () => {
    expect(parseModelId("us.anthropic.claude-sonnet-4-6[1m]")).toMatchObject({
      kind: "system-profile",
      profileId: "us.anthropic.claude-sonnet-4-6",
      oneMillion: true,
    });
  });
});

describe("parseModelId: ARNs", () => {
  const cases: Array<[string, Record<string, unknown>]> = [
    [
      `arn:aws:bedrock:us-east-1::foundation-model/${S45}`,
      {
        partition: "aws",
        region: "us-east-1",
        account: "",
        resourceType: "foundation-model",
        foundationModelId: S45,
      },
    ],
    [
      `arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu.${S45}`,
      {
        region: "eu-west-1",
        account: "123456789012",
        resourceType: "inference-profile",
        geo: "eu",
        foundationModelId: S45,
        resourceId: `eu.${S45}`,
      },
    ],
    [
      "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123def456",
      { resourceType: "application-inference-profile", resourceId: "abc123def456", account: "123456789012" },
    ],
    [
      "arn:aws-us-gov:bedrock:us-gov-west-1:123456789012:provisioned-model/a1b2c3d4e5f6",
      { partition: "aws-us-gov", region: "us-gov-west-1", resourceType: "provisioned-model" },
    ],
    [
      "arn:aws:bedrock:us-west-2:123456789012:custom-model/anthropic.claude-3-haiku-20240307-v1:0:200k/abcdefghij12",
      {
        resourceType: "custom-model",
        foundationModelId: "anthropic.claude-3-haiku-20240307-v1:0:200k",
        resourceId: "anthropic.claude-3-haiku-20240307-v1:0:200k/abcdefghij12",
      },
    ],
    [
      "arn:aws:bedrock:us-east-1:123456789012:custom-model-deployment/zz9zz9zz9zz9",
      { resourceType: "custom-model-deployment", resourceId: "zz9zz9zz9zz9" },
    ],
    [
      "arn:aws-cn:bedrock:cn-north-1:123456789012:imported-model/000000000000",
      { partition: "aws-cn", region: "cn-north-1", resourceType: "imported-model" },
    ],
  ];

  it.each(cases)("%s", (input, expected) => {
    const parsed = parseModelId(input);
    expect(parsed.kind).toBe("arn");
    if (parsed.kind !== "arn") return;
    expect(parsed.arn).toMatchObject(expected);
  });

  it("global. inference-profile ARN", () => {
    const parsed = parseModelId(`arn:aws:bedrock:ca-central-1:123456789012:inference-profile/global.${S45}`);
    expect(parsed).toMatchObject({ kind: "arn", arn: { geo: "global", region: "ca-central-1" } });
  });
});

describe("parseModelId: malformed input", () => {
  const invalid = (input: string) => {
    const parsed = parseModelId(input);
    expect(parsed.kind, input).toBe("invalid");
    return parsed as Extract<typeof parsed, { kind: "invalid" }>;
  };

  it("empty and whitespace", () => {
    expect(invalid("").reason).toMatch(/empty/);
    const spaced = invalid(`${S45}\n`);
    expect(spaced.reason).toMatch(/whitespace/);
    expect(spaced.suggestion).toBe(S45);
    expect(invalid("us. anthropic.claude-sonnet-4-6").suggestion).toBeUndefined();
  });

  it("unknown geography prefix", () => {
    const p = invalid(`xx.${S45}`);
    expect(p.reason).toMatch(/"xx\." is not an inference-profile geography/);
    expect(p.reason).toMatch(/us\., eu\., apac\., jp\., au\., us-gov\., global\./);
    expect(p.suggestion).toBe(S45);
  });

  it("missing prefix with a leading dot", () => {
    expect(invalid(".anthropic.claude-sonnet-4-5-20250929-v1:0").suggestion).toBe(S45);
  });

  it("Anthropic API names suggest the Bedrock ID", () => {
    const p = invalid("claude-sonnet-4-5");
    expect(p.reason).toMatch(/Anthropic API model name/);
    expect(p.reason).toMatch(/alias sonnet/);
    expect(p.suggestion).toBe(S45);
    expect(invalid("claude-3-5-haiku-20241022").suggestion).toBe("anthropic.claude-3-5-haiku-20241022-v1:0");
    expect(invalid("claude-opus-4-6").suggestion).toBe("anthropic.claude-opus-4-6-v1");
    const unknown = invalid("claude-nonesuch-9");
    expect(unknown.suggestion).toBeUndefined();
    expect(unknown.reason).toMatch(/quarry models/);
  });

  it("upper case suggests lower case", () => {
    expect(invalid(`US.${S45}`).suggestion).toBe(`us.${S45}`);
  });

  it("URL-encoded IDs and ARNs", () => {
    expect(invalid("us.anthropic.claude-sonnet-4-20250514-v1%3A0").suggestion).toBe(
      "us.anthropic.claude-sonnet-4-20250514-v1:0",
    );
    const arn = invalid(
      "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile%2Fabc123def456",
    );
    expect(arn.reason).toMatch(/escaped slash/);
    expect(arn.suggestion).toBe(
      "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123def456",
    );
  });

  it.each([
    ["arn:aws:s3:::bucket", /not a Bedrock ARN/],
    ["arn:aws:bedrock", /not a Bedrock ARN/],
    ["arn:aws-xx:bedrock:us-east-1:123456789012:provisioned-model/abc123def456", /not a Bedrock ARN/],
    ["arn:aws:bedrock:moon-1:123456789012:provisioned-model/abc123def456", /not an AWS region/],
    ["arn:aws:bedrock:us-east-1:12345:provisioned-model/abc123def456", /12-digit/],
    ["arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/ABC", /12 lower-case/],
    ["arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123def4567", /12 lower-case/],
    [
      "arn:aws:bedrock:us-east-1:123456789012:inference-profile/xx.anthropic.claude-x",
      /system inference-profile/,
    ],
    ["arn:aws:bedrock:us-east-1:123456789012:custom-model/abcdefghij12", /custom-model/],
    ["arn:aws:bedrock:us-east-1:123456789012:prompt/ABCDEFGHIJ", /can't be used as a model/],
    ["arn:aws:bedrock:us-east-1::foundation-model/not an id", /whitespace/],
  ])("%s", (input, reason) => {
    expect(invalid(input).reason).toMatch(reason);
  });

  it("a foundation-model ARN with an account suggests the empty-account form", () => {
    const p = invalid(`arn:aws:bedrock:us-east-1:123456789012:foundation-model/${S45}`);
    expect(p.suggestion).toBe(`arn:aws:bedrock:us-east-1::foundation-model/${S45}`);
  });

  it("garbage", () => {
    expect(invalid("sonnet-latest").reason).toMatch(/Not a model alias/);
    expect(invalid("anthropic.").kind).toBe("invalid");
  });
});

describe("foundationModelIdFromArn", () => {
  it("takes the segment after the last slash", () => {
    expect(foundationModelIdFromArn(`arn:aws:bedrock:us-east-2::foundation-model/${S45}`)).toBe(S45);
    expect(foundationModelIdFromArn("arn:aws:bedrock:us-east-2::foundation-model/")).toBeUndefined();
  });
});
