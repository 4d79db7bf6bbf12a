import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { main } from "../../emulator/conformance/client.js";
import { sharedEmulator, worldWith } from "./helpers.js";

/** The conformance client (`npm run conformance`): passes against the emulator and fails loudly when it should. */

const CHECKS = [
  "STS GetCallerIdentity",
  "ListInferenceProfiles (SYSTEM_DEFINED, paginated)",
  "GetInferenceProfile",
  "InvokeModel (HTTP/2)",
  "InvokeModelWithResponseStream (HTTP/2)",
  "InvokeModelWithResponseStream (HTTP/1.1)",
  "Converse",
  "ConverseStream",
  "CountTokens",
  "Refusal: unknown model ID",
];

function capture() {
  let text = "";
  return {
    stream: {
      write: (s: string) => {
        text += s;
      },
    },
    get text() {
      return text;
    },
  };
}

describe("against a running emulator (--url)", () => {
  const emu = sharedEmulator(
    worldWith((w) => {
      w.pageSize = 3;
    }),
  );

  it("every check passes and the exit code is 0", async () => {
    const out = capture();
    const code = await main(["--url", emu.url], out.stream);
    expect(out.text).toContain(`Bedrock conformance against ${emu.url} (us-east-1)`);
    for (const name of CHECKS) expect(out.text).toMatch(new RegExp(`✓ ${name.replace(/[()]/g, "\\$&")}\\s`));
    expect(out.text).not.toContain("✗");
    expect(out.text).toContain(`${CHECKS.length}/${CHECKS.length} checks passed`);
    expect(code).toBe(0);
    // It really went through both transports.
    const streams = emu.log
      .filter((e) => e.operation === "invoke-with-response-stream")
      .map((e) => e.httpVersion);
    expect(streams).toEqual(["2.0", "1.1"]);
  });

  it("works from another region of the world", async () => {
    const out = capture();
    expect(await main(["--url", emu.url, "--region", "eu-west-1"], out.stream)).toBe(0);
    expect(out.text).toMatch(/using eu\.anthropic\.claude-sonnet-4-5/);
  });

  it("wrong credentials fail the checks with the service's exception and exit 1", async () => {
    const out = capture();
    const code = await main(["--url", emu.url, "--secret-access-key", "wrong"], out.stream);
    expect(code).toBe(1);
    expect(out.text).toContain("✗ STS GetCallerIdentity");
    expect(out.text).toContain("SignatureDoesNotMatch");
    expect(out.text).toContain("InvalidSignatureException");
  });
});

describe("against a faulty emulator", () => {
  const emu = sharedEmulator(
    worldWith((w) => {
      w.script = [{ promptIncludes: "Stream a hello.", fault: { kind: "cut", atByte: 30 } }];
    }),
  );

  it("a broken stream shows as ✗ with the SDK's truncation error and exit 1", async () => {
    const out = capture();
    const code = await main(["--url", emu.url], out.stream);
    expect(code).toBe(1);
    expect(out.text).toMatch(
      /✗ InvokeModelWithResponseStream \(HTTP\/2\)\s+.*Truncated event message received\./,
    );
    expect(out.text).toMatch(/✓ InvokeModel \(HTTP\/2\)/);
    expect(out.text).toContain(`${CHECKS.length - 2}/${CHECKS.length} checks passed`);
  });
});

describe("arguments", () => {
  it("a bad flag exits 2", async () => {
    const err = capture();
    expect(await main(["--nope"], capture().stream, err.stream)).toBe(2);
    expect(err.text).toMatch(/^quarry-conformance: /);
  });

  it("a bad --url exits 2", async () => {
    const err = capture();
    expect(await main(["--url", "localhost:4599"], capture().stream, err.stream)).toBe(2);
  });

  it("without --url it starts its own emulator", async () => {
    const out = capture();
    expect(await main([], out.stream)).toBe(0);
    expect(out.text).toMatch(/against http:\/\/127\.0\.0\.1:\d+ \(us-east-1, built-in emulator\)/);
    expect(out.text).toContain(`${CHECKS.length}/${CHECKS.length} checks passed`);
    expect(out.text).toMatch(/✓ InvokeModelWithResponseStream \(HTTP\/1\.1\)\s+.*\(HTTP\/1\.1\)$/m);
    expect(out.text).toMatch(/✓ InvokeModelWithResponseStream \(HTTP\/2\)\s+.*\(HTTP\/2\)$/m);
  });
});

const BUILT = "dist/emulator/conformance/client.js";

describe("the built command", () => {
  it.skipIf(!existsSync(BUILT))(
    "node dist/emulator/conformance/client.js runs its own emulator and exits 0",
    () => {
      const run = spawnSync(process.execPath, [BUILT], { encoding: "utf8", timeout: 30_000 });
      expect(
        run.stderr.replace(
          /\(node:\d+\) Warning: NodeVersionSupportWarning[\s\S]*?to show where the warning was created\)\n?/,
          "",
        ),
      ).toBe("");
      expect(run.stdout).toContain(`${CHECKS.length}/${CHECKS.length} checks passed`);
      expect(run.status).toBe(0);
    },
  );
});
