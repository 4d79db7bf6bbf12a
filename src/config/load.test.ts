import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeWorld, type TestWorld } from "../../test/support/config-world.js";
import type { ConfigError } from "./errors.js";
import type { LoadSettingsOptions } from "./load.js";
import { Secret } from "./secret.js";
import type { Settings } from "./settings.js";
import { describeSource } from "./sources.js";

let world: TestWorld;
beforeEach(() => {
  world = makeWorld();
});
afterEach(() => world.cleanup());

const load = (options: Partial<LoadSettingsOptions> = {}): Settings => world.load(options);
const loadError = (options: Partial<LoadSettingsOptions> = {}): ConfigError => world.loadError(options);
const projectFile = () => world.files.project;
const localFile = () => world.files.local;
const userFile = () => world.files.user;
const claudeFile = () => world.files.claude;

describe("precedence", () => {
  it("flag > env > local > project > user > claude settings", () => {
    world.write(claudeFile(), { env: { ANTHROPIC_MODEL: "from-claude" } });
    world.write(userFile(), { model: "from-user" });
    world.write(projectFile(), { model: "from-project" });
    world.write(localFile(), { model: "from-local" });
    const env = { ANTHROPIC_MODEL: "from-env" };

    expect(load({ env, flags: { model: "from-flag" } }).model).toEqual({
      value: "from-flag",
      source: { kind: "flag", name: "--model" },
    });
    expect(load({ env }).model).toEqual({
      value: "from-env",
      source: { kind: "env", name: "ANTHROPIC_MODEL" },
    });
    expect(load().model).toEqual({
      value: "from-local",
      source: { kind: "file", path: localFile(), key: "model" },
    });
    world.write(localFile(), {});
    expect(load().model?.source).toEqual({ kind: "file", path: projectFile(), key: "model" });
    world.write(projectFile(), {});
    expect(load().model?.source).toEqual({ kind: "file", path: userFile(), key: "model" });
    world.write(userFile(), {});
    expect(load().model).toEqual({
      value: "from-claude",
      source: { kind: "claude-settings", path: claudeFile(), key: "env.ANTHROPIC_MODEL" },
    });
    world.write(claudeFile(), { model: "claude-top-level" });
    expect(load().model?.source).toEqual({ kind: "claude-settings", path: claudeFile(), key: "model" });
  });

  it("lists the files read, highest priority first", () => {
    world.write(userFile(), {});
    world.write(projectFile(), {});
    world.write(localFile(), {});
    world.write(claudeFile(), {});
    expect(load().files).toEqual([localFile(), projectFile(), userFile(), claudeFile()]);
  });

  it("ignores empty env values, so `VAR= quarry` unsets", () => {
    world.write(projectFile(), { region: "eu-west-1" });
    expect(load({ env: { AWS_REGION: "  " } }).region?.value).toBe("eu-west-1");
  });

  it("falls back to defaults: booleans false, the rest unset", () => {
    const settings = load();
    expect(settings.disablePromptCaching).toEqual({ value: false, source: { kind: "default" } });
    expect(settings.model).toBeUndefined();
    expect(settings.provider).toBeUndefined();
    expect(settings.files).toEqual([]);
    expect(settings.warnings).toEqual([]);
  });
});

describe("env names", () => {
  const cases: [string, string, keyof Settings, unknown][] = [
    ["AWS_REGION", "us-west-2", "region", "us-west-2"],
    ["AWS_DEFAULT_REGION", "eu-west-1", "region", "eu-west-1"],
    ["AWS_PROFILE", "dev", "awsProfile", "dev"],
    ["ANTHROPIC_MODEL", "us.anthropic.claude-sonnet-4-6", "model", "us.anthropic.claude-sonnet-4-6"],
    ["ANTHROPIC_SMALL_FAST_MODEL", "haiku-x", "smallFastModel", "haiku-x"],
    ["ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION", "us-east-2", "smallFastModelRegion", "us-east-2"],
    ["DISABLE_PROMPT_CACHING", "1", "disablePromptCaching", true],
    ["ANTHROPIC_BEDROCK_BASE_URL", "http://127.0.0.1:4599", "bedrockBaseUrl", "http://127.0.0.1:4599"],
    ["CLAUDE_CODE_SKIP_BEDROCK_AUTH", "true", "skipBedrockAuth", true],
    ["CLAUDE_CODE_MAX_OUTPUT_TOKENS", "16000", "maxOutputTokens", 16000],
    ["MAX_THINKING_TOKENS", "0", "maxThinkingTokens", 0],
    ["ANTHROPIC_BEDROCK_REGION_PREFIX", "eu", "regionPrefix", "eu"],
    ["QUARRY_PREFER_GLOBAL_PROFILE", "yes", "preferGlobalProfile", true],
    ["HTTPS_PROXY", "http://proxy:8080", "httpsProxy", "http://proxy:8080"],
    ["https_proxy", "http://proxy:8081", "httpsProxy", "http://proxy:8081"],
    ["NO_PROXY", "localhost", "noProxy", "localhost"],
    ["no_proxy", "127.0.0.1", "noProxy", "127.0.0.1"],
    ["NODE_EXTRA_CA_CERTS", "/etc/ca.pem", "extraCaCerts", "/etc/ca.pem"],
    ["AWS_ENDPOINT_URL", "http://localhost:1", "endpointUrl", "http://localhost:1"],
    [
      "AWS_ENDPOINT_URL_BEDROCK_RUNTIME",
      "http://localhost:2",
      "endpointUrlBedrockRuntime",
      "http://localhost:2",
    ],
    ["AWS_ENDPOINT_URL_BEDROCK", "http://localhost:3", "endpointUrlBedrock", "http://localhost:3"],
    ["AWS_ENDPOINT_URL_STS", "http://localhost:4", "endpointUrlSts", "http://localhost:4"],
    ["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true", "ignoreConfiguredEndpointUrls", true],
    ["AWS_CONFIG_FILE", "/tmp/aws-config", "awsConfigFile", "/tmp/aws-config"],
    ["AWS_SHARED_CREDENTIALS_FILE", "/tmp/aws-creds", "awsSharedCredentialsFile", "/tmp/aws-creds"],
  ];
  it.each(cases)("%s=%s → %s", (name, raw, key, expected) => {
    const setting = load({ env: { [name]: raw } })[key] as { value: unknown; source: unknown };
    expect(setting).toEqual({ value: expected, source: { kind: "env", name } });
  });

  it.each([
    ["ANTHROPIC_DEFAULT_OPUS_MODEL", "opus"],
    ["ANTHROPIC_DEFAULT_SONNET_MODEL", "sonnet"],
    ["ANTHROPIC_DEFAULT_HAIKU_MODEL", "haiku"],
  ] as const)("%s pins %s", (name, tier) => {
    expect(load({ env: { [name]: "pinned-id" } }).modelPins[tier]).toEqual({
      value: "pinned-id",
      source: { kind: "env", name },
    });
  });

  it.each([
    ["AWS_BEARER_TOKEN_BEDROCK", "bearerToken"],
    ["ANTHROPIC_API_KEY", "anthropicApiKey"],
  ] as const)("%s is read as a Secret", (name, key) => {
    const setting = load({ env: { [name]: "abcdefghijklmnop1234" } })[key];
    expect(setting?.value).toBeInstanceOf(Secret);
    expect(setting?.value.reveal()).toBe("abcdefghijklmnop1234");
    expect(setting?.source).toEqual({ kind: "env", name });
  });

  it("AWS_REGION wins over AWS_DEFAULT_REGION, with a warning when they differ", () => {
    const settings = load({ env: { AWS_REGION: "us-east-1", AWS_DEFAULT_REGION: "eu-west-1" } });
    expect(settings.region).toEqual({ value: "us-east-1", source: { kind: "env", name: "AWS_REGION" } });
    expect(settings.warnings).toEqual([
      "env AWS_REGION=us-east-1 is used; env AWS_DEFAULT_REGION=eu-west-1 is ignored",
    ]);
  });

  it("warns about a region that is not region-shaped", () => {
    expect(load({ env: { AWS_REGION: "us-east" } }).warnings).toEqual([
      'env AWS_REGION: "us-east" does not look like an AWS region name (expected something like us-east-1)',
    ]);
  });

  it("rejects an integer that does not parse, naming the env var and value", () => {
    const err = loadError({ env: { CLAUDE_CODE_MAX_OUTPUT_TOKENS: "16k" } });
    expect(err.message).toBe('env CLAUDE_CODE_MAX_OUTPUT_TOKENS="16k" is not a positive integer');
    expect(err.fix).toBe(
      "Set CLAUDE_CODE_MAX_OUTPUT_TOKENS to a positive integer, or unset it (unset CLAUDE_CODE_MAX_OUTPUT_TOKENS).",
    );
    expect(loadError({ env: { MAX_THINKING_TOKENS: "-1" } }).message).toBe(
      'env MAX_THINKING_TOKENS="-1" is not a non-negative integer',
    );
    expect(loadError({ env: { CLAUDE_CODE_MAX_OUTPUT_TOKENS: "0" } }).message).toMatch(/positive integer/);
  });

  it("rejects a base URL that is not http(s)", () => {
    expect(loadError({ env: { ANTHROPIC_BEDROCK_BASE_URL: "gateway.internal/bedrock" } }).message).toBe(
      'env ANTHROPIC_BEDROCK_BASE_URL="gateway.internal/bedrock" is not an http:// or https:// URL',
    );
  });

  it("rejects a bad flag value, naming the flag", () => {
    const err = loadError({ flags: { maxOutputTokens: "lots" } });
    expect(err.message).toBe('--max-output-tokens "lots" is not a positive integer');
    expect(load({ flags: { maxOutputTokens: 512 } }).maxOutputTokens).toEqual({
      value: 512,
      source: { kind: "flag", name: "--max-output-tokens" },
    });
  });
});

describe("provider", () => {
  it.each(["1", "true", "TRUE", "yes", "on", "anything"])("CLAUDE_CODE_USE_BEDROCK=%s → bedrock", (raw) => {
    expect(load({ env: { CLAUDE_CODE_USE_BEDROCK: raw } }).provider).toEqual({
      value: "bedrock",
      source: { kind: "env", name: "CLAUDE_CODE_USE_BEDROCK" },
    });
  });

  it.each(["0", "false", "False", "no", "off", " 0 ", ""])("CLAUDE_CODE_USE_BEDROCK=%j is off", (raw) => {
    expect(load({ env: { CLAUDE_CODE_USE_BEDROCK: raw } }).provider).toBeUndefined();
    expect(load({ env: { CLAUDE_CODE_USE_BEDROCK: raw, ANTHROPIC_API_KEY: "sk-ant-x" } }).provider).toEqual({
      value: "anthropic",
      source: { kind: "env", name: "ANTHROPIC_API_KEY" },
    });
  });

  it("Bedrock wins over an Anthropic API key", () => {
    expect(
      load({ env: { CLAUDE_CODE_USE_BEDROCK: "1", ANTHROPIC_API_KEY: "sk-ant-x" } }).provider?.value,
    ).toBe("bedrock");
  });

  it("an explicit file choice beats a key found in the environment", () => {
    world.write(projectFile(), { provider: "bedrock" });
    expect(load({ env: { ANTHROPIC_API_KEY: "sk-ant-x" } }).provider).toEqual({
      value: "bedrock",
      source: { kind: "file", path: projectFile(), key: "provider" },
    });
  });

  it("CLAUDE_CODE_USE_BEDROCK=0 in the environment masks a file's bedrock, with a warning", () => {
    world.write(userFile(), { provider: "bedrock" });
    const settings = load({ env: { CLAUDE_CODE_USE_BEDROCK: "0" } });
    expect(settings.provider).toBeUndefined();
    expect(settings.warnings).toEqual([
      `env CLAUDE_CODE_USE_BEDROCK turns Bedrock off, so "bedrock" from ${userFile()} (provider) is ignored`,
    ]);
  });

  it("reads the switch from Claude Code's settings env block", () => {
    world.write(claudeFile(), { env: { CLAUDE_CODE_USE_BEDROCK: "1", AWS_REGION: "eu-central-1" } });
    const settings = load();
    expect(settings.provider).toEqual({
      value: "bedrock",
      source: { kind: "claude-settings", path: claudeFile(), key: "env.CLAUDE_CODE_USE_BEDROCK" },
    });
    expect(describeSource(settings.region!.source)).toBe(`${claudeFile()} (env.AWS_REGION)`);
  });

  it("--provider overrides everything", () => {
    expect(
      load({ env: { CLAUDE_CODE_USE_BEDROCK: "1" }, flags: { provider: "anthropic" } }).provider?.source,
    ).toEqual({ kind: "flag", name: "--provider" });
  });
});

describe("small/fast model and the haiku pin", () => {
  it("uses the haiku pin as the small/fast model when no other is set", () => {
    expect(load({ env: { ANTHROPIC_DEFAULT_HAIKU_MODEL: "h" } }).smallFastModel).toEqual({
      value: "h",
      source: { kind: "env", name: "ANTHROPIC_DEFAULT_HAIKU_MODEL" },
    });
  });

  it("prefers ANTHROPIC_SMALL_FAST_MODEL and warns when the two differ", () => {
    const settings = load({ env: { ANTHROPIC_SMALL_FAST_MODEL: "a", ANTHROPIC_DEFAULT_HAIKU_MODEL: "b" } });
    expect(settings.smallFastModel?.value).toBe("a");
    expect(settings.modelPins.haiku?.value).toBe("b");
    expect(settings.warnings).toEqual([
      'small/fast model "a" (env ANTHROPIC_SMALL_FAST_MODEL) differs from the haiku pin "b" ' +
        '(env ANTHROPIC_DEFAULT_HAIKU_MODEL); background tasks use "a"',
    ]);
    expect(
      load({ env: { ANTHROPIC_SMALL_FAST_MODEL: "a", ANTHROPIC_DEFAULT_HAIKU_MODEL: "a" } }).warnings,
    ).toEqual([]);
  });
});

describe("project settings discovery", () => {
  it("finds the project file from a subdirectory", () => {
    world.write(projectFile(), { awsProfile: "proj" });
    const deep = join(world.project, "src", "deep", "er");
    mkdirSync(deep, { recursive: true });
    expect(load({ cwd: deep }).awsProfile?.source).toEqual({
      kind: "file",
      path: projectFile(),
      key: "awsProfile",
    });
  });

  it("does not look above the git root", () => {
    world.write(join(world.root, "work", ".quarry", "settings.json"), { model: "outside" });
    expect(load().model).toBeUndefined();
  });

  it("walks to the file system root when there is no git root", () => {
    const outer = join(world.root, "nogit");
    world.write(join(outer, ".quarry", "settings.local.json"), { model: "found" });
    const inner = join(outer, "a", "b");
    mkdirSync(inner, { recursive: true });
    expect(load({ cwd: inner }).model?.value).toBe("found");
  });

  it("does not read ~/.quarry twice when cwd is under home", () => {
    world.write(userFile(), { model: "user" });
    const dir = join(world.home, "scratch");
    mkdirSync(dir);
    const settings = load({ cwd: dir });
    expect(settings.files).toEqual([userFile()]);
    expect(settings.model?.source).toEqual({ kind: "file", path: userFile(), key: "model" });
  });
});

describe("user config dir", () => {
  it("defaults to ~/.quarry", () => {
    expect(load().userConfigDir).toEqual({ value: join(world.home, ".quarry"), source: { kind: "default" } });
  });

  it("honours XDG_CONFIG_HOME, and warns about a stranded ~/.quarry/settings.json", () => {
    const xdg = join(world.root, "xdg");
    world.write(userFile(), { model: "stranded" });
    const settings = load({ env: { XDG_CONFIG_HOME: xdg } });
    expect(settings.userConfigDir).toEqual({
      value: join(xdg, "quarry"),
      source: { kind: "env", name: "XDG_CONFIG_HOME" },
    });
    expect(settings.model).toBeUndefined();
    expect(settings.warnings).toEqual([
      `~/.quarry/settings.json is not read because env XDG_CONFIG_HOME puts user settings in ${join(xdg, "quarry", "settings.json")}; move the file there`,
    ]);
    world.write(join(xdg, "quarry", "settings.json"), { model: "xdg" });
    expect(load({ env: { XDG_CONFIG_HOME: xdg } }).model?.value).toBe("xdg");
  });

  it("QUARRY_CONFIG_DIR beats XDG_CONFIG_HOME", () => {
    const dir = join(world.root, "custom");
    world.write(join(dir, "settings.json"), { model: "custom" });
    const settings = load({ env: { QUARRY_CONFIG_DIR: dir, XDG_CONFIG_HOME: join(world.root, "xdg") } });
    expect(settings.model?.value).toBe("custom");
    expect(settings.userConfigDir.source).toEqual({ kind: "env", name: "QUARRY_CONFIG_DIR" });
  });

  it("honours CLAUDE_CONFIG_DIR for Claude Code's settings", () => {
    const dir = join(world.root, "claude-elsewhere");
    world.write(join(dir, "settings.json"), { env: { AWS_PROFILE: "cc" } });
    expect(load({ env: { CLAUDE_CONFIG_DIR: dir } }).awsProfile?.value).toBe("cc");
  });
});

describe("isTruthyEnv", () => {
  it("treats unset and the off words as false, anything else as true", async () => {
    const { isTruthyEnv } = await import("./env-names.js");
    for (const off of [undefined, "", " ", "0", "false", "FALSE", "no", "Off"])
      expect(isTruthyEnv(off)).toBe(false);
    for (const on of ["1", "true", "yes", "on", "2", "bedrock"]) expect(isTruthyEnv(on)).toBe(true);
  });
});
