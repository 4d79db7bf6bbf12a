import { EventEmitter } from "node:events";
import { render } from "ink";
import { describe, expect, it } from "vitest";
import type { AgentEvent } from "../../src/agent/events.js";
import { ZERO_USAGE } from "../../src/agent/events.js";
import { App } from "../../src/ui/tui/App.js";
import { PromptHistory } from "../../src/ui/tui/history.js";
import type { NewItem } from "../../src/ui/tui/state.js";
import { fakeBackend, tick } from "./fake-backend.js";

/** A TTY-sized stdout that keeps what Ink writes (not debug mode: the real terminal path, <Static> included). */
class Terminal extends EventEmitter {
  isTTY = true;
  columns = 100;
  rows = 40;
  out = "";
  write(chunk: string) {
    this.out += chunk;
    return true;
  }
}

class Keys extends EventEmitter {
  isTTY = true;
  data: string | null = null;
  write(data: string) {
    this.data = data;
    this.emit("readable");
  }
  read() {
    const d = this.data;
    this.data = null;
    return d;
  }
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
}

function session(n: number): NewItem[] {
  return Array.from(
    { length: n },
    (_, i): NewItem =>
      i % 2
        ? { kind: "assistant", open: false, text: `Answer **${i}** done.` }
        : { kind: "user", text: `old prompt ${i}` },
  );
}

async function* answer(): AsyncIterable<AgentEvent> {
  for (let d = 0; d < 5; d++) {
    await tick(40);
    yield { type: "text_delta", text: `streamed part ${d}. ` };
  }
  yield {
    type: "done",
    reason: "end_turn",
    result: "",
    turns: 1,
    usage: ZERO_USAGE,
    costUsd: 0,
    durationMs: 1,
  };
}

/** Bytes written while one answer streams into a session of `n` finished messages. */
async function appendCost(n: number): Promise<{ bytes: number; text: string }> {
  const stdout = new Terminal();
  const stdin = new Keys();
  const app = render(
    <App backend={fakeBackend([answer])} history={new PromptHistory()} intro={session(n)} />,
    {
      stdout: stdout as unknown as NodeJS.WriteStream,
      stderr: new Terminal() as unknown as NodeJS.WriteStream,
      stdin: stdin as unknown as NodeJS.ReadStream,
      exitOnCtrlC: false,
      patchConsole: false,
    },
  );
  await tick(50);
  for (const ch of "go") {
    stdin.write(ch);
    await tick(5);
  }
  await tick(50);
  const before = stdout.out.length;
  stdin.write("\r");
  // Until the last delta is on screen, then a little longer for the frame of the done event.
  const end = Date.now() + 5000;
  while (!stdout.out.slice(before).includes("streamed part 4.") && Date.now() < end) await tick(10);
  await tick(100);
  app.unmount();
  const text = stdout.out.slice(before);
  expect(text).toContain("streamed part 4.");
  return { bytes: text.length, text };
}

describe("render cost in a long session", () => {
  it("streams a new answer without redrawing the finished history (<Static>)", async () => {
    const small = await appendCost(10);
    const large = await appendCost(500);
    expect(large.text).not.toContain("old prompt 2");
    // The same answer costs the same output whatever the history (give or take a spinner frame).
    expect(large.bytes).toBeLessThan(small.bytes * 2);
  });
});
