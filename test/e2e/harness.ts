import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  DEFAULT_ACCESS_KEY_ID,
  DEFAULT_SECRET_ACCESS_KEY,
  defaultWorld,
  type RunningEmulator,
  startEmulator,
  type WorldInput,
} from "../../emulator/index.js";
import type { ScriptRule } from "../../emulator/world/schema.js";

export const BIN = new URL("../../bin/quarry.js", import.meta.url).pathname;

/** A temp git repository with a few files, standing in for the user's project. */
export function makeRepo(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "quarry-repo-"));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  execFileSync("git", ["init", "-q"], { cwd: dir });
  return dir;
}

/** A default world whose main model (Sonnet) follows the given turns; other models answer by default. */
export function scriptedWorld(
  rules: Omit<ScriptRule, "model">[] & object[],
  change?: (w: WorldInput) => void,
): WorldInput {
  const w = defaultWorld();
  w.script = rules.map((r) => ({ model: "sonnet", ...r }));
  change?.(w);
  return w;
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI exactly as a user would: a child process, configured only through env vars. */
export function runCli(
  args: string[],
  opts: { cwd: string; emulator: RunningEmulator; home: string; env?: NodeJS.ProcessEnv; stdin?: string },
): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: opts.home,
    CLAUDE_CODE_USE_BEDROCK: "1",
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: DEFAULT_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: DEFAULT_SECRET_ACCESS_KEY,
    AWS_ENDPOINT_URL: opts.emulator.url,
    AWS_CONFIG_FILE: join(opts.home, ".aws", "config"),
    AWS_SHARED_CREDENTIALS_FILE: join(opts.home, ".aws", "credentials"),
    AWS_EC2_METADATA_DISABLED: "true",
    QUARRY_CONFIG_DIR: join(opts.home, ".quarry"),
    QUARRY_DATA_DIR: join(opts.home, ".quarry-data"),
    NO_COLOR: "1",
    ...opts.env,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd,
      env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(opts.stdin ?? "");
  });
}

export async function startWorld(world?: WorldInput): Promise<{ emulator: RunningEmulator; home: string }> {
  const emulator = await startEmulator({ world });
  const home = mkdtempSync(join(tmpdir(), "quarry-home-"));
  return { emulator, home };
}

/** The main-model stream requests the emulator answered, in order. */
export function mainTurns(emulator: RunningEmulator) {
  return emulator.log.filter((e) => e.operation === "invoke-with-response-stream");
}
