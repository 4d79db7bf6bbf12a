import { describe, expect, it } from "vitest";
import type { CallContext, EmulatorRequest } from "./http/types.js";
import { handleSts } from "./sts.js";
import { defaultWorld } from "./world/default-world.js";
import { WorldIndex } from "./world/index.js";
import { parseWorld } from "./world/load.js";
import type { Identity } from "./world/schema.js";

const world = new WorldIndex(parseWorld(defaultWorld()));
const IDENTITY = world.identityByName("default") as Identity;

function request(body: string, init: Partial<EmulatorRequest> = {}): EmulatorRequest {
  return {
    method: "POST",
    rawPath: "/",
    rawQuery: "",
    query: new URLSearchParams(),
    headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
    body: Buffer.from(body),
    httpVersion: "1.1",
    ...init,
  };
}

function context(identity: Identity | undefined): CallContext & { notes: Record<string, unknown> } {
  const notes: Record<string, unknown> = {};
  return {
    requestId: "11111111-2222-3333-4444-555555555555",
    region: "us-east-1",
    identity,
    notes,
    note: (k, v) => {
      notes[k] = v;
    },
  };
}

describe("handleSts", () => {
  it("answers GetCallerIdentity with the caller's ARN, user ID and account", () => {
    const ctx = context(IDENTITY);
    const res = handleSts(request("Action=GetCallerIdentity&Version=2011-06-15"), ctx, world);
    expect(res?.status).toBe(200);
    expect(res?.headers["content-type"]).toBe("text/xml");
    expect(res?.headers["x-amzn-requestid"]).toBe(ctx.requestId);
    expect(res?.body).toBe(
      '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">\n' +
        "  <GetCallerIdentityResult>\n" +
        "    <Arn>arn:aws:iam::123456789012:user/quarry-dev</Arn>\n" +
        "    <UserId>AIDAQUARRYDEVEXAMPLE</UserId>\n" +
        "    <Account>123456789012</Account>\n" +
        "  </GetCallerIdentityResult>\n" +
        "  <ResponseMetadata>\n" +
        "    <RequestId>11111111-2222-3333-4444-555555555555</RequestId>\n" +
        "  </ResponseMetadata>\n" +
        "</GetCallerIdentityResponse>\n",
    );
    expect(ctx.notes.operation).toBe("GetCallerIdentity");
  });

  it("takes the account from the principal ARN (assumed roles in other accounts)", () => {
    const role: Identity = {
      ...IDENTITY,
      arn: "arn:aws:sts::210987654321:assumed-role/Dev/session",
      userId: "AROAEXAMPLE:session",
    };
    const body = handleSts(
      request("Action=GetCallerIdentity&Version=2011-06-15"),
      context(role),
      world,
    )?.body;
    expect(body).toContain("<Arn>arn:aws:sts::210987654321:assumed-role/Dev/session</Arn>");
    expect(body).toContain("<UserId>AROAEXAMPLE:session</UserId>");
    expect(body).toContain("<Account>210987654321</Account>");
  });

  it("answers with the account root when auth is off", () => {
    const body = handleSts(
      request("Action=GetCallerIdentity&Version=2011-06-15"),
      context(undefined),
      world,
    )?.body;
    expect(body).toContain("<Arn>arn:aws:iam::123456789012:root</Arn>");
    expect(body).toContain("<UserId>123456789012</UserId>");
  });

  it("accepts the query-string form", () => {
    const req = request("", {
      method: "GET",
      headers: {},
      rawQuery: "Action=GetCallerIdentity&Version=2011-06-15",
      query: new URLSearchParams("Action=GetCallerIdentity&Version=2011-06-15"),
    });
    expect(handleSts(req, context(IDENTITY), world)?.status).toBe(200);
  });

  it("refuses an unknown action with an STS XML error", () => {
    const res = handleSts(request("Action=AssumeRole&Version=2011-06-15"), context(IDENTITY), world);
    expect(res?.status).toBe(400);
    expect(res?.headers["content-type"]).toBe("text/xml");
    expect(res?.body).toContain("<Type>Sender</Type><Code>InvalidAction</Code>");
    expect(res?.body).toContain(
      "<Message>Could not find operation AssumeRole for version 2011-06-15</Message>",
    );
    expect(res?.body).toContain("<RequestId>11111111-2222-3333-4444-555555555555</RequestId>");
  });

  it("refuses a form without an action", () => {
    const res = handleSts(request("Version=2011-06-15"), context(IDENTITY), world);
    expect(res?.status).toBe(400);
    expect(res?.body).toContain("<Code>MissingAction</Code>");
  });

  it("ignores requests that are not STS calls", () => {
    expect(
      handleSts(request("{}", { headers: { "content-type": "application/json" } }), context(IDENTITY)),
    ).toBe(undefined);
    expect(
      handleSts(request("Action=GetCallerIdentity", { rawPath: "/foundation-models" }), context(IDENTITY)),
    ).toBe(undefined);
    expect(handleSts(request("", { method: "GET", headers: {} }), context(IDENTITY))).toBeUndefined();
  });
});
