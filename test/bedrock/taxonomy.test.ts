import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_SECRET_ACCESS_KEY } from "../../emulator/index.js";
import type { FaultInput as Fault } from "../../emulator/world/schema.js";
import { type ErrorKind, QuarryError } from "../../src/bedrock/errors.js";
import {
  collect,
  hello,
  openSession,
  runtimeCalls,
  type Scenario,
  startScenario,
  worldWith,
} from "./harness.js";

const SONNET_46 = "anthropic.claude-sonnet-4-6";
const SONNET_46_US = `us.${SONNET_46}`;

let current: Scenario | undefined;
const rendered: string[] = [];
afterEach(async () => {
  if (current) rendered.push(JSON.stringify(current.emulator.log));
  await current?.emulator.close();
  current = undefined;
});

async function scenario(world: Parameters<typeof startScenario>[0], env: NodeJS.ProcessEnv = {}) {
  current = await startScenario(world, { AWS_REGION: "us-east-1", ...env });
  return current;
}

/** Runs one streamed turn that must fail, and returns the QuarryError (rendered text kept for the secret check). */
async function failingTurn(s: Scenario): Promise<QuarryError> {
  const { provider } = await openSession(s);
  const err = await collect(provider.streamTurn(hello)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(QuarryError);
  const q = err as QuarryError;
  rendered.push(q.render(), JSON.stringify(q));
  return q;
}

/** A world whose every model call meets this fault. */
function scripted(fault: Fault) {
  return worldWith((w) => {
    w.script = [{ fault }];
  });
}

describe("error taxonomy against the emulator", () => {
  it("model not enabled (main model): names model and region, points at the model access page", async () => {
    const s = await scenario(
      worldWith((w) => {
        w.models!.find((m) => m.modelId === SONNET_46)!.access = { authorized: false };
      }),
    );
    const err = await failingTurn(s);
    expect(err.kind).toBe("model-not-enabled");
    expect(err.explanation).toBe(`${SONNET_46_US} is not enabled for this account in us-east-1.`);
    expect(err.fix).toContain("https://console.aws.amazon.com/bedrock/home?region=us-east-1#/modelaccess");
    expect(runtimeCalls(s.emulator)).toHaveLength(1);
  });

  it("IAM denied: the action and resource from Bedrock's message, and the statement to add", async () => {
    const s = await scenario(
      worldWith((w) => {
        w.identities![0]!.policy = [
          {
            effect: "Allow",
            actions: ["bedrock:InvokeModel", "bedrock:List*", "bedrock:Get*"],
            resources: ["*"],
          },
        ];
      }),
    );
    const err = await failingTurn(s);
    expect(err.kind).toBe("iam-denied");
    expect(err.explanation).toBe(
      `Your IAM identity is not allowed to call bedrock:InvokeModelWithResponseStream on arn:aws:bedrock:us-east-1:123456789012:inference-profile/${SONNET_46_US}.`,
    );
    expect(err.fix).toContain('"Action":["bedrock:InvokeModelWithResponseStream"]');
    expect(err.fix).toContain("arn:aws:iam::123456789012:user/quarry-dev");
  });

  it("use-case form not submitted", async () => {
    const s = await scenario(
      worldWith((w) => {
        w.models!.find((m) => m.modelId === SONNET_46)!.access = { useCaseSubmitted: false };
      }),
    );
    const err = await failingTurn(s);
    expect(err.kind).toBe("use-case-required");
    expect(err.status).toBe(404);
    expect(err.fix).toContain("use case details form");
  });

  it("Marketplace agreement missing", async () => {
    const s = await scenario(
      worldWith((w) => {
        w.models!.find((m) => m.modelId === SONNET_46)!.access = { marketplaceAgreement: false };
      }),
    );
    const err = await failingTurn(s);
    expect(err.kind).toBe("marketplace-agreement");
    expect(err.fix).toContain("aws-marketplace:Subscribe");
  });

  it("an unknown model ID", async () => {
    const s = await scenario(undefined, { ANTHROPIC_MODEL: "us.anthropic.claude-sonnet-9-9" });
    const err = await failingTurn(s);
    expect(err.kind).toBe("invalid-model-id");
    expect(err.explanation).toBe(
      "Bedrock does not know the model ID us.anthropic.claude-sonnet-9-9 in us-east-1.",
    );
    expect(err.fix).toContain("quarry models");
    expect(err.fix).toContain("ANTHROPIC_MODEL");
  });

  it("caching refused by the model: turned off for the session with one notice, the turn still completes", async () => {
    const s = await scenario(
      worldWith((w) => {
        w.models!.find((m) => m.modelId === SONNET_46)!.promptCaching = false;
      }),
      // The bundled catalog says Sonnet 4.6 caches; the account/region says no. Bedrock's answer wins.
    );
    const { provider } = await openSession(s);
    const first = await collect(provider.streamTurn({ ...hello, system: "You are Quarry." }));
    const notices = first.events.filter((e) => e.type === "notice");
    expect(notices).toEqual([
      {
        type: "notice",
        message: `Prompt caching is not available for ${SONNET_46_US} in us-east-1; continuing without it for this session.`,
      },
    ]);
    const second = await collect(provider.streamTurn({ ...hello, system: "You are Quarry." }));
    expect(second.events.some((e) => e.type === "notice")).toBe(false);
    const bodies = s.emulator.log
      .filter((e) => e.service === "bedrock-runtime")
      .map((e) => JSON.stringify(e.body));
    expect(bodies.map((b) => b.includes("cache_control"))).toEqual([true, false, false]);
    expect(runtimeCalls(s.emulator).map((c) => c[3])).toEqual([400, 200, 200]);
  });

  const transient: [string, Fault, ErrorKind][] = [
    ["service unavailable (503, retries exhausted)", { kind: "http", status: 503 }, "service-unavailable"],
    ["model timeout (408)", { kind: "http", status: 408 }, "model-timeout"],
    [
      "in-stream modelStreamErrorException",
      { kind: "stream-exception", exception: "modelStreamErrorException" },
      "model-error",
    ],
    [
      "in-stream throttlingException",
      { kind: "stream-exception", exception: "throttlingException" },
      "throttled",
    ],
  ];
  for (const [name, fault, kind] of transient) {
    it(`${name}: retried within bounds, then reported as ${kind}`, async () => {
      const s = await scenario(scripted(fault));
      const err = await failingTurn(s);
      expect(err.kind).toBe(kind);
      expect(err.retryable).toBe(true);
      expect(runtimeCalls(s.emulator)).toHaveLength(4); // the test policy's maxAttempts
    });
  }

  const hard: [string, Fault, ErrorKind, string][] = [
    [
      "quota exceeded",
      {
        kind: "http",
        status: 400,
        exception: "ServiceQuotaExceededException",
        message: "Too many tokens per day.",
      },
      "quota-exceeded",
      "Service Quotas",
    ],
    [
      "context too long",
      {
        kind: "http",
        status: 400,
        exception: "ValidationException",
        message: "Input is too long for requested model.",
      },
      "context-too-long",
      "/compact",
    ],
  ];
  for (const [name, fault, kind, fixText] of hard) {
    it(`${name}: fails fast with a fix`, async () => {
      const s = await scenario(scripted(fault));
      const err = await failingTurn(s);
      expect(err.kind).toBe(kind);
      expect(err.fix).toContain(fixText);
      expect(runtimeCalls(s.emulator)).toHaveLength(1);
    });
  }

  it("no credentials anywhere", async () => {
    const s = await scenario(undefined, {
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      AWS_EC2_METADATA_DISABLED: "true",
    });
    const err = await failingTurn(s);
    expect(err.kind).toBe("no-credentials");
    expect(err.fix).toContain("AWS_PROFILE");
    expect(runtimeCalls(s.emulator)).toHaveLength(0);
  });

  it("an invalid Bedrock API key", async () => {
    const s = await scenario(undefined, { AWS_BEARER_TOKEN_BEDROCK: "ABSKbm90LWEtcmVhbC1rZXktYXQtYWxs" });
    const err = await failingTurn(s);
    expect(err.kind).toBe("invalid-credentials");
    expect(err.fix).toContain("AWS_BEARER_TOKEN_BEDROCK");
    expect(s.emulator.log[0]!.authScheme).toBe("bearer");
  });

  it("never leaks the secret key, session token or API key into errors or the emulator log", () => {
    const all = rendered.join("\n");
    expect(all.length).toBeGreaterThan(1000);
    expect(all).not.toContain(DEFAULT_SECRET_ACCESS_KEY);
    expect(all).not.toContain("ABSKbm90LWEtcmVhbC1rZXktYXQtYWxs");
    expect(all).not.toMatch(/Signature=[0-9a-f]{64}/);
  });
});
