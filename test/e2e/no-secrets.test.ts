import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_SECRET_ACCESS_KEY } from "../../emulator/index.js";
import { makeRepo, runCli, scriptedWorld, startWorld } from "./harness.js";

const SESSION_TOKEN = "FQoGZXIvYXdzEXAMPLESESSIONTOKENvalue0123456789";
const TEMP_KEY = "ASIAQUARRYTESTKEY001";
const TEMP_SECRET = "tEmPsEcReTkEy/ForTheTranscriptLeakTest00";

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

describe("no credential ever reaches a transcript, a log or the output", async () => {
  const started = await startWorld(
    scriptedWorld(
      [
        // The model even tries to echo the environment: the command's output must be redacted in the transcript.
        {
          turn: 1,
          reply: { content: [{ type: "tool_use", name: "Bash", input: { command: "env | grep AWS_" } }] },
        },
        { turn: 2, reply: { content: [{ type: "text", text: "done" }] } },
      ],
      (w) => {
        w.identities!.push({
          name: "temp",
          arn: "arn:aws:sts::123456789012:assumed-role/Dev/s",
          accessKeys: [{ accessKeyId: TEMP_KEY, secretAccessKey: TEMP_SECRET, sessionToken: SESSION_TOKEN }],
          policy: [{ effect: "Allow", actions: ["*"], resources: ["*"] }],
        });
      },
    ),
  );
  afterAll(() => started.emulator.close());

  it("greps every file the run wrote, its output and the emulator log for the secrets", async () => {
    const repo = makeRepo();
    const env = {
      AWS_ACCESS_KEY_ID: TEMP_KEY,
      AWS_SECRET_ACCESS_KEY: TEMP_SECRET,
      AWS_SESSION_TOKEN: SESSION_TOKEN,
    };
    const ok = await runCli(
      ["-p", "show env", "--allowedTools", "Bash(env:*)", "Bash(grep:*)", "--output-format", "quarry-events"],
      {
        cwd: repo,
        emulator: started.emulator,
        home: started.home,
        env,
      },
    );
    expect(ok.code).toBe(0);
    // The command really ran and its output reached the model, with the credentials replaced.
    const sent = JSON.stringify(
      started.emulator.log.filter((e) => e.operation === "invoke-with-response-stream").at(-1)!.body,
    );
    expect(sent).toContain(`AWS_ACCESS_KEY_ID=${TEMP_KEY}`);
    expect(sent).toContain("AWS_SECRET_ACCESS_KEY=<redacted:AWS_SECRET_ACCESS_KEY>");
    const failing = await runCli(["-p", "again"], {
      cwd: repo,
      emulator: started.emulator,
      home: started.home,
      env: { ...env, AWS_SECRET_ACCESS_KEY: `${TEMP_SECRET}x` },
    });
    expect(failing.code).toBe(1);

    const written = filesUnder(started.home).map((f) => readFileSync(f, "utf8"));
    expect(written.join("").length).toBeGreaterThan(500); // the transcripts exist
    const everything = [
      ...written,
      ok.stdout,
      ok.stderr,
      failing.stdout,
      failing.stderr,
      JSON.stringify(started.emulator.log),
    ].join("\n");
    for (const secret of [TEMP_SECRET, SESSION_TOKEN, DEFAULT_SECRET_ACCESS_KEY]) {
      expect(everything).not.toContain(secret);
    }
  });
});
