import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { App } from "../../src/ui/tui/App.js";
import { PromptHistory } from "../../src/ui/tui/history.js";
import { fakeBackend, tick, waitFor } from "./fake-backend.js";

async function type(stdin: { write(s: string): void }, text: string) {
  for (const ch of text) {
    stdin.write(ch);
    await tick(2);
  }
}

describe("Ctrl-G", () => {
  it("replaces the prompt with the editor's text", async () => {
    const r = render(
      <App backend={fakeBackend([])} history={new PromptHistory()} env={{ EDITOR: "/tmp/x/ed/e.sh", PATH: process.env.PATH }} />,
    );
    await tick();
    await type(r.stdin, "draft");
    r.stdin.write("\x07");
    await waitFor(r.lastFrame, "› draft from-editor");
    r.unmount();
  });
});
