import { afterEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/index.js";
import { mainTurns, makeRepo, runCli, scriptedWorld, startWorld } from "../e2e/harness.js";
import { everythingStdio } from "./servers.js";

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const config = JSON.stringify({ mcpServers: { everything: everythingStdio() } });

async function answeringModel() {
  const started = await startWorld(
    scriptedWorld([{ turn: 1, reply: { content: [{ type: "text", text: "Noted." }] } }]),
  );
  emulator = started.emulator;
  return started;
}

/** The text of the user message the model received first. */
function firstUserText(em: RunningEmulator): string {
  const body = mainTurns(em)[0]!.body as { messages: { role: string; content: unknown }[] };
  return JSON.stringify(body.messages[0]!.content);
}

describe("MCP prompts and resources in -p (built CLI, server-everything)", () => {
  it("/mcp__everything__args-prompt Paris sends the server's prompt, not the slash line", async () => {
    const { emulator: em, home } = await answeringModel();
    const run = await runCli(["-p", "/mcp__everything__args-prompt Paris", "--mcp-config", config], {
      cwd: makeRepo(),
      emulator: em,
      home,
    });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const sent = firstUserText(em);
    expect(sent).toContain("What's weather in Paris?");
    expect(sent).not.toContain("/mcp__everything__args-prompt");
  });

  it("a prompt missing its argument stops before any model request, saying how to write it", async () => {
    const { emulator: em, home } = await answeringModel();
    const run = await runCli(["-p", "/mcp__everything__args-prompt", "--mcp-config", config], {
      cwd: makeRepo(),
      emulator: em,
      home,
    });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("/mcp__everything__args-prompt needs <city>.");
    expect(run.stderr).toContain("/mcp__everything__args-prompt <city> [state]");
    expect(mainTurns(em)).toHaveLength(0);
  });

  it("@everything:<uri> attaches the resource's text to the prompt", async () => {
    const { emulator: em, home } = await answeringModel();
    const uri = "demo://resource/static/document/architecture.md";
    const run = await runCli(["-p", `Summarise @everything:${uri}`, "--mcp-config", config], {
      cwd: makeRepo(),
      emulator: em,
      home,
    });
    expect(run.code).toBe(0);
    const sent = firstUserText(em);
    expect(sent).toContain(`<mcp-resource server=\\"everything\\" uri=\\"${uri}\\">`);
    expect(sent).toContain(`[Resource ${uri}]`);
  });
});
