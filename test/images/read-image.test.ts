import { writeFileSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { afterEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/index.js";
import { mainTurns, makeRepo, runCli, scriptedWorld, startWorld, text, tool } from "../e2e/harness.js";

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

describe("an image through Read, end to end", () => {
  it("the next request carries the PNG as an image block in the tool result", async () => {
    const world = scriptedWorld([
      { turn: 1, reply: { content: [tool("Read", { file_path: "shot.png" })] } },
      { turn: 2, reply: { content: [text("A red square.")] } },
    ]);
    const started = await startWorld(world);
    emulator = started.emulator;
    const repo = makeRepo();
    const png = await sharp({ create: { width: 16, height: 16, channels: 3, background: "#ff0000" } })
      .png()
      .toBuffer();
    writeFileSync(join(repo, "shot.png"), png);
    const run = await runCli(["-p", "what is in shot.png?"], { cwd: repo, emulator, home: started.home });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("A red square.");
    const body = mainTurns(emulator)[1]?.body as { messages: { content: unknown }[] };
    const reply = body.messages.at(-1)?.content as { type: string; content: unknown }[];
    const result = reply.find((b) => b.type === "tool_result") as {
      content: { type: string; text?: string; source?: { type: string; media_type: string; data: string } }[];
    };
    expect(result.content[0]?.text).toContain("shot.png (image/png, 16×16");
    expect(result.content[1]).toEqual({
      type: "image",
      source: { type: "base64", media_type: "image/png", data: png.toString("base64") },
    });
  });
});
