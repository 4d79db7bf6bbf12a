import { describe, expect, it } from "vitest";
import { SECRETS } from "../../test/support/session-secrets.js";
import { REDACTED } from "./patterns.js";
import { SecretRegistry } from "./registry.js";

// The pattern layer alone: a registry that holds no values.
const shapes = new SecretRegistry();
const redactText = (text: string) => shapes.scrub(text);
const redactDeep = (value: unknown) => shapes.scrubDeep(value);

describe("credential shapes", () => {
  it.each([
    ["access key id", `key ${SECRETS.accessKeyId} here`, `key ${REDACTED} here`],
    ["temporary key id", `AWS_ACCESS_KEY_ID=${SECRETS.tempKeyId}`, `AWS_ACCESS_KEY_ID=${REDACTED}`],
    [
      "secret in an env line",
      `AWS_SECRET_ACCESS_KEY=${SECRETS.secretKey}`,
      `AWS_SECRET_ACCESS_KEY=${REDACTED}`,
    ],
    [
      "secret in a credentials file",
      `aws_secret_access_key = ${SECRETS.secretKey}\n`,
      `aws_secret_access_key = ${REDACTED}\n`,
    ],
    ["secret in JSON", `{"SecretAccessKey": "${SECRETS.secretKey}"}`, `{"SecretAccessKey": "${REDACTED}"}`],
    ["session token", `aws_session_token=${SECRETS.sessionToken}`, `aws_session_token=${REDACTED}`],
    [
      "security token header",
      `x-amz-security-token: ${SECRETS.sessionToken}`,
      `x-amz-security-token: ${REDACTED}`,
    ],
    [
      "presigned URL",
      `?X-Amz-Security-Token=${SECRETS.sessionToken}&x=1`,
      `?X-Amz-Security-Token=${REDACTED}&x=1`,
    ],
    [
      "authorization header",
      `Authorization: ${SECRETS.sigv4}\nHost: x`,
      `Authorization: ${REDACTED}\nHost: x`,
    ],
    ["bearer token", `curl -H "x: Bearer ${SECRETS.bearer}"`, `curl -H "x: Bearer ${REDACTED}"`],
    [
      "short-term Bedrock key",
      `AWS_BEARER_TOKEN_BEDROCK=${SECRETS.bedrockShortTerm}`,
      `AWS_BEARER_TOKEN_BEDROCK=${REDACTED}`,
    ],
    ["long-term Bedrock key", `key: ${SECRETS.bedrockLongTerm}`, `key: ${REDACTED}`],
    ["Anthropic key", `ANTHROPIC_API_KEY=${SECRETS.anthropic}`, `ANTHROPIC_API_KEY=${REDACTED}`],
    [
      "SigV4 signature in a presigned URL",
      "?X-Amz-Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7&x=1",
      `?X-Amz-Signature=${REDACTED}&x=1`,
    ],
  ])("redacts a %s", (_label, input, expected) => {
    expect(redactText(input)).toBe(expected);
  });

  it("leaves ordinary prose and code alone", () => {
    for (const text of [
      "The Authorization header is missing.",
      "Use Bearer authentication for this endpoint.",
      "const secretKey = readSecretKeyFromEnvironment();",
      "input_tokens: 1234, sessionId: abc",
    ]) {
      expect(redactText(text)).toBe(text);
    }
  });

  it("is idempotent", () => {
    const once = redactText(`Authorization: ${SECRETS.sigv4}`);
    expect(redactText(once)).toBe(once);
  });
});

describe("scrubDeep", () => {
  it("redacts nested strings and credential-named fields, and never throws", () => {
    const cyclic: Record<string, unknown> = { name: "loop" };
    cyclic.self = cyclic;
    const out = redactDeep({
      headers: { authorization: "anything at all", "X-Amz-Security-Token": "short" },
      credentials: { accessKeyId: SECRETS.accessKeyId, secretAccessKey: "not-40-chars", sessionToken: "tok" },
      output: [`found ${SECRETS.anthropic}`],
      big: 10n,
      when: new Date("2025-01-01T00:00:00Z"),
      bytes: new Uint8Array(3),
      error: new Error(`bad key ${SECRETS.accessKeyId}`),
      cyclic,
      skip: undefined,
    }) as Record<string, unknown>;
    const text = JSON.stringify(out);
    for (const secret of [SECRETS.accessKeyId, SECRETS.anthropic, "anything at all", "not-40-chars"]) {
      expect(text).not.toContain(secret);
    }
    expect(out).toMatchObject({
      headers: { authorization: REDACTED, "X-Amz-Security-Token": REDACTED },
      big: "10",
      when: "2025-01-01T00:00:00.000Z",
      bytes: "<3 bytes>",
      cyclic: { name: "loop", self: "[Circular]" },
    });
    expect("skip" in out).toBe(false);
  });
});
