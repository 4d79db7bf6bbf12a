import { afterEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/index.js";
import { makeRepo, runCli, scriptedWorld, startWorld, text, tool } from "../e2e/harness.js";
import { html, PAGE_HTML, startSite } from "./server.js";

let emulator: RunningEmulator | undefined;
let closeSite: (() => Promise<void>) | undefined;
afterEach(async () => {
  await emulator?.close();
  await closeSite?.();
  emulator = undefined;
  closeSite = undefined;
});

type Logged = { operation: string; body: { messages: { role: string; content: unknown }[] } };
const lastUserText = (entry: Logged) => JSON.stringify(entry.body.messages.at(-1)?.content);

describe("WebFetch through the CLI", () => {
  it("fetches with a domain rule, the side model answers from the page, the answer reaches the model", async () => {
    const s = await startSite({ "/docs": html(PAGE_HTML) });
    closeSite = s.close;
    const world = scriptedWorld([
      {
        turn: 1,
        reply: { content: [tool("WebFetch", { url: `${s.base}/docs`, prompt: "How to install?" })] },
      },
      {
        model: "haiku",
        promptIncludes: "How to install?",
        reply: { content: [text("Use npm install quarry.")] },
      },
      { turn: 2, reply: { content: [text("Done.")] } },
    ]);
    const started = await startWorld(world);
    emulator = started.emulator;
    const run = await runCli(["-p", "read the docs", "--allowedTools", "WebFetch(domain:127.0.0.1)"], {
      cwd: makeRepo(),
      emulator,
      home: started.home,
    });
    expect(run.code).toBe(0);
    expect(s.hits).toEqual(["/docs"]);
    const log = emulator.log as unknown as Logged[];
    const side = log.find((e) => e.operation === "invoke" && lastUserText(e).includes("How to install?"));
    expect(side, "the side model was asked about the page").toBeDefined();
    expect(lastUserText(side!)).toContain("# Install guide");
    expect(lastUserText(side!)).not.toContain("alert(");
    const turns = log.filter((e) => e.operation === "invoke-with-response-stream");
    expect(lastUserText(turns[1]!)).toContain("Use npm install quarry.");
  });

  it("print mode without a rule: nothing is fetched, and the model is told the rule to add", async () => {
    const s = await startSite({ "/docs": html(PAGE_HTML) });
    closeSite = s.close;
    const world = scriptedWorld([
      { turn: 1, reply: { content: [tool("WebFetch", { url: `${s.base}/docs`, prompt: "p" })] } },
      { turn: 2, reply: { content: [text("Could not.")] } },
    ]);
    const started = await startWorld(world);
    emulator = started.emulator;
    const run = await runCli(["-p", "read the docs"], { cwd: makeRepo(), emulator, home: started.home });
    expect(run.code).toBe(0);
    expect(s.hits).toEqual([]);
    const turns = (emulator.log as unknown as Logged[]).filter(
      (e) => e.operation === "invoke-with-response-stream",
    );
    expect(lastUserText(turns[1]!)).toContain('--allowedTools \\"WebFetch(domain:127.0.0.1)\\"');
  });
});
