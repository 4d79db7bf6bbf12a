import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { ZERO_USAGE } from "../../src/agent/events.js";
import { App } from "../../src/ui/tui/App.js";
import { PromptHistory } from "../../src/ui/tui/history.js";
import { fakeBackend, tick, waitFor } from "./fake-backend.js";

const ENTER = "\r";

async function type(stdin: { write(s: string): void }, text: string) {
  for (const ch of text) {
    stdin.write(ch);
    await tick(2);
  }
}

describe("App", () => {
  it("submits a prompt and streams the answer", async () => {
    const backend = fakeBackend([
      async function* () {
        yield { type: "turn_start", turn: 1 };
        yield { type: "text_delta", text: "Hello " };
        yield { type: "text_delta", text: "**world**" };
        yield {
          type: "usage",
          model: "m",
          usage: { ...ZERO_USAGE, inputTokens: 1200, outputTokens: 30 },
          costUsd: 0.0042,
        };
        yield {
          type: "done",
          reason: "end_turn",
          result: "Hello world",
          turns: 1,
          usage: ZERO_USAGE,
          costUsd: 0,
          durationMs: 5,
        };
      },
    ]);
    const r = render(<App backend={backend} history={new PromptHistory()} />);
    await tick();
    await type(r.stdin, "say hi");
    r.stdin.write(ENTER);
    const frame = await waitFor(r.lastFrame, "Hello world");
    expect(backend.prompts).toEqual(["say hi"]);
    expect(frame).toContain("› say hi");
    await waitFor(r.lastFrame, "$0.0042");
    expect(r.lastFrame()).toContain("1.2k in / 30 out");
    r.unmount();
  });
});
