import { inspect } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeWorld, type TestWorld } from "../../test/support/config-world.js";
import { catalogOverrideValues } from "./catalog-overrides.js";
import { describeSetting, describeSettings } from "./describe.js";
import type { ConfigError } from "./errors.js";
import type { LoadSettingsOptions } from "./load.js";
import { redact, Secret } from "./secret.js";
import type { Settings } from "./settings.js";

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

describe("malformed JSON", () => {
  it("reports path, line, column and what was expected", () => {
    world.write(userFile(), '{\n  "model": "sonnet",\n  "region": "us-east-1" "awsProfile": "x"\n}\n');
    const err = loadError();
    expect(err.message).toBe('~/.quarry/settings.json:3:25: expected "," or "}" after a property value');
    expect({ path: err.path, line: err.line, column: err.column }).toEqual({
      path: userFile(),
      line: 3,
      column: 25,
    });
    expect(err.fix).toMatch(/^Fix the JSON at line 3, column 25 of ~\/\.quarry\/settings\.json/);
  });

  it("uses the absolute path outside home and names trailing commas and comments", () => {
    world.write(projectFile(), '{\n  "model": "sonnet",\n}');
    expect(loadError().message).toBe(`${projectFile()}:3:1: trailing comma before "}"; remove the last ","`);
    world.write(projectFile(), '{\n  // my settings\n  "model": "sonnet"\n}');
    expect(loadError().message).toBe(`${projectFile()}:2:3: comments are not allowed in JSON`);
  });

  it("allows a leading BOM and treats an empty file as {}", () => {
    world.write(projectFile(), '\uFEFF{ "model": "bom" }');
    expect(load().model?.value).toBe("bom");
    world.write(projectFile(), '\uFEFF{ "model": "bom" ');
    expect(loadError().message).toBe(
      `${projectFile()}:1:18: unexpected end of file; expected "," or "}" after a property value`,
    );
    world.write(projectFile(), "  \n");
    expect(load().files).toEqual([projectFile()]);
  });

  it("requires an object at the top level", () => {
    world.write(projectFile(), '["model"]');
    expect(loadError().message).toBe(`${projectFile()}:1:1: expected a JSON object ({ … }) at the top level`);
  });
});

describe("wrong types", () => {
  it("names the file, position, key and expected type", () => {
    world.write(projectFile(), '{\n  "model": "sonnet",\n  "maxOutputTokens": "lots"\n}');
    const err = loadError();
    expect(err.message).toBe(
      `${projectFile()}:3:3: "maxOutputTokens" must be a positive integer, got "lots" (a string)`,
    );
    expect(err.key).toBe("maxOutputTokens");
    expect(err.fix).toBe(`Set "maxOutputTokens" in ${projectFile()} to a positive integer, or remove it.`);
  });

  it.each([
    [{ disablePromptCaching: "yes" }, '"disablePromptCaching" must be true or false, got "yes" (a string)'],
    [
      { provider: "vertex" },
      '"provider" must be "bedrock" or "mantle" or "anthropic", got "vertex" (a string)',
    ],
    [
      { bedrockBaseUrl: "ftp://x" },
      '"bedrockBaseUrl" must be an http:// or https:// URL, got "ftp://x" (a string)',
    ],
    [{ model: 42 }, '"model" must be a non-empty string, got 42'],
    [{ bearerToken: 12345 }, '"bearerToken" must be a non-empty string, got a number'],
    [{ modelPins: { opus: ["x"] } }, '"modelPins.opus" must be a non-empty string, got an array'],
    [
      { permissions: { allow: ["Read", 3] } },
      '"permissions.allow[1]" must be a non-empty rule string, got 3',
    ],
    [
      { permissions: { deny: "Bash" } },
      '"permissions.deny" must be an array of rule strings, got "Bash" (a string)',
    ],
  ])("%j", (content, expected) => {
    world.write(projectFile(), content);
    const message = loadError().message;
    expect(message.startsWith(`${projectFile()}:`)).toBe(true);
    expect(message.slice(projectFile().length)).toMatch(/^:\d+:\d+: /);
    expect(message.endsWith(`: ${expected}`)).toBe(true);
  });
});

describe("unknown keys", () => {
  it("warns with a did-you-mean suggestion and keeps going", () => {
    world.write(
      projectFile(),
      '{\n  "modle": "sonnet",\n  "AWS_REGION": "us-east-1",\n  "max_output_tokens": 5,\n  "zzz": 1\n}',
    );
    const settings = load();
    expect(settings.warnings).toEqual([
      `${projectFile()}:2:3: unknown key "modle" (did you mean "model"?); it is ignored`,
      `${projectFile()}:3:3: unknown key "AWS_REGION" (did you mean "region"?); it is ignored`,
      `${projectFile()}:4:3: unknown key "max_output_tokens" (did you mean "maxOutputTokens"?); it is ignored`,
      `${projectFile()}:5:3: unknown key "zzz"; it is ignored`,
    ]);
    expect(settings.model).toBeUndefined();
  });

  it("warns about unknown nested keys too", () => {
    world.write(projectFile(), {
      modelPins: { sonet: "x" },
      permissions: { alow: ["Read"] },
      catalogOverrides: { m: { contextWindw: 5 } },
    });
    expect(load().warnings.map((w) => w.replace(/^.*?: /, ""))).toEqual([
      'unknown key "modelPins.sonet" (did you mean "modelPins.sonnet"?); it is ignored',
      'unknown key "permissions.alow" (did you mean "permissions.allow"?); it is ignored',
      'unknown key "catalogOverrides.m.contextWindw" (did you mean "catalogOverrides.m.contextWindow"?); it is ignored',
    ]);
  });

  it("accepts $schema", () => {
    world.write(projectFile(), { $schema: "https://example.com/schema.json" });
    expect(load().warnings).toEqual([]);
  });
});

describe("structured settings", () => {
  it("unions permission rules across files, each with its source", () => {
    world.write(userFile(), {
      permissions: { allow: ["Read", "Bash(git status)"], deny: ["Bash(rm -rf *)"] },
    });
    world.write(projectFile(), { permissions: { allow: ["Read", "Edit"] } });
    const { permissions } = load();
    expect(permissions.allow.map((r) => [r.value, r.source])).toEqual([
      ["Read", { kind: "file", path: projectFile(), key: "permissions.allow[0]" }],
      ["Edit", { kind: "file", path: projectFile(), key: "permissions.allow[1]" }],
      ["Bash(git status)", { kind: "file", path: userFile(), key: "permissions.allow[1]" }],
    ]);
    expect(permissions.deny.map((r) => r.value)).toEqual(["Bash(rm -rf *)"]);
  });

  it("merges catalog overrides per model and per field", () => {
    world.write(userFile(), {
      catalogOverrides: { "arn:aws:bedrock:x": { contextWindow: 200000, thinking: "enabled" } },
    });
    world.write(localFile(), { catalogOverrides: { "arn:aws:bedrock:x": { thinking: "adaptive" } } });
    const overrides = load().catalogOverrides["arn:aws:bedrock:x"];
    expect(overrides?.contextWindow).toEqual({
      value: 200000,
      source: { kind: "file", path: userFile(), key: "catalogOverrides.arn:aws:bedrock:x.contextWindow" },
    });
    expect(overrides?.thinking?.value).toBe("adaptive");
    expect(overrides?.thinking?.source).toMatchObject({ path: localFile() });
  });

  it("hands src/bedrock a plain overrides map", () => {
    world.write(projectFile(), { catalogOverrides: { m: { vision: false, price: { input: 1 } } } });
    expect(catalogOverrideValues(load())).toEqual({ m: { vision: false, price: { input: 1 } } });
  });

  it("checks catalog overrides with src/bedrock's schema, naming the field", () => {
    world.write(projectFile(), { catalogOverrides: { m: { contextWindow: 1.5 } } });
    expect(loadError().message).toBe(
      `${projectFile()}:4:7: "catalogOverrides.m.contextWindow": expected int, received number (got 1.5)`,
    );
    world.write(projectFile(), { catalogOverrides: { m: { price: { input: -1 } } } });
    expect(loadError().message).toMatch(
      /:5:9: "catalogOverrides\.m\.price\.input": too small: expected number to be >=0 \(got -1\)$/,
    );
  });

  it("reads model pins and awsAuthRefresh from files", () => {
    world.write(projectFile(), {
      modelPins: { opus: "us.anthropic.claude-opus-4-8" },
      awsAuthRefresh: "aws sso login",
    });
    const settings = load();
    expect(settings.modelPins.opus).toEqual({
      value: "us.anthropic.claude-opus-4-8",
      source: { kind: "file", path: projectFile(), key: "modelPins.opus" },
    });
    expect(settings.awsAuthRefresh?.value).toBe("aws sso login");
  });
});

describe("Claude Code's settings", () => {
  it("a malformed file is a warning, not an error", () => {
    world.write(claudeFile(), '{ "env": { "AWS_REGION": "us-east-1", } }');
    const settings = load();
    expect(settings.region).toBeUndefined();
    expect(settings.warnings).toEqual([
      '~/.claude/settings.json:1:39: trailing comma before "}"; remove the last "," (Claude Code settings; Quarry ignores this value)',
    ]);
  });

  it("an invalid value in its env block is a warning", () => {
    world.write(claudeFile(), { env: { CLAUDE_CODE_MAX_OUTPUT_TOKENS: "many", AWS_PROFILE: "p", OTHER: 1 } });
    const settings = load();
    expect(settings.maxOutputTokens).toBeUndefined();
    expect(settings.awsProfile?.value).toBe("p");
    expect(settings.warnings).toEqual([
      `${claudeFile()} (env.CLAUDE_CODE_MAX_OUTPUT_TOKENS)="many" is not a positive integer (Claude Code settings; Quarry ignores this value)`,
    ]);
  });
});

describe("secrets", () => {
  const token = "ABSKQmVkcm9ja0FQSUtleS1zZWNyZXQtdmFsdWU9";
  const apiKey = "sk-ant-api03-verysecretvalue-WXYZ";

  it("are redacted in JSON.stringify, describe and inspect", () => {
    const settings = load({ env: { AWS_BEARER_TOKEN_BEDROCK: token, ANTHROPIC_API_KEY: apiKey } });
    const json = JSON.stringify(settings);
    expect(json).not.toContain(token);
    expect(json).not.toContain(apiKey);
    expect(json).toContain(`"bearerToken":{"value":"****${token.slice(-4)}"`);
    expect(describeSetting("bearerToken", settings.bearerToken)).toBe(
      `bearerToken = ****${token.slice(-4)} (env AWS_BEARER_TOKEN_BEDROCK)`,
    );
    const lines = describeSettings(settings).join("\n");
    expect(lines).not.toContain(token);
    expect(lines).toContain("anthropicApiKey = ****WXYZ (env ANTHROPIC_API_KEY)");
    expect(inspect(settings, { depth: 5 })).not.toContain(apiKey);
    expect(`${settings.bearerToken?.value}`).toBe(`****${token.slice(-4)}`);
  });

  it("redact shows at most the last 4 characters, none for short secrets", () => {
    expect(redact("abcdefghijklmnop")).toBe("****mnop");
    expect(redact("short-key")).toBe("****");
    expect(redact(new Secret("abcdefghijklmnop"))).toBe("****mnop");
  });

  it("are never echoed in error messages", () => {
    world.write(projectFile(), { anthropicApiKey: ["sk-ant-secret"] });
    expect(loadError().message).not.toContain("sk-ant-secret");
  });

  it("warns when a secret sits in the committed project file", () => {
    world.write(projectFile(), { bearerToken: token });
    expect(load().warnings).toEqual([
      `${projectFile()}:2:3: "bearerToken" is a secret in a file that is usually committed; move it to .quarry/settings.local.json or the environment`,
    ]);
    world.write(projectFile(), {});
    world.write(localFile(), { bearerToken: token });
    expect(load().warnings).toEqual([]);
  });

  it("proxy passwords are masked when described", () => {
    const settings = load({ env: { HTTPS_PROXY: "http://me:hunter22@proxy:8080" } });
    expect(describeSetting("httpsProxy", settings.httpsProxy)).toBe(
      "httpsProxy = http://me:****@proxy:8080 (env HTTPS_PROXY)",
    );
  });
});
