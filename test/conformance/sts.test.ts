import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { describe, expect, it } from "vitest";
import { DEFAULT_ACCOUNT_ID, DEFAULT_CREDENTIALS, sharedEmulator, withEnv, worldWith } from "./helpers.js";

/** STS GetCallerIdentity (query protocol, XML reply: WIRE.md §10.6) through @aws-sdk/client-sts. */

const ROLE = {
  accessKeyId: "ASIAROLESESSIONEXAMP",
  secretAccessKey: "role-session-secret",
  sessionToken: "IQoJb3JpZ2luX2VjEXAMPLE-role-session",
};
const ROLE_ARN = `arn:aws:sts::${DEFAULT_ACCOUNT_ID}:assumed-role/BedrockDev/alice`;

const emu = sharedEmulator(
  worldWith((w) => {
    w.identities!.push({
      name: "alice",
      arn: ROLE_ARN,
      userId: "AROAEXAMPLEROLEID:alice",
      accessKeys: [ROLE],
      policy: [{ effect: "Allow", actions: ["bedrock:*"], resources: ["*"] }],
    });
  }),
);

describe("GetCallerIdentity", () => {
  it("returns the default identity's Arn, Account and UserId", async () => {
    const out = await emu.sts().send(new GetCallerIdentityCommand({}));
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(out).toMatchObject({
      Arn: `arn:aws:iam::${DEFAULT_ACCOUNT_ID}:user/quarry-dev`,
      Account: DEFAULT_ACCOUNT_ID,
      UserId: "AIDAQUARRYDEVEXAMPLE",
    });
    // The RequestId in the XML's ResponseMetadata (or x-amzn-RequestId) reaches the SDK.
    expect(out.$metadata.requestId).toBe(emu.last().id);
    expect(emu.last()).toMatchObject({
      service: "sts",
      operation: "GetCallerIdentity",
      method: "POST",
      path: "/",
      httpVersion: "1.1",
      region: "us-east-1",
      identity: "default",
      status: 200,
    });
    expect(emu.last().headers.authorization).toMatch(/\/us-east-1\/sts\/aws4_request, /);
    expect(emu.last().body).toBe("Action=GetCallerIdentity&Version=2011-06-15");
  });

  it("an assumed-role session reports its sts ARN and role UserId", async () => {
    const out = await emu
      .sts({ region: "eu-west-1", credentials: ROLE })
      .send(new GetCallerIdentityCommand({}));
    expect(out).toMatchObject({
      Arn: ROLE_ARN,
      Account: DEFAULT_ACCOUNT_ID,
      UserId: "AROAEXAMPLEROLEID:alice",
    });
    expect(emu.last()).toMatchObject({ identity: "alice", region: "eu-west-1" });
  });

  it("answers text/xml (the query protocol's content type)", async () => {
    const client = emu.sts();
    let contentType = "";
    // Innermost deserialize middleware: sees the HTTP response the SDK's XML parser is about to read.
    client.middlewareStack.add(
      (next) => async (args) => {
        const result = await next(args);
        contentType = (result.response as { headers: Record<string, string> }).headers["content-type"] ?? "";
        return result;
      },
      { step: "deserialize", name: "peekContentType", priority: "low" },
    );
    await client.send(new GetCallerIdentityCommand({}));
    expect(contentType).toMatch(/^text\/xml/);
  });

  it("AWS_ENDPOINT_URL_STS points an unconfigured STSClient at the emulator", async () => {
    const mark = emu.mark();
    await withEnv({ AWS_ENDPOINT_URL_STS: emu.url }, async () => {
      const client = new STSClient({ region: "us-west-2", credentials: DEFAULT_CREDENTIALS });
      try {
        const out = await client.send(new GetCallerIdentityCommand({}));
        expect(out.Account).toBe(DEFAULT_ACCOUNT_ID);
      } finally {
        client.destroy();
      }
    });
    expect(emu.since(mark)).toHaveLength(1);
    expect(emu.last()).toMatchObject({ service: "sts", region: "us-west-2" });
  });
});
