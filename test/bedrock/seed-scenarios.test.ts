import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY } from "../../emulator/index.js";
import { QuarryError } from "../../src/bedrock/errors.js";
import {
  collect,
  hello,
  openSession,
  runtimeCalls,
  type Scenario,
  startScenario,
  worldWith,
} from "./harness.js";

const SONNET_46_US = "us.anthropic.claude-sonnet-4-6";
const HAIKU_45 = "anthropic.claude-haiku-4-5-20251001-v1:0";
const SONNET_45 = "anthropic.claude-sonnet-4-5-20250929-v1:0";

let current: Scenario | undefined;
afterEach(async () => {
  await current?.emulator.close();
  current = undefined;
});

async function scenario(world: Parameters<typeof startScenario>[0], env: NodeJS.ProcessEnv) {
  current = await startScenario(world, env);
  return current;
}

async function failure(p: Promise<unknown>): Promise<QuarryError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(QuarryError);
  return err as QuarryError;
}

describe("seed scenarios against the emulator", () => {
  it("works end to end with the defaults: sonnet alias → the region's us. profile", async () => {
    const s = await scenario(undefined, { AWS_REGION: "us-east-1" });
    const { provider, main } = await openSession(s);
    expect(main.sendId).toBe(SONNET_46_US);
    const { text } = await collect(provider.streamTurn(hello));
    expect(text).toBe("Emulated reply from Claude Sonnet 4.6: hello");
    expect(runtimeCalls(s.emulator)).toEqual([
      ["invoke-with-response-stream", SONNET_46_US, "us-east-1", 200],
    ]);
  });

  it("Haiku not enabled while Sonnet works: one warning, side tasks move to the main model", async () => {
    const world = worldWith((w) => {
      const haiku = w.models!.find((m) => m.modelId === HAIKU_45)!;
      haiku.access = { authorized: false };
    });
    const s = await scenario(world, { AWS_REGION: "us-east-1" });
    const { provider, notices } = await openSession(s);
    const title = await provider.complete(
      { messages: [{ role: "user", content: "title please" }] },
      { role: "title" },
    );
    expect(title.content[0]).toMatchObject({ type: "text" });
    await provider.complete({ messages: [{ role: "user", content: "summarise" }] }, { role: "compaction" });
    const { text } = await collect(provider.streamTurn(hello));
    expect(text).toContain("Claude Sonnet 4.6");

    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain(`us.${HAIKU_45}`);
    expect(notices[0]).toContain("us-east-1");
    expect(notices[0]).toContain("is not enabled for this account in us-east-1");
    expect(notices[0]).toContain("#/modelaccess");
    expect(notices[0]).toContain(`Using the main model ${SONNET_46_US} for side tasks`);
    // Exactly one denied call; never a stream of 403s.
    expect(runtimeCalls(s.emulator)).toEqual([
      ["invoke", `us.${HAIKU_45}`, "us-east-1", 403],
      ["invoke", SONNET_46_US, "us-east-1", 200],
      ["invoke", SONNET_46_US, "us-east-1", 200],
      ["invoke-with-response-stream", SONNET_46_US, "us-east-1", 200],
    ]);
  });

  it("AWS_REGION unset but the profile has one: uses it and says where it came from", async () => {
    const s = await scenario(undefined, { AWS_PROFILE: "dev" });
    mkdirSync(join(s.home, ".aws"), { recursive: true });
    writeFileSync(
      join(s.home, ".aws", "config"),
      "[default]\nregion = us-west-2\n[profile dev]\nregion = eu-west-1\n",
    );
    // With AWS_PROFILE set the SDK chain uses the profile, not env keys: give the profile its keys.
    writeFileSync(
      join(s.home, ".aws", "credentials"),
      `[dev]\naws_access_key_id = ${DEFAULT_ACCESS_KEY_ID}\naws_secret_access_key = ${DEFAULT_SECRET_ACCESS_KEY}\n`,
    );
    const { provider, connection, main } = await openSession(s);
    expect(connection.region.region).toBe("eu-west-1");
    expect(connection.region.source).toContain("[profile dev] region");
    expect(main.sendId).toBe("eu.anthropic.claude-sonnet-4-6");
    await collect(provider.streamTurn(hello));
    expect(runtimeCalls(s.emulator)).toEqual([
      ["invoke-with-response-stream", "eu.anthropic.claude-sonnet-4-6", "eu-west-1", 200],
    ]);
  });

  it("region unset everywhere: a clear error naming the three places, and no request at all", async () => {
    const s = await scenario(undefined, {});
    const err = await failure(openSession(s));
    expect(err.kind).toBe("no-region");
    expect(err.explanation).toBe("No AWS region is configured, and Quarry will not guess one.");
    expect(err.fix).toMatch(/AWS_REGION.*AWS_DEFAULT_REGION.*region = us-east-1/);
    expect(s.emulator.log).toHaveLength(0);
  });

  it("us. profile with AWS_REGION=eu-west-1: caught before any runtime request, fix names the eu. profile", async () => {
    const s = await scenario(undefined, { AWS_REGION: "eu-west-1", ANTHROPIC_MODEL: `us.${SONNET_45}` });
    const err = await failure(openSession(s));
    expect(err.kind).toBe("region-profile-mismatch");
    expect(err.fix).toContain(`eu.${SONNET_45}`);
    expect(runtimeCalls(s.emulator)).toEqual([]);
  });

  it("an ARN from another region: caught before any runtime request, naming both regions", async () => {
    const arn = `arn:aws:bedrock:us-west-2:123456789012:inference-profile/us.${SONNET_45}`;
    const s = await scenario(undefined, { AWS_REGION: "us-east-1", ANTHROPIC_MODEL: arn });
    const err = await failure(openSession(s));
    expect(err.kind).toBe("region-profile-mismatch");
    expect(`${err.explanation} ${err.fix}`).toContain("us-west-2");
    expect(`${err.explanation} ${err.fix}`).toContain("us-east-1");
    expect(runtimeCalls(s.emulator)).toEqual([]);
  });

  it("a bare profile-only ID is rewritten to the confirmed geo profile, announced once", async () => {
    const s = await scenario(undefined, { AWS_REGION: "us-east-1", ANTHROPIC_MODEL: SONNET_45 });
    const { provider, main, announcements } = await openSession(s);
    expect(main.sendId).toBe(`us.${SONNET_45}`);
    expect(main.rewrittenFrom).toBe(SONNET_45);
    await collect(provider.streamTurn(hello));
    expect(announcements.filter((a) => a.includes(`us.${SONNET_45}`))).toHaveLength(1);
    expect(
      s.emulator.log.some(
        (e) => e.path.endsWith("/inference-profiles") && e.query.includes("SYSTEM_DEFINED"),
      ),
    ).toBe(true);
    expect(runtimeCalls(s.emulator)).toEqual([
      ["invoke-with-response-stream", `us.${SONNET_45}`, "us-east-1", 200],
    ]);
  });

  it("a bare profile-only ID without a confirmed profile is sent as is, and the error explains the fix", async () => {
    const world = worldWith((w) => {
      w.inferenceProfiles = w.inferenceProfiles!.filter((p) => p.modelId !== SONNET_45);
    });
    const s = await scenario(world, { AWS_REGION: "us-east-1", ANTHROPIC_MODEL: SONNET_45 });
    const { provider } = await openSession(s);
    const err = await failure(collect(provider.streamTurn(hello)));
    expect(err.kind).toBe("needs-inference-profile");
    expect(err.rawMessage).toContain("on-demand throughput isn’t supported");
    expect(err.fix).toBe(`export ANTHROPIC_MODEL=us.${SONNET_45}`);
    expect(runtimeCalls(s.emulator)).toEqual([["invoke-with-response-stream", SONNET_45, "us-east-1", 400]]);
  });

  it("an expired session token: not retried, and the fix says how to refresh", async () => {
    const world = worldWith((w) => {
      w.identities!.push({
        name: "temp",
        arn: "arn:aws:sts::123456789012:assumed-role/Dev/session",
        accessKeys: [
          {
            accessKeyId: "ASIAEXAMPLETEMPKEY01",
            secretAccessKey: "tempSecretKeyExample0000000000000000000000",
            sessionToken: "FQoGZXIvYXdzEXAMPLETOKEN",
            expiresAt: "2020-01-01T00:00:00Z",
          },
        ],
        policy: [{ effect: "Allow", actions: ["*"], resources: ["*"] }],
      });
    });
    const s = await scenario(world, {
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "ASIAEXAMPLETEMPKEY01",
      AWS_SECRET_ACCESS_KEY: "tempSecretKeyExample0000000000000000000000",
      AWS_SESSION_TOKEN: "FQoGZXIvYXdzEXAMPLETOKEN",
    });
    const { provider } = await openSession(s);
    const err = await failure(collect(provider.streamTurn(hello)));
    expect(err.kind).toBe("expired-credentials");
    expect(err.awsType).toBe("ExpiredTokenException");
    expect(err.fix).toContain("aws sso login");
    expect(runtimeCalls(s.emulator)).toHaveLength(1);
  });

  it("a wrong secret: signature mismatch explained, not retried", async () => {
    const s = await scenario(undefined, {
      AWS_REGION: "us-east-1",
      AWS_SECRET_ACCESS_KEY: "not-the-right-secret",
    });
    const { provider } = await openSession(s);
    const err = await failure(collect(provider.streamTurn(hello)));
    expect(err.kind).toBe("signature-mismatch");
    expect(err.explanation).toContain("secret access key does not match");
    expect(err.render()).not.toContain("not-the-right-secret");
    expect(runtimeCalls(s.emulator)).toHaveLength(1);
  });

  it("throttling then success: retried visibly with backoff", async () => {
    const world = worldWith((w) => {
      w.script = [{ times: 1, fault: { kind: "http", status: 429 } }];
    });
    const s = await scenario(world, { AWS_REGION: "us-east-1" });
    const { provider } = await openSession(s);
    const { events, text } = await collect(provider.streamTurn(hello));
    const retries = events.filter((e) => e.type === "retry");
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ type: "retry", attempt: 1, error: { kind: "throttled" } });
    expect(text).toContain("Emulated reply");
    expect(runtimeCalls(s.emulator).map((c) => c[3])).toEqual([429, 200]);
  });

  it("a stream cut mid-frame then success: the whole streamed request is retried", async () => {
    const world = worldWith((w) => {
      w.script = [{ times: 1, fault: { kind: "cut", atByte: 400 } }];
    });
    const s = await scenario(world, { AWS_REGION: "us-east-1" });
    const { provider } = await openSession(s);
    const { events } = await collect(provider.streamTurn(hello));
    const retry = events.find((e) => e.type === "retry");
    expect(retry).toMatchObject({ error: { kind: "stream-cut" } });
    const stop = events.at(-1);
    expect(stop).toMatchObject({ type: "message_stop" });
    expect(runtimeCalls(s.emulator).map((c) => c[0])).toEqual([
      "invoke-with-response-stream",
      "invoke-with-response-stream",
    ]);
  });

  it("a proxy that re-encodes the stream: reported as a proxy problem, not retried", async () => {
    const world = worldWith((w) => {
      w.script = [{ fault: { kind: "proxy", as: "sse" } }];
    });
    const s = await scenario(world, { AWS_REGION: "us-east-1" });
    const { provider } = await openSession(s);
    const err = await failure(collect(provider.streamTurn(hello)));
    expect(err.kind).toBe("stream-not-eventstream");
    expect(err.explanation).toContain('"text/event-stream"');
    expect(err.explanation).toContain("application/vnd.amazon.eventstream");
    expect(err.fix).toContain("NO_PROXY");
    expect(runtimeCalls(s.emulator)).toHaveLength(1);
  });
});
