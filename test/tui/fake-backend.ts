import { type AgentEvent, ZERO_USAGE } from "../../src/agent/events.js";
import { PermissionBroker, type SessionInfo, type TuiBackend } from "../../src/ui/tui/backend.js";

export const INFO: SessionInfo = {
  sessionId: "s-1",
  model: "us.anthropic.claude-sonnet-4-6",
  sideModel: "us.anthropic.claude-haiku-4-5",
  region: "us-east-1",
  contextWindow: 200_000,
};

/** A backend whose turns are scripted: each run() plays the next script (a function may await the UI). */
export function fakeBackend(
  scripts: ((b: TuiBackend) => AsyncIterable<AgentEvent>)[],
  overrides: Partial<TuiBackend> = {},
): TuiBackend & { prompts: string[]; cancelled: number } {
  const prompts: string[] = [];
  const backend: TuiBackend & { prompts: string[]; cancelled: number } = {
    prompts,
    cancelled: 0,
    permissions: new PermissionBroker(),
    info: () => INFO,
    run(prompt: string): AsyncIterable<AgentEvent> {
      prompts.push(prompt);
      const script = scripts.shift();
      if (!script) throw new Error(`no script left for ${prompt}`);
      return script(backend);
    },
    compact: async function* () {
      yield { type: "warning", message: "Nothing to compact yet: the conversation is short." };
    },
    cancel() {
      backend.cancelled++;
    },
    clear: async () => INFO,
    switchModel: async (model: string) => ({ ...INFO, model }),
    resume: async () => INFO,
    doctor: async () => "✓ Region us-east-1",
    models: async () => "sonnet  us.anthropic.claude-sonnet-4-6  usable",
    sandbox: async (arg: string) => `Sandbox: ${arg || "off"}.`,
    close: async () => {},
    ...overrides,
  };
  return backend;
}

export const tick = (ms = 20) => new Promise((r) => setTimeout(r, ms));

/** Polls a frame until it contains `text` (renders are asynchronous). */
export async function waitFor(frame: () => string | undefined, text: string, ms = 2000): Promise<string> {
  const end = Date.now() + ms;
  for (;;) {
    const f = frame() ?? "";
    if (f.includes(text)) return f;
    if (Date.now() > end) throw new Error(`timed out waiting for ${JSON.stringify(text)} in:\n${f}`);
    await tick(10);
  }
}

/** A turn's end as the agent reports it. */
export const DONE: AgentEvent = {
  type: "done",
  reason: "end_turn",
  result: "",
  turns: 1,
  usage: ZERO_USAGE,
  costUsd: 0,
  durationMs: 1500,
};

/** Types `text` a key at a time, as a person does (a chunk would arrive as one paste). */
export async function type(stdin: { write(s: string): void }, text: string): Promise<void> {
  for (const ch of text) {
    stdin.write(ch);
    await tick(2);
  }
}
