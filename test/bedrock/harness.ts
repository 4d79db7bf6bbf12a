import { mkdtempSync } from "node:fs";
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
import { connectBedrock } from "../../src/bedrock/connection.js";
import { loadSettings } from "../../src/config/index.js";
import type { ProviderEvent, TurnRequest } from "../../src/model/types.js";
import { createBedrockSession } from "../../src/providers/create-bedrock.js";

/** The AWS variables a test controls; anything else from the developer's shell is removed. */
const AWS_VARS = [
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_PROFILE",
  "AWS_REGION",
  "AWS_DEFAULT_REGION",
  "AWS_BEARER_TOKEN_BEDROCK",
  "AWS_CONFIG_FILE",
  "AWS_SHARED_CREDENTIALS_FILE",
  "AWS_ENDPOINT_URL",
  "AWS_ENDPOINT_URL_BEDROCK",
  "AWS_ENDPOINT_URL_BEDROCK_RUNTIME",
  "AWS_ENDPOINT_URL_STS",
  "ANTHROPIC_MODEL",
  "ANTHROPIC_SMALL_FAST_MODEL",
  "ANTHROPIC_BEDROCK_BASE_URL",
  "CLAUDE_CODE_USE_BEDROCK",
  "DISABLE_PROMPT_CACHING",
  "HTTPS_PROXY",
  "https_proxy",
  "HTTP_PROXY",
  "http_proxy",
];

/** A world derived from the default one. */
export function worldWith(change: (w: WorldInput) => void): WorldInput {
  const w = defaultWorld();
  change(w);
  return w;
}

export interface Scenario {
  emulator: RunningEmulator;
  home: string;
  env: NodeJS.ProcessEnv;
}

/**
 * Starts an emulator and prepares a process environment pointing Quarry at it the way a user would: only
 * env vars (endpoint overrides, region, keys). The AWS SDK's credential chain reads process.env, so the
 * variables are applied to process.env too (each test file runs in its own worker).
 */
export async function startScenario(
  world: WorldInput | undefined,
  env: NodeJS.ProcessEnv,
): Promise<Scenario> {
  const emulator = await startEmulator({ world });
  const home = mkdtempSync(join(tmpdir(), "quarry-home-"));
  const full: NodeJS.ProcessEnv = {
    CLAUDE_CODE_USE_BEDROCK: "1",
    AWS_ENDPOINT_URL: emulator.url,
    AWS_ACCESS_KEY_ID: DEFAULT_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: DEFAULT_SECRET_ACCESS_KEY,
    AWS_CONFIG_FILE: join(home, ".aws", "config"),
    AWS_SHARED_CREDENTIALS_FILE: join(home, ".aws", "credentials"),
    QUARRY_CONFIG_DIR: join(home, ".quarry"),
    ...env,
  };
  for (const k of AWS_VARS) delete process.env[k];
  for (const [k, v] of Object.entries(full)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  return { emulator, home, env: full };
}

/** Builds the connection + provider exactly as the CLI does, from env and settings files. */
export async function openSession(s: Scenario) {
  const settings = loadSettings({ cwd: s.home, env: s.env, home: s.home });
  const announcements: string[] = [];
  const connection = await connectBedrock({
    settings,
    env: s.env,
    home: s.home,
    announce: (m) => announcements.push(m),
  });
  const notices: string[] = [];
  const session = await createBedrockSession(connection, {
    retry: { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 5, maxTotalMs: 5000 },
    onNotice: (m) => notices.push(m),
  });
  return { connection, ...session, announcements, notices };
}

/** Streams one turn and collects its events. */
export async function collect(
  stream: AsyncIterable<ProviderEvent>,
): Promise<{ events: ProviderEvent[]; text: string }> {
  const events: ProviderEvent[] = [];
  for await (const e of stream) events.push(e);
  const text = events.flatMap((e) => (e.type === "text_delta" ? [e.text] : [])).join("");
  return { events, text };
}

export const hello: TurnRequest = { messages: [{ role: "user", content: "hello" }], maxTokens: 200 };

/** The runtime requests the emulator saw, as [operation, modelId, region, status]. */
export function runtimeCalls(emulator: RunningEmulator): [string, string, string, number][] {
  return emulator.log
    .filter((e) => e.service === "bedrock-runtime")
    .map((e) => [e.operation ?? "", e.modelId ?? "", e.region ?? "", e.status ?? 0]);
}
