import { BedrockClient, ListInferenceProfilesCommand } from "@aws-sdk/client-bedrock";
import { BedrockRuntimeClient, InvokeModelCommand } from "@aws-sdk/client-bedrock-runtime";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { describe, expect, it } from "vitest";
import {
  anthropicBody,
  caught,
  DEFAULT_ACCESS_KEY_ID,
  DEFAULT_ACCOUNT_ID,
  DEFAULT_BEARER_TOKEN,
  DEFAULT_CREDENTIALS,
  sharedEmulator,
  statusOf,
  US_SONNET45,
  withEnv,
  worldWith,
} from "./helpers.js";

/**
 * Authentication as the front door answers it (WIRE.md §7.2 "Auth errors", §8): SigV4 from the AWS SDK over
 * h2 and h1 and from the Anthropic SDK, Bedrock API keys (bearer) from both, and the failures with exact texts.
 */

const BAD_SIGNATURE =
  "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";
const INVALID_TOKEN = "The security token included in the request is invalid.";
const EXPIRED_TOKEN = "The security token included in the request is expired";
const BAD_API_KEY = "Authentication failed: Please make sure your API Key is valid.";

const SESSION = {
  accessKeyId: "ASIATEMPORARYEXAMPLE",
  secretAccessKey: "temporary-secret-for-tests",
  sessionToken: "FQoGZXIvYXdzEXAMPLETOKEN-valid",
};
const EXPIRED = {
  accessKeyId: "ASIAEXPIREDEXAMPLE01",
  secretAccessKey: "expired-secret-for-tests",
  sessionToken: "FQoGZXIvYXdzEXAMPLETOKEN-expired",
};
const WRONG_SECRET = { accessKeyId: DEFAULT_ACCESS_KEY_ID, secretAccessKey: "not-the-right-secret" };
const UNKNOWN_KEY = { accessKeyId: "AKIAUNKNOWNEXAMPLE00", secretAccessKey: "whatever" };

const emu = sharedEmulator(
  worldWith((w) => {
    w.identities!.push({
      name: "session-user",
      arn: `arn:aws:sts::${DEFAULT_ACCOUNT_ID}:assumed-role/Dev/session`,
      accessKeys: [
        { ...SESSION, expiresAt: new Date(Date.now() + 3_600_000).toISOString() },
        { ...EXPIRED, expiresAt: "2020-01-01T00:00:00Z" },
      ],
      policy: [{ effect: "Allow", actions: ["*"], resources: ["*"] }],
    });
  }),
);

const invoke = (client: BedrockRuntimeClient) =>
  client.send(new InvokeModelCommand({ modelId: US_SONNET45, body: anthropicBody("hi") }));

describe("SigV4 through the AWS SDK", () => {
  it.each([
    ["HTTP/2", false],
    ["HTTP/1.1", true],
  ])("valid static keys are accepted (%s)", async (_name, h1) => {
    const out = await invoke(h1 ? emu.runtimeH1() : emu.runtime());
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(emu.last()).toMatchObject({ authScheme: "sigv4", identity: "default" });
    expect(emu.last().headers.authorization).toMatch(
      new RegExp(
        `^AWS4-HMAC-SHA256 Credential=${DEFAULT_ACCESS_KEY_ID}/\\d{8}/us-east-1/bedrock/aws4_request, `,
      ),
    );
    expect(emu.last().headers.authorization).toContain("Signature=<redacted>");
  });

  it("temporary credentials with a session token are accepted and the token never reaches the log", async () => {
    await invoke(emu.runtime({ credentials: SESSION }));
    expect(emu.last()).toMatchObject({ identity: "session-user", status: 200 });
    expect(emu.last().headers["x-amz-security-token"]).toBe("<redacted>");
  });

  it.each([
    ["HTTP/2", false],
    ["HTTP/1.1", true],
  ])("a wrong secret is a 403 InvalidSignatureException (%s)", async (_name, h1) => {
    const err = await caught(() =>
      invoke(h1 ? emu.runtimeH1({ credentials: WRONG_SECRET }) : emu.runtime({ credentials: WRONG_SECRET })),
    );
    expect(err.name).toBe("InvalidSignatureException");
    expect(err.message).toBe(BAD_SIGNATURE);
    expect(statusOf(err)).toBe(403);
    expect(emu.last()).toMatchObject({ status: 403, errorType: "InvalidSignatureException" });
  });

  it("an unknown access key is a 403 UnrecognizedClientException", async () => {
    const err = await caught(() => invoke(emu.runtime({ credentials: UNKNOWN_KEY })));
    expect(err.name).toBe("UnrecognizedClientException");
    expect(err.message).toBe(INVALID_TOKEN);
    expect(statusOf(err)).toBe(403);
  });

  it("a known key with the wrong session token is UnrecognizedClientException", async () => {
    const err = await caught(() =>
      invoke(emu.runtime({ credentials: { ...SESSION, sessionToken: "forged" } })),
    );
    expect(err.name).toBe("UnrecognizedClientException");
    expect(err.message).toBe(INVALID_TOKEN);
  });

  it("expired temporary credentials are a 403 ExpiredTokenException", async () => {
    const err = await caught(() => invoke(emu.runtime({ credentials: EXPIRED })));
    expect(err.name).toBe("ExpiredTokenException");
    expect(err.message).toBe(EXPIRED_TOKEN);
    expect(statusOf(err)).toBe(403);
  });

  it("the control plane checks signatures the same way", async () => {
    const err = await caught(() =>
      emu.bedrock({ credentials: WRONG_SECRET }).send(new ListInferenceProfilesCommand({})),
    );
    expect(err.name).toBe("InvalidSignatureException");
    expect(err.message).toBe(BAD_SIGNATURE);
    expect(statusOf(err)).toBe(403);
  });

  it("a skewed client clock is answered 'Signature expired' and the SDK corrects itself from the Date header", async () => {
    const skewed = (maxAttempts: number) =>
      new BedrockRuntimeClient({
        region: "us-east-1",
        endpoint: emu.url,
        credentials: DEFAULT_CREDENTIALS,
        maxAttempts,
        systemClockOffset: -20 * 60_000,
      });
    const once = skewed(1);
    try {
      const err = await caught(() => invoke(once));
      expect(err.name).toBe("InvalidSignatureException");
      expect(err.message).toMatch(
        /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/,
      );
    } finally {
      once.destroy();
    }
    const mark = emu.mark();
    const retrying = skewed(3);
    try {
      const out = await invoke(retrying);
      expect(out.$metadata.attempts).toBe(2);
      expect(emu.since(mark).map((e) => e.status)).toEqual([403, 200]);
    } finally {
      retrying.destroy();
    }
  });

  it("a request without Authorization is refused with 403 MissingAuthenticationTokenException", async () => {
    const res = await fetch(`${emu.url}/model/${encodeURIComponent(US_SONNET45)}/invoke`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: anthropicBody("hi"),
    });
    expect(res.status).toBe(403);
    expect(res.headers.get("x-amzn-errortype")).toMatch(/^MissingAuthenticationTokenException(:|$)/);
    expect(res.headers.get("x-amzn-requestid")).toMatch(/^[0-9a-f-]{36}$/);
    expect(await res.json()).toEqual({ message: "Authorization header is missing" });
  });

  it("a malformed Authorization header is refused with 403 IncompleteSignatureException", async () => {
    const res = await fetch(`${emu.url}/model/${encodeURIComponent(US_SONNET45)}/invoke`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "AWS4-HMAC-SHA256 garbage" },
      body: anthropicBody("hi"),
    });
    expect(res.status).toBe(403);
    expect(res.headers.get("x-amzn-errortype")).toMatch(/^IncompleteSignatureException/);
  });
});

describe("Bedrock API keys (bearer)", () => {
  it("AWS_BEARER_TOKEN_BEDROCK makes the AWS SDK send Authorization: Bearer to the runtime", async () => {
    await withEnv({ AWS_BEARER_TOKEN_BEDROCK: DEFAULT_BEARER_TOKEN }, async () => {
      const client = new BedrockRuntimeClient({ region: "us-east-1", endpoint: emu.url });
      try {
        const out = await invoke(client);
        expect(out.$metadata.httpStatusCode).toBe(200);
      } finally {
        client.destroy();
      }
    });
    expect(emu.last()).toMatchObject({
      authScheme: "bearer",
      identity: "default",
      status: 200,
      httpVersion: "2.0",
    });
    expect(emu.last().headers.authorization).toBe("Bearer <redacted>");
    expect(emu.last().headers["x-amz-date"]).toBeUndefined();
  });

  it("…and to the control plane", async () => {
    await withEnv({ AWS_BEARER_TOKEN_BEDROCK: DEFAULT_BEARER_TOKEN }, async () => {
      const client = new BedrockClient({ region: "us-east-1", endpoint: emu.url });
      try {
        const out = await client.send(new ListInferenceProfilesCommand({}));
        expect(out.inferenceProfileSummaries!.length).toBeGreaterThan(0);
      } finally {
        client.destroy();
      }
    });
    expect(emu.last()).toMatchObject({ authScheme: "bearer", service: "bedrock", status: 200 });
  });

  it("a bad API key is a 403 with Bedrock's 'Authentication failed' text", async () => {
    const err = await withEnv({ AWS_BEARER_TOKEN_BEDROCK: "ABSK-not-a-real-key" }, async () => {
      const client = new BedrockRuntimeClient({ region: "us-east-1", endpoint: emu.url });
      try {
        return await caught(() => invoke(client));
      } finally {
        client.destroy();
      }
    });
    expect(err.name).toBe("AccessDeniedException");
    expect(statusOf(err)).toBe(403);
    expect(err.message).toBe(BAD_API_KEY);
    expect(emu.last()).toMatchObject({ status: 403, errorType: "AccessDeniedException" });
    expect(emu.last().headers.authorization).toBe("Bearer <redacted>");
  });

  it("the Anthropic SDK's apiKey is sent as bearer and skips SigV4", async () => {
    const msg = await emu.anthropic({ apiKey: DEFAULT_BEARER_TOKEN }).messages.create({
      model: US_SONNET45,
      max_tokens: 50,
      messages: [{ role: "user", content: "hello" }],
    });
    expect(msg.role).toBe("assistant");
    expect(emu.last()).toMatchObject({ authScheme: "bearer", httpVersion: "1.1", modelId: US_SONNET45 });
  });

  it("the Anthropic SDK with a bad apiKey gets PermissionDeniedError 403", async () => {
    const err = await caught(() =>
      emu.anthropic({ apiKey: "ABSK-bogus-key-value" }).messages.create({
        model: US_SONNET45,
        max_tokens: 50,
        messages: [{ role: "user", content: "hello" }],
      }),
    );
    expect(err.constructor.name).toBe("PermissionDeniedError");
    expect(err.status).toBe(403);
    expect(err.message).toContain(BAD_API_KEY);
  });

  it("STS does not take bearer keys: a bearer-only STS call is refused", async () => {
    const res = await fetch(`${emu.url}/`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: `Bearer ${DEFAULT_BEARER_TOKEN}`,
      },
      body: "Action=GetCallerIdentity&Version=2011-06-15",
    });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("<Code>InvalidClientTokenId</Code>");
  });
});

describe("STS credential errors", () => {
  it("a wrong secret is SignatureDoesNotMatch (403)", async () => {
    const err = await caught(() =>
      emu.sts({ credentials: WRONG_SECRET }).send(new GetCallerIdentityCommand({})),
    );
    expect(err.name).toBe("SignatureDoesNotMatch");
    expect(err.message).toBe(BAD_SIGNATURE);
    expect(statusOf(err)).toBe(403);
    expect(emu.last()).toMatchObject({ service: "sts", status: 403 });
  });

  it("an unknown key is InvalidClientTokenId (403)", async () => {
    const err = await caught(() =>
      emu.sts({ credentials: UNKNOWN_KEY }).send(new GetCallerIdentityCommand({})),
    );
    expect(err.name).toBe("InvalidClientTokenId");
    expect(err.message).toBe(INVALID_TOKEN);
    expect(statusOf(err)).toBe(403);
  });

  it("expired temporary credentials are ExpiredToken (403)", async () => {
    const err = await caught(() => emu.sts({ credentials: EXPIRED }).send(new GetCallerIdentityCommand({})));
    expect(err.name).toBe("ExpiredToken");
    expect(err.message).toBe(EXPIRED_TOKEN);
    expect(statusOf(err)).toBe(403);
  });
});

describe('a world with auth: "none" (gateway setups)', () => {
  const open = sharedEmulator(
    worldWith((w) => {
      w.auth = "none";
    }),
  );

  it("the Anthropic SDK with skipAuth: true sends no Authorization and is served", async () => {
    const msg = await open.anthropic({ skipAuth: true }).messages.create({
      model: US_SONNET45,
      max_tokens: 50,
      messages: [{ role: "user", content: "hello" }],
    });
    expect(msg.type).toBe("message");
    expect(open.last()).toMatchObject({ authScheme: "none", status: 200 });
    expect(open.last().headers.authorization).toBeUndefined();
  });

  it("any SigV4 signature is accepted too", async () => {
    const out = await invoke(open.runtime({ credentials: UNKNOWN_KEY }));
    expect(out.$metadata.httpStatusCode).toBe(200);
  });
});
