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

import { runQuarryProcess } from "../support/run-cli.js";

export { BIN } from "../support/run-cli.js";

/** One check as `quarry doctor --json` prints it. */
export interface JsonCheck {
  id: string;
  status: "pass" | "warn" | "fail" | "skip";
  title: string;
  detail: string;
  fix: string | null;
  ms: number;
  data?: Record<string, unknown>;
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  emulator: RunningEmulator;
  home: string;
}

/** A default world with a change applied. */
export function worldWith(change: (w: WorldInput) => void): WorldInput {
  const w = defaultWorld();
  change(w);
  return w;
}

const running: RunningEmulator[] = [];

/** Closes every emulator the tests of a file started. */
export async function closeAll(): Promise<void> {
  await Promise.all(running.splice(0).map((e) => e.close()));
}

export interface RunOptions {
  world?: WorldInput;
  /** Env on top of the defaults; `null` removes a default (e.g. AWS_REGION). */
  env?: Record<string, string | null>;
  /** Files to write under the temp HOME, e.g. { ".aws/config": "[default]\nregion = …" }. */
  files?: Record<string, string>;
  /** Env that names the emulator's URL (e.g. ANTHROPIC_BASE_URL), applied after `env`. */
  emulatorEnv?: (url: string) => Record<string, string>;
  /** Reuse an emulator (for a second run against the same world). */
  emulator?: RunningEmulator;
  home?: string;
}

/**
 * Runs the built CLI as a user would: a child process configured only through env vars, pointed at an
 * emulator, with HOME, AWS_CONFIG_FILE and QUARRY_CONFIG_DIR inside a temp dir.
 */
export async function quarry(args: string[], options: RunOptions = {}): Promise<Run> {
  const emulator = options.emulator ?? (await startEmulator({ world: options.world }));
  if (!options.emulator) running.push(emulator);
  const home = options.home ?? mkdtempSync(join(tmpdir(), "quarry-doctor-"));
  for (const [path, text] of Object.entries(options.files ?? {})) {
    mkdirSync(join(home, path, ".."), { recursive: true });
    writeFileSync(join(home, path), text);
  }
  const env: Record<string, string> = emulatorClientEnv(emulator.url, home);
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === null) delete env[k];
    else env[k] = v;
  }
  Object.assign(env, options.emulatorEnv?.(emulator.url) ?? {});
  const run = await runQuarryProcess(args, { cwd: home, env });
  return { ...run, emulator, home };
}

/** Runs `quarry doctor --json` and indexes the checks by id. */
export async function doctorJson(options: RunOptions = {}) {
  const run = await quarry(["doctor", "--json"], options);
  let parsed: { ok: boolean; checks: JsonCheck[] };
  try {
    parsed = JSON.parse(run.stdout) as { ok: boolean; checks: JsonCheck[] };
  } catch {
    throw new Error(`doctor --json printed no JSON (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  }
  const byId = new Map(parsed.checks.map((c) => [c.id, c]));
  const check = (id: string): JsonCheck => {
    const found = byId.get(id);
    if (!found) throw new Error(`no check ${id}; have ${[...byId.keys()].join(", ")}`);
    return found;
  };
  const failing = parsed.checks.filter((c) => c.status === "fail").map((c) => c.id);
  return { ...run, ...parsed, check, failing };
}
