import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY } from "../../emulator/index.js";
import { closeAll, doctorJson, quarry, worldWith } from "./harness.js";

const SONNET_46 = "us.anthropic.claude-sonnet-4-6";
const SONNET_45 = "anthropic.claude-sonnet-4-5-20250929-v1:0";
const HAIKU_45 = "anthropic.claude-haiku-4-5-20251001-v1:0";
const ACCOUNT = "123456789012";

afterAll(closeAll);

/** Ids of checks with the given status. */
const ids = (checks: { id: string; status: string }[], status: string) =>
  checks.filter((c) => c.status === status).map((c) => c.id);

describe("quarry doctor against the emulator", () => {
  it("reads the model's listing (GetFoundationModel): a Legacy model warns with the catalog's replacement", async () => {
    const world = worldWith((w) => {
      w.models!.find((m) => m.modelId === "anthropic.claude-sonnet-4-6")!.lifecycle = "LEGACY";
    });
    const r = await doctorJson({ world });
    const account = r.check("model.main.account");
    expect(account.status).toBe("warn");
    expect(account.detail).toContain(
      "anthropic.claude-sonnet-4-6: streams, input TEXT+IMAGE, lifecycle LEGACY",
    );
    expect(account.fix).toContain("Switch to Claude Sonnet 5.5");
    expect(account.fix).toContain("anthropic.claude-sonnet-5-5");
    expect(r.check("model.small.account").status).toBe("pass");
  });

  it("everything fine: every check passes, exit 0, one runtime probe per model plus the caching probe", async () => {
    const r = await doctorJson();
    expect(r.code).toBe(0);
    expect(r.ok).toBe(true);
    expect(ids(r.checks, "fail")).toEqual([]);
    expect(ids(r.checks, "warn")).toEqual([]);
    expect(r.check("credentials").detail).toContain(
      `account ${ACCOUNT}, arn:aws:iam::${ACCOUNT}:user/quarry-dev`,
    );
    expect(r.check("credentials").detail).toContain("environment variables (AWS_ACCESS_KEY_ID");
    expect(r.check("model.main.resolve").detail).toContain(`sonnet (default) → ${SONNET_46}`);
    expect(r.check("model.small.resolve").detail).toContain(`us.${HAIKU_45}`);
    expect(r.check("model.main.exists").detail).toContain("routes to us-east-1");
    expect(r.check("model.main.stream").detail).toContain("application/vnd.amazon.eventstream");
    expect(r.check("model.main.stream").detail).toContain("message_stop");
    expect(r.check("model.main.ttft").detail).toMatch(/^\d+ ms$/);
    const runtime = r.emulator.log.filter((e) => e.service === "bedrock-runtime");
    expect(runtime.map((e) => [e.operation, e.modelId]).sort()).toEqual(
      [
        ["invoke", SONNET_46],
        ["invoke", `us.${HAIKU_45}`],
        ["invoke-with-response-stream", SONNET_46],
        ["invoke-with-response-stream", `us.${HAIKU_45}`],
      ].sort(),
    );
  });

  it("human report: one line per check with ✓, a summary, and no ANSI codes when not a TTY", async () => {
    const r = await quarry(["doctor"], { env: { NO_COLOR: "1" } });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain("\u001b[");
    expect(r.stdout).toMatch(/^✓ Region: us-east-1 \(env AWS_REGION\) \(\d+ ms\)$/m);
    expect(r.stdout).toMatch(/^✓ main model invoke permission: /m);
    expect(r.stdout).toMatch(/^OK: \d+ passed, 0 failed(, \d+ skipped)? in \d+ ms$/m);
  });

  it("--json has exactly the documented shape", async () => {
    const r = await doctorJson();
    expect(Object.keys(JSON.parse(r.stdout))).toEqual(["ok", "checks"]);
    for (const c of r.checks) {
      expect(Object.keys(c)).toEqual(["id", "status", "title", "detail", "fix", "ms"]);
      expect(["pass", "warn", "fail", "skip"]).toContain(c.status);
      expect(typeof c.ms).toBe("number");
      expect(c.fix === null || typeof c.fix === "string").toBe(true);
    }
    expect(new Set(r.checks.map((c) => c.id)).size).toBe(r.checks.length);
  });

  it("small model not enabled: fails naming that model and region with the console fix; main passes", async () => {
    const world = worldWith((w) => {
      w.models!.find((m) => m.modelId === HAIKU_45)!.access = { authorized: false };
    });
    const r = await doctorJson({ world });
    expect(r.code).toBe(1);
    expect(r.failing).toEqual(["model.small.access", "model.small.invoke"]);
    const access = r.check("model.small.access");
    expect(access.detail).toContain(`${HAIKU_45} is not enabled for this account in us-east-1`);
    expect(access.fix).toBe(
      "Enable it in the Bedrock console: https://console.aws.amazon.com/bedrock/home?region=us-east-1#/modelaccess",
    );
    expect(r.check("model.small.invoke").detail).toContain(`us.${HAIKU_45}`);
    expect(r.check("model.small.invoke").fix).toContain("region=us-east-1#/modelaccess");
    for (const id of ["resolve", "exists", "access", "invoke", "stream", "caching", "ttft"])
      expect(r.check(`model.main.${id}`).status).toBe("pass");

    // The human report prints the fix under the failure.
    const human = await quarry(["doctor"], { emulator: r.emulator });
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(
      /^✗ small\/fast model access: .*\n {4}Fix: Enable it in the Bedrock console: https:\/\/console\.aws\.amazon\.com\/bedrock\/home\?region=us-east-1#\/modelaccess$/m,
    );
    expect(human.stdout).toMatch(/^FAILED: \d+ passed, 2 failed/m);
  });

  it("main model denied by IAM: names the action and the resource, and the statement to add", async () => {
    const world = worldWith((w) => {
      w.identities![0]!.policy = [
        { effect: "Allow", actions: ["bedrock:List*", "bedrock:Get*"], resources: ["*"] },
        {
          effect: "Allow",
          actions: ["bedrock:InvokeModel*"],
          resources: [
            "arn:aws:bedrock:*:*:inference-profile/us.anthropic.claude-haiku-*",
            "arn:aws:bedrock:*::foundation-model/anthropic.claude-haiku-*",
          ],
        },
      ];
    });
    const r = await doctorJson({ world });
    expect(r.code).toBe(1);
    const resource = `arn:aws:bedrock:us-east-1:${ACCOUNT}:inference-profile/${SONNET_46}`;
    const invoke = r.check("model.main.invoke");
    expect(invoke.status).toBe("fail");
    expect(invoke.detail).toContain(
      `Your IAM identity is not allowed to call bedrock:InvokeModelWithResponseStream on ${resource}.`,
    );
    expect(invoke.fix).toContain(
      `Add this statement to the IAM policy of arn:aws:iam::${ACCOUNT}:user/quarry-dev: {"Effect":"Allow","Action":["bedrock:InvokeModelWithResponseStream"],"Resource":["${resource}"]}`,
    );
    expect(invoke.fix).toContain("quarry doctor --iam-policy");
    // Side tasks use InvokeModel: its denial is named too.
    expect(r.check("model.main.caching").detail).toContain(`bedrock:InvokeModel on ${resource}`);
    expect(r.check("model.small.invoke").status).toBe("pass");
  });

  it("no region anywhere: the region check fails with the three places to set it; identity still checked", async () => {
    const r = await doctorJson({ env: { AWS_REGION: null } });
    expect(r.code).toBe(1);
    const region = r.check("region");
    expect(region.status).toBe("fail");
    expect(region.detail).toBe("No AWS region is configured, and Quarry will not guess one.");
    expect(region.fix).toContain("export AWS_REGION=us-east-1");
    expect(region.fix).toContain("AWS_DEFAULT_REGION");
    expect(region.fix).toContain("region = us-east-1");
    expect(r.check("credentials").status).toBe("pass");
    expect(r.check("model").status).toBe("skip");
    expect(r.failing).toEqual(["region"]);
  });

  it("region only in the AWS profile: passes and says where it came from", async () => {
    const r = await doctorJson({
      env: { AWS_REGION: null },
      files: { ".aws/config": "[default]\nregion = us-west-2\n" },
    });
    expect(r.code).toBe(0);
    const region = r.check("region");
    expect(region.status).toBe("pass");
    expect(region.detail).toContain("us-west-2 (");
    expect(region.detail).toContain("[default] region");
    expect(region.detail).toContain("AWS_REGION is not set: the region comes from");
    expect(region.detail).toContain("export AWS_REGION=us-west-2");
    expect(r.check("model.main.invoke").detail).toContain(`${SONNET_46} in us-west-2`);
  });

  it("us. profile in eu-west-1: fails before any request, fix names the eu. profile", async () => {
    const r = await doctorJson({ env: { AWS_REGION: "eu-west-1", ANTHROPIC_MODEL: `us.${SONNET_45}` } });
    expect(r.code).toBe(1);
    const resolve = r.check("model.main.resolve");
    expect(resolve.status).toBe("fail");
    expect(resolve.detail).toContain(`us.${SONNET_45}`);
    expect(resolve.detail).toContain("eu-west-1");
    expect(resolve.fix).toContain(`eu.${SONNET_45}`);
    expect(r.check("model.small.invoke").detail).toContain(`eu.${HAIKU_45} in eu-west-1`);
    expect(
      r.emulator.log.some((e) => e.modelId === `us.${SONNET_45}` && e.service === "bedrock-runtime"),
    ).toBe(false);
  });

  it("bare ID that needs a profile: warns, and the fix is the export line with the profile ID", async () => {
    const r = await doctorJson({ env: { ANTHROPIC_MODEL: SONNET_45 } });
    expect(r.code).toBe(0);
    const resolve = r.check("model.main.resolve");
    expect(resolve.status).toBe("warn");
    expect(resolve.detail).toContain(`${SONNET_45} cannot be invoked on demand in us-east-1`);
    expect(resolve.fix).toBe(`export ANTHROPIC_MODEL=us.${SONNET_45}`);
    expect(r.check("model.main.invoke").status).toBe("pass");
  });

  it("ARN in another region: fails naming both regions, fix sets AWS_REGION", async () => {
    const arn = `arn:aws:bedrock:us-west-2:${ACCOUNT}:inference-profile/${SONNET_46}`;
    const r = await doctorJson({ env: { ANTHROPIC_MODEL: arn } });
    expect(r.code).toBe(1);
    const resolve = r.check("model.main.resolve");
    expect(resolve.status).toBe("fail");
    expect(resolve.detail).toContain("us-west-2");
    expect(resolve.detail).toContain("us-east-1");
    expect(resolve.fix).toContain("AWS_REGION=us-west-2");
  });

  it("expired session token: the credentials check fails with the refresh step; model checks are skipped", async () => {
    const world = worldWith((w) => {
      w.identities![0]!.accessKeys = [
        {
          accessKeyId: "ASIAEXPIREDEXAMPLE01",
          secretAccessKey: "expiredSecret",
          sessionToken: "expired-session-token",
          expiresAt: "2020-01-01T00:00:00Z",
        },
      ];
    });
    const r = await doctorJson({
      world,
      env: {
        AWS_ACCESS_KEY_ID: "ASIAEXPIREDEXAMPLE01",
        AWS_SECRET_ACCESS_KEY: "expiredSecret",
        AWS_SESSION_TOKEN: "expired-session-token",
      },
    });
    expect(r.code).toBe(1);
    expect(r.failing).toEqual(["credentials"]);
    const creds = r.check("credentials");
    expect(creds.detail).toContain("expired");
    expect(creds.fix).toContain("aws sso login");
    expect(creds.fix).toContain("AWS_SESSION_TOKEN");
    expect(r.check("model.main.invoke").status).toBe("skip");
  });

  it("expired SSO-style profile credentials: the fix is aws sso login for that profile", async () => {
    const world = worldWith((w) => {
      w.identities![0]!.accessKeys!.push({
        accessKeyId: "ASIAEXPIREDEXAMPLE02",
        secretAccessKey: "expiredSecret",
        sessionToken: "expired-session-token",
        expiresAt: "2020-01-01T00:00:00Z",
      });
    });
    const r = await doctorJson({
      world,
      env: { AWS_ACCESS_KEY_ID: null, AWS_SECRET_ACCESS_KEY: null, AWS_PROFILE: "dev" },
      files: {
        ".aws/config": "[profile dev]\nregion = us-east-1\n",
        ".aws/credentials":
          "[dev]\naws_access_key_id = ASIAEXPIREDEXAMPLE02\naws_secret_access_key = expiredSecret\naws_session_token = expired-session-token\n",
      },
    });
    expect(r.check("credentials").status).toBe("fail");
    expect(r.check("credentials").detail).toContain("profile dev");
    expect(r.check("credentials").fix).toBe("aws sso login --profile dev");
  });

  it("credentials from the [default] profile: the account is shown plainly with how to pick another", async () => {
    const r = await doctorJson({
      env: { AWS_ACCESS_KEY_ID: null, AWS_SECRET_ACCESS_KEY: null },
      files: {
        ".aws/credentials": `[default]\naws_access_key_id = ${DEFAULT_ACCESS_KEY_ID}\naws_secret_access_key = ${DEFAULT_SECRET_ACCESS_KEY}\n`,
      },
    });
    expect(r.code).toBe(0);
    const creds = r.check("credentials");
    expect(creds.detail).toContain("credentials from profile default (default profile): keys in");
    expect(creds.detail).toContain(
      `AWS_PROFILE is not set, so the [default] profile is used: account ${ACCOUNT}. If Bedrock is set up in another account, export AWS_PROFILE=<that profile>`,
    );
  });

  it("wrong secret key: the credentials check names the secret as the problem", async () => {
    const r = await doctorJson({ env: { AWS_SECRET_ACCESS_KEY: "not-the-right-secret" } });
    expect(r.code).toBe(1);
    expect(r.failing).toEqual(["credentials"]);
    const creds = r.check("credentials");
    expect(creds.detail).toContain("secret access key does not match");
    expect(creds.fix).toContain("Check AWS_SECRET_ACCESS_KEY");
  });

  it("no credentials at all: says so and lists the ways to provide them", async () => {
    const r = await doctorJson({ env: { AWS_ACCESS_KEY_ID: null, AWS_SECRET_ACCESS_KEY: null } });
    expect(r.code).toBe(1);
    expect(r.failing).toEqual(["credentials"]);
    const creds = r.check("credentials");
    expect(creds.detail).toContain("No AWS credentials were found.");
    expect(creds.fix).toContain("export AWS_ACCESS_KEY_ID");
    expect(creds.fix).toContain("AWS_PROFILE");
    expect(creds.fix).toContain("aws sts get-caller-identity");
  });

  it("stream re-encoded by a proxy: invoke passes, the stream check fails naming the content type", async () => {
    const world = worldWith((w) => {
      w.script = [{ model: "sonnet", fault: { kind: "proxy", as: "sse" } }];
    });
    const r = await doctorJson({ world });
    expect(r.code).toBe(1);
    expect(r.check("model.main.invoke").status).toBe("pass");
    const stream = r.check("model.main.stream");
    expect(stream.status).toBe("fail");
    expect(stream.detail).toContain("content-type text/event-stream");
    expect(stream.detail).toContain("re-encoding the stream");
    expect(stream.fix).toContain("NO_PROXY");
    expect(r.check("model.small.stream").status).toBe("pass");
  });

  it("prompt caching rejected: warns with the DISABLE_PROMPT_CACHING fix; skipped when caching is off", async () => {
    const world = worldWith((w) => {
      w.models!.find((m) => m.modelId === HAIKU_45)!.promptCaching = false;
    });
    const r = await doctorJson({ world });
    expect(r.code).toBe(0);
    const caching = r.check("model.small.caching");
    expect(caching.status).toBe("warn");
    expect(caching.detail).toContain("did not allow prompt caching");
    expect(caching.fix).toBe("export DISABLE_PROMPT_CACHING=1");
    expect(r.check("model.main.caching").status).toBe("pass");

    const off = await doctorJson({ emulator: r.emulator, env: { DISABLE_PROMPT_CACHING: "1" } });
    expect(off.check("model.small.caching").status).toBe("skip");
    expect(off.check("model.small.caching").detail).toContain("DISABLE_PROMPT_CACHING");
  });

  it("throttled once: the probe retries, counts the model as reachable, and warns about quota", async () => {
    const world = worldWith((w) => {
      w.script = [{ model: "sonnet", times: 1, fault: { kind: "http", status: 429 } }];
    });
    const r = await doctorJson({ world, env: { DISABLE_PROMPT_CACHING: "1" } });
    expect(r.code).toBe(0);
    const invoke = r.check("model.main.invoke");
    expect(invoke.status).toBe("warn");
    expect(invoke.detail).toContain("HTTP 429 (throttled) on the first try, then HTTP 200");
    expect(invoke.fix).toContain("Service Quotas");
    expect(r.check("model.main.stream").status).toBe("pass");
    const streams = r.emulator.log.filter(
      (e) => e.operation === "invoke-with-response-stream" && e.modelId === SONNET_46,
    );
    expect(streams.map((e) => e.status)).toEqual([429, 200]);
  });
});

describe("quarry doctor configuration", () => {
  it("checks each pinned alias as its own model", async () => {
    const r = await doctorJson({ env: { ANTHROPIC_DEFAULT_OPUS_MODEL: "us.anthropic.claude-opus-4-6-v1" } });
    expect(r.code).toBe(0);
    expect(r.check("model.opus-pin.resolve").detail).toContain(
      "opus (env ANTHROPIC_DEFAULT_OPUS_MODEL) → us.anthropic.claude-opus-4-6-v1",
    );
    expect(r.check("model.opus-pin.invoke").status).toBe("pass");
  });

  it("conflicting and deprecated small-model names, and values from Claude Code's settings, are reported", async () => {
    const r = await doctorJson({
      env: {
        ANTHROPIC_SMALL_FAST_MODEL: `us.${HAIKU_45}`,
        ANTHROPIC_DEFAULT_HAIKU_MODEL: "us.anthropic.claude-3-haiku-20240307-v1:0",
        CLAUDE_CODE_USE_BEDROCK: null,
      },
      files: { ".claude/settings.json": JSON.stringify({ env: { CLAUDE_CODE_USE_BEDROCK: "1" } }) },
    });
    const config = r.check("config");
    expect(config.status).toBe("warn");
    expect(config.detail).toMatch(
      /provider bedrock \(.*\.claude\/settings\.json \(env\.CLAUDE_CODE_USE_BEDROCK\)\)/,
    );
    expect(config.detail).toContain("come from Claude Code's settings");
    expect(config.detail).toContain(
      "ANTHROPIC_SMALL_FAST_MODEL (env ANTHROPIC_SMALL_FAST_MODEL) is a deprecated name",
    );
    expect(config.detail).toContain("differs from the haiku pin");
    expect(config.fix).toContain("export ANTHROPIC_DEFAULT_HAIKU_MODEL=");
  });

  it("provider not Bedrock: the configuration check fails with the switch to set", async () => {
    const r = await doctorJson({ env: { CLAUDE_CODE_USE_BEDROCK: null } });
    expect(r.code).toBe(1);
    expect(r.check("config").status).toBe("fail");
    expect(r.check("config").fix).toBe("export CLAUDE_CODE_USE_BEDROCK=1");
  });

  it("unreadable configuration: exit 2 with the message and the fix", async () => {
    const r = await quarry(["doctor"], { files: { ".quarry/settings.json": "{ not json" } });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("settings.json");
    expect(r.stderr).toContain("Fix:");
  });

  it("network: proxy, custom CA and endpoint overrides are shown", async () => {
    const r = await doctorJson({
      env: {
        HTTPS_PROXY: "http://user:secret@proxy.example:8080",
        NO_PROXY: "127.0.0.1",
        NODE_EXTRA_CA_CERTS: "/nonexistent/ca.pem",
      },
    });
    const proxy = r.check("network.proxy");
    expect(proxy.detail).toContain("HTTPS_PROXY = http://user:****@proxy.example:8080");
    expect(proxy.detail).not.toContain("secret");
    expect(proxy.detail).toMatch(/runtime http:\/\/127\.0\.0\.1:\d+ → direct/);
    const ca = r.check("network.ca");
    expect(ca.status).toBe("warn");
    expect(ca.fix).toContain("NODE_EXTRA_CA_CERTS");
    expect(r.check("network.endpoints").detail).toContain("AWS_ENDPOINT_URL = http://127.0.0.1:");
  });
});
