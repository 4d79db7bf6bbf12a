import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { App } from "../../src/ui/tui/App.js";
import { PermissionBroker } from "../../src/ui/tui/backend.js";
import { DeferredBackend, pendingInfo } from "../../src/ui/tui/deferred-backend.js";
import { PromptHistory } from "../../src/ui/tui/history.js";
import { DONE, fakeBackend, INFO, tick, type, waitFor } from "./fake-backend.js";

// The App over a session that is still opening (src/ui/tui/deferred-backend.ts): drawn at once, keys go into
// the prompt, prompts wait in the queue, and everything goes to the real backend once it is open.

function opening(over: Parameters<typeof pendingInfo>[0] = {}) {
  const permissions = new PermissionBroker();
  return { permissions, deferred: new DeferredBackend(permissions, pendingInfo(over)) };
}

describe("the TUI before its session is open", () => {
  it("draws the prompt at once, queues a prompt typed meanwhile, and sends it once the session opens", async () => {
    const { permissions, deferred } = opening();
    const real = fakeBackend(
      [
        async function* () {
          yield { type: "text_delta", text: "The answer." };
          yield DONE;
        },
      ],
      { permissions },
    );
    const r = render(<App backend={deferred} history={new PromptHistory()} />);
    await tick();
    const first = r.lastFrame() ?? "";
    expect(first).toContain("Ask Quarry to do something");
    expect(first).toContain("resolving…");
    await type(r.stdin, "early question");
    r.stdin.write("\r");
    await waitFor(r.lastFrame, "⧗ queued: early question");
    expect(r.lastFrame()).toContain("Sent once the session is open");
    expect(real.prompts).toEqual([]);

    deferred.open(real, [{ kind: "info", text: "Quarry 0.1.0 · welcome" }]);
    const frame = await waitFor(r.lastFrame, "The answer.");
    expect(real.prompts).toEqual(["early question"]);
    expect(frame).toContain("Quarry 0.1.0 · welcome");
    expect(frame).toContain("Sonnet 4.6");
    expect(frame).not.toContain("resolving…");
    expect(frame).not.toContain("queued");
    r.unmount();
  });

  it("keeps a Shift+Tab mode chosen while opening, and the session starts in it", async () => {
    const { permissions, deferred } = opening();
    const modes: string[] = [];
    const real = fakeBackend([], {
      permissions,
      setMode: (mode) => {
        modes.push(mode);
        return { ...INFO, mode };
      },
    });
    const r = render(<App backend={deferred} history={new PromptHistory()} />);
    await tick();
    r.stdin.write("\x1b[Z"); // Shift+Tab
    await waitFor(r.lastFrame, "accept edits on");
    deferred.open(real, []);
    await tick(50);
    expect(modes).toEqual(["acceptEdits"]);
    r.unmount();
  });

  it("exits on Ctrl-C twice, and on /exit, while the session is still opening", async () => {
    for (const keys of [["\x03", "\x03"], ["/exit\r"]]) {
      const { deferred } = opening();
      const left: { sessionId: string; prompted: boolean }[] = [];
      const r = render(
        <App backend={deferred} history={new PromptHistory()} onLeave={(s) => left.push(s)} />,
      );
      await tick();
      for (const k of keys) {
        if (k === "\x03") r.stdin.write(k);
        else await type(r.stdin, k);
        await tick();
      }
      await tick(50);
      expect(left).toEqual([{ sessionId: "", prompted: false }]);
      r.unmount();
    }
  });

  it("hands what was typed but not sent (queue, then draft) to a caller that ends the UI", async () => {
    const { deferred } = opening();
    const unsent: { current?: () => string[] } = {};
    const r = render(<App backend={deferred} history={new PromptHistory()} unsent={unsent} />);
    await tick();
    await type(r.stdin, "first ask");
    r.stdin.write("\r");
    await waitFor(r.lastFrame, "⧗ queued: first ask");
    await type(r.stdin, "half typed");
    await waitFor(r.lastFrame, "half typed");
    expect(unsent.current?.()).toEqual(["first ask", "half typed"]);
    r.unmount();
  });

  it("closes a session that opens after the user left, and answers for the pending state meanwhile", async () => {
    const { permissions, deferred } = opening({ simulation: true });
    expect(deferred.info().model).toBe("");
    expect(deferred.info().simulation).toBeTruthy();
    let closed = 0;
    const real = fakeBackend([], {
      permissions,
      close: async () => {
        closed++;
      },
    });
    deferred.cancel(); // nothing to cancel yet: no throw
    expect(() => deferred.run("early")).toThrow(/still opening/);
    await deferred.close();
    deferred.open(real, []);
    expect(closed).toBe(1);
  });
});
