import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator/index.js";
import { mainTurns, makeRepo, runCli } from "./harness.js";

/**
 * Quarry against the emulator in TLS mode (a self-signed certificate): the user's CA settings are what makes
 * the connection trusted, and without them the run stops with an error that names the fix.
 */
let emulator: RunningEmulator;
let home: string;
let repo: string;
beforeAll(async () => {
  emulator = await startEmulator({ tls: true });
  home = mkdtempSync(join(tmpdir(), "quarry-home-"));
  repo = makeRepo({ "README.md": "hello\n" });
});
afterAll(async () => {
  await emulator.close();
});

describe("quarry -p over TLS", () => {
  it("completes with NODE_EXTRA_CA_CERTS pointing at the emulator's certificate", async () => {
    const before = mainTurns(emulator).length;
    const run = await runCli(["-p", "say hi"], {
      cwd: repo,
      emulator,
      home,
      env: { NODE_EXTRA_CA_CERTS: emulator.caPath },
    });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout.trim().length).toBeGreaterThan(0);
    expect(mainTurns(emulator).length).toBe(before + 1);
  });

  it("completes with AWS_CA_BUNDLE pointing at the emulator's certificate", async () => {
    const before = mainTurns(emulator).length;
    const run = await runCli(["-p", "say hi"], {
      cwd: repo,
      emulator,
      home,
      env: { AWS_CA_BUNDLE: emulator.caPath },
    });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(mainTurns(emulator).length).toBe(before + 1);
  });

  it("fails without a CA setting, naming the certificate problem and both fixes", async () => {
    const before = emulator.log.length;
    const run = await runCli(["-p", "say hi"], { cwd: repo, emulator, home });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/certificate/i);
    expect(run.stderr).toContain("NODE_EXTRA_CA_CERTS");
    expect(run.stderr).toContain("AWS_CA_BUNDLE");
    expect(run.stderr).not.toMatch(/^\s+at /m); // a Quarry error, not a stack trace
    expect(emulator.log.length).toBe(before);
  });

  it("stops with a clear error when AWS_CA_BUNDLE names a missing file", async () => {
    const before = emulator.log.length;
    const missing = join(home, "no-such-ca.pem");
    const run = await runCli(["-p", "say hi"], {
      cwd: repo,
      emulator,
      home,
      env: { AWS_CA_BUNDLE: missing },
    });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(`AWS_CA_BUNDLE names a file Quarry cannot read: ${missing} (ENOENT)`);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(emulator.log.length).toBe(before);
  });
});
