import { describe, expect, it } from "vitest";
import type { AwsProfileInfo } from "./aws-config.js";
import { CredentialCache, chooseAuthMode, describeCredentialSource } from "./credentials.js";
import { QuarryError } from "./errors.js";

const profile = (config: Record<string, string> = {}, hasStaticKeys = false): AwsProfileInfo => ({
  name: "dev",
  nameSource: "env AWS_PROFILE",
  configFile: "/h/.aws/config",
  credentialsFile: "/h/.aws/credentials",
  config,
  hasStaticKeys,
});

describe("CredentialCache", () => {
  it("resolves once for concurrent callers and reuses until shortly before expiry", async () => {
    let now = 1_000_000;
    let calls = 0;
    const cache = new CredentialCache({
      now: () => now,
      load: async () => {
        calls++;
        return { accessKeyId: "ASIA1", secretAccessKey: "s", expiration: new Date(now + 60 * 60 * 1000) };
      },
    });
    await Promise.all([cache.get(), cache.get(), cache.get()]);
    expect(calls).toBe(1);
    now += 50 * 60 * 1000; // 10 minutes left: still fine
    await cache.get();
    expect(calls).toBe(1);
    now += 6 * 60 * 1000; // 4 minutes left: inside the refresh window
    await cache.get();
    expect(calls).toBe(2);
  });

  it("turns an expired SSO session into the exact login command", async () => {
    const cache = new CredentialCache({
      context: { awsProfile: "dev" },
      load: async () => {
        throw Object.assign(
          new Error(
            "The SSO session associated with this profile has expired. To refresh this SSO session run aws sso login with the corresponding profile.",
          ),
          { name: "CredentialsProviderError" },
        );
      },
    });
    const err = (await cache.get().catch((e: unknown) => e)) as QuarryError;
    expect(err).toBeInstanceOf(QuarryError);
    expect(err.kind).toBe("expired-credentials");
    expect(err.fix).toBe("aws sso login --profile dev");
  });

  it("runs awsAuthRefresh once, then retries", async () => {
    let refreshed = 0;
    let loads = 0;
    const cache = new CredentialCache({
      authRefresh: {
        command: "my-login",
        run: async () => {
          refreshed++;
        },
      },
      load: async () => {
        loads++;
        if (refreshed === 0)
          throw Object.assign(new Error("Token is expired"), { name: "CredentialsProviderError" });
        return { accessKeyId: "AKIA1", secretAccessKey: "s" };
      },
    });
    await expect(cache.get()).resolves.toMatchObject({ accessKeyId: "AKIA1" });
    expect(refreshed).toBe(1);
    expect(loads).toBe(2);
  });

  it("does not loop when the refresh command does not help", async () => {
    let refreshed = 0;
    const cache = new CredentialCache({
      authRefresh: { command: "my-login", run: async () => void refreshed++ },
      context: { authRefreshCommand: "my-login" },
      load: async () => {
        throw Object.assign(new Error("Token is expired"), { name: "CredentialsProviderError" });
      },
    });
    const err = (await cache.get().catch((e: unknown) => e)) as QuarryError;
    expect(refreshed).toBe(1);
    expect(err.kind).toBe("expired-credentials");
  });
});

describe("auth mode and credential source", () => {
  it("follows Claude Code's order: skip-auth, API key, AWS chain", () => {
    expect(
      chooseAuthMode({ CLAUDE_CODE_SKIP_BEDROCK_AUTH: "1", AWS_BEARER_TOKEN_BEDROCK: "x" }, profile()).kind,
    ).toBe("none");
    expect(
      chooseAuthMode({ CLAUDE_CODE_SKIP_BEDROCK_AUTH: "0", AWS_BEARER_TOKEN_BEDROCK: "x" }, profile()).kind,
    ).toBe("bearer");
    expect(chooseAuthMode({}, profile()).kind).toBe("sigv4");
  });

  it("names the link of the chain that will supply credentials, never the secret", () => {
    const env = {
      AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
      AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    };
    const text = describeCredentialSource(env, profile());
    expect(text).toBe("environment variables (AWS_ACCESS_KEY_ID …MPLE)");
    expect(text).not.toContain("wJalr");
    expect(describeCredentialSource({}, profile({ sso_session: "corp" }))).toBe(
      "profile dev (env AWS_PROFILE): SSO",
    );
    expect(describeCredentialSource({}, profile({ credential_process: "x" }))).toContain(
      "credential_process",
    );
    expect(describeCredentialSource({}, profile({}, true))).toContain("keys in /h/.aws/credentials");
  });
});
