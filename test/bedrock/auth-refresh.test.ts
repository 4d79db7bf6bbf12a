import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY } from "../../emulator/index.js";
import {
  collect,
  hello,
  openSession,
  runtimeCalls,
  type Scenario,
  startScenario,
  worldWith,
} from "./harness.js";

const EXPIRED = {
  accessKeyId: "ASIAEXPIREDTEMPKEY01",
  secretAccessKey: "expiredTempSecret000000000000000000000000",
  sessionToken: "FQoGZXIvYXdzEXPIREDSESSIONTOKEN",
};

let current: Scenario | undefined;

/** An emulator whose only credentials for profile `dev` have expired, and an env that uses that profile. */
function startExpiredProfile(): Promise<Scenario> {
  const world = worldWith((w) => {
    w.identities!.push({
      name: "expired",
      arn: "arn:aws:sts::123456789012:assumed-role/Dev/old",
      accessKeys: [{ ...EXPIRED, expiresAt: "2020-01-01T00:00:00Z" }],
      policy: [{ effect: "Allow", actions: ["*"], resources: ["*"] }],
    });
  });
  return startScenario(world, {
    AWS_REGION: "us-east-1",
    AWS_PROFILE: "dev",
    AWS_ACCESS_KEY_ID: undefined,
    AWS_SECRET_ACCESS_KEY: undefined,
  });
}
afterEach(async () => {
  await current?.emulator.close();
  current = undefined;
});

describe("awsAuthRefresh", () => {
  it("runs the refresh command once on expired credentials, then the retried turn succeeds", async () => {
    current = await startExpiredProfile();
    const aws = join(current.home, ".aws");
    mkdirSync(aws, { recursive: true });
    const credentials = join(aws, "credentials");
    writeFileSync(
      credentials,
      `[dev]\naws_access_key_id = ${EXPIRED.accessKeyId}\naws_secret_access_key = ${EXPIRED.secretAccessKey}\naws_session_token = ${EXPIRED.sessionToken}\n`,
    );
    const fresh = join(current.home, "fresh-credentials");
    writeFileSync(
      fresh,
      `[dev]\naws_access_key_id = ${DEFAULT_ACCESS_KEY_ID}\naws_secret_access_key = ${DEFAULT_SECRET_ACCESS_KEY}\n`,
    );
    // The refresh command stands in for `aws sso login`: it writes new credentials where the chain reads them.
    mkdirSync(join(current.home, ".quarry"), { recursive: true });
    writeFileSync(
      join(current.home, ".quarry", "settings.json"),
      JSON.stringify({
        awsAuthRefresh: `cp '${fresh}' '${credentials}' && echo refreshed >> '${join(current.home, "refresh.log")}'`,
      }),
    );

    const { provider } = await openSession(current);
    const { text } = await collect(provider.streamTurn(hello));
    expect(text).toContain("Emulated reply");
    const statuses = runtimeCalls(current.emulator).map((c) => c[3]);
    expect(statuses).toEqual([403, 200]);
    expect(
      current.emulator.log.filter((e) => e.service === "bedrock-runtime").map((e) => e.identity),
    ).toEqual([undefined, "default"]);
    expect(readFileSync(join(current.home, "refresh.log"), "utf8")).toBe("refreshed\n");
  });

  it("runs the refresh command at most once per call when the credentials stay expired, then reports it", async () => {
    current = await startExpiredProfile();
    const aws = join(current.home, ".aws");
    mkdirSync(aws, { recursive: true });
    writeFileSync(
      join(aws, "credentials"),
      `[dev]\naws_access_key_id = ${EXPIRED.accessKeyId}\naws_secret_access_key = ${EXPIRED.secretAccessKey}\naws_session_token = ${EXPIRED.sessionToken}\n`,
    );
    // A refresh that fixes nothing (an SSO login for the wrong account): the credentials stay expired.
    const log = join(current.home, "refresh.log");
    mkdirSync(join(current.home, ".quarry"), { recursive: true });
    writeFileSync(
      join(current.home, ".quarry", "settings.json"),
      JSON.stringify({ awsAuthRefresh: `echo refreshed >> '${log}'` }),
    );

    const { provider } = await openSession(current);
    await expect(collect(provider.streamTurn(hello))).rejects.toMatchObject({ kind: "expired-credentials" });
    expect(readFileSync(log, "utf8")).toBe("refreshed\n");
    expect(runtimeCalls(current.emulator).map((c) => c[3])).toEqual([403, 403]);
  });
});
