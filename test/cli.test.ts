import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const BIN = new URL("../bin/quarry.js", import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
  version: string;
};

/** Adds, after each bundle chunk the tracer saw, the source files esbuild put in it (dist/bundle/metafile.json). */
function withBundledSources(trace: string): string {
  const metaPath = new URL("../dist/bundle/metafile.json", import.meta.url);
  if (!existsSync(metaPath)) return trace;
  const meta = JSON.parse(readFileSync(metaPath, "utf8")) as { outputs: Record<string, { inputs: object }> };
  return trace.replace(/file:\/\/\S*\/(dist\/bundle\/[^/\s]+\.mjs)/g, (line, out: string) =>
    [line, ...Object.keys(meta.outputs[out]?.inputs ?? {})].join("\n"),
  );
}

describe("quarry binary", () => {
  it("prints the package version with --version", async () => {
    const { stdout } = await run(process.execPath, [BIN, "--version"]);
    expect(stdout.trim()).toBe(pkg.version);
  });

  it("prints usage with --help and exits 0", async () => {
    const { stdout } = await run(process.execPath, [BIN, "--help"]);
    expect(stdout).toContain("Usage: quarry");
    expect(stdout).toContain("emulator");
  });

  it("exits 2 with a message on an unknown option", async () => {
    const err = await run(process.execPath, [BIN, "--no-such-flag"]).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect((err as { code: number }).code).toBe(2);
    expect((err as { stderr: string }).stderr).toContain("unknown option '--no-such-flag'");
  });

  it("does not load the AWS SDK to print its version", async () => {
    // Start-up must stay near bare Node: record every module --version resolves.
    const tracer = new URL("./support/trace-imports.mjs", import.meta.url).pathname;
    const traced = await run(process.execPath, ["--import", tracer, BIN, "--version"]);
    const { stdout } = traced;
    const stderr = withBundledSources(traced.stderr);
    expect(stdout.trim()).toBe(pkg.version);
    expect(stderr).toContain("commander");
    expect(stderr).not.toContain("@aws-sdk");
    expect(stderr).not.toContain("@smithy");
    // The TUI (Ink, React) loads only for an interactive session.
    expect(stderr).not.toMatch(/node_modules\/(ink|react|react-reconciler)\//);
    expect(stderr).not.toContain("ui/tui");
  });
});
