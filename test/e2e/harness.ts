import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  defaultWorld,
  emulatorClientEnv,
  type RunningEmulator,
  startEmulator,
  type WorldInput,
} from "../../emulator/index.js";
import type { ScriptRule } from "../../emulator/world/schema.js";

import { type CliRun, runQuarryProcess } from "../support/run-cli.js";

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

/** Runs the built CLI exactly as a user would: a child process, configured only through env vars. */
export function runCli(
  args: string[],
  opts: { cwd: string; emulator: RunningEmulator; home: string; env?: NodeJS.ProcessEnv; stdin?: string },
): Promise<CliRun> {
  const env = { ...emulatorClientEnv(opts.emulator.url, opts.home), NO_COLOR: "1", ...opts.env };
  return runQuarryProcess(args, { cwd: opts.cwd, env, stdin: opts.stdin });
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

/** A text block for a scripted model answer. */
export const text = (t: string) => ({ type: "text" as const, text: t });

/** A tool_use block for a scripted model answer; the id defaults to one derived from the tool's name. */
export const tool = (name: string, input: Record<string, unknown>, id = `toolu_${name}`) => ({
  type: "tool_use" as const,
  id,
  name,
  input,
});
