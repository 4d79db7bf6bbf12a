import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_SECRET_ACCESS_KEY } from "../../emulator/index.js";
import { mainTurns, makeRepo, runCli, scriptedWorld, startWorld } from "./harness.js";

const SESSION_TOKEN = "FQoGZXIvYXdzEXAMPLESESSIONTOKENvalue0123456789";
const TEMP_KEY = "ASIAQUARRYTESTKEY001";
const TEMP_SECRET = "tEmPsEcReTkEy/ForTheTranscriptLeakTest00";

// Secrets in no recognisable shape: only scrubbing by value can catch them (docs/security/secrets.md).
const BEARER = "quarry-e2e-bearer.Zm9vYmFy0123456789abcdefXYZ";
const ENV_SECRET = "envSecretAccessKey/e2e+0123456789abcdefghij";
const ENV_SESSION = "envSessionToken0123456789e2eVALUEonlyHere";
const FILE_SECRET = "fileSecretAccessKey/e2e+9876543210zyxwvuts";
const FILE_SESSION = "fileSessionTokenE2E0123456789onlyInTheFile";
const CREDENTIALS_FILE = `[default]\naws_access_key_id = AKIDQUARRYE2EFILE001\naws_secret_access_key = ${FILE_SECRET}\naws_session_token = ${FILE_SESSION}\n`;
const ALL = [BEARER, ENV_SECRET, ENV_SESSION, FILE_SECRET, FILE_SESSION];

/** The model's words, repeating the secrets plainly and encoded. */
function repeat(lead: string): string {
  return `${lead}: the bearer token is ${BEARER}, the key is ${FILE_SECRET} and the token is ${ENV_SESSION}; base64: ${Buffer.from(BEARER).toString("base64")}.`;
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

/** What Quarry itself wrote under a test HOME: transcripts, caches, config (not the fixture credentials file). */
function quarryFiles(home: string): string[] {
  return [".quarry", ".quarry-data"]
    .map((dir) => join(home, dir))
    .filter((dir) => {
      try {
        return statSync(dir).isDirectory();
      } catch {
        return false;
      }
    })
    .flatMap(filesUnder)
    .map((file) => readFileSync(file, "utf8"));
}

/**
 * The forms a leaked secret would take, computed here independently of src/secrets: the value, `rev`,
 * base64 and hex of it, and — for the credentials file piped through `base64` — every 8-character run of the
 * encoded file that encodes only the secret's own bytes.
 */
function leakedForms(secret: string): string[] {
  const bytes = Buffer.from(secret);
  const forms = [
    secret,
    [...secret].reverse().join(""),
    bytes.toString("base64").slice(0, 12),
    bytes.toString("hex").slice(0, 16),
  ];
  const offset = CREDENTIALS_FILE.indexOf(secret);
  if (offset >= 0) {
    const encoded = Buffer.from(CREDENTIALS_FILE).toString("base64");
    const first = Math.ceil((offset * 4) / 3) + 1;
    const last = Math.floor(((offset + secret.length) * 4) / 3) - 1;
    for (let i = first; i + 8 <= last; i++) forms.push(encoded.slice(i, i + 8));
  }
  return forms;
}

/** Asserts no form of any secret is in `text` (line breaks, raw or JSON-escaped, are ignored). */
function expectNoSecret(text: string, secrets: string[], where: string): void {
  const flat = text.replace(/\\n|\n/g, "");
  for (const secret of secrets) {
    for (const form of leakedForms(secret)) expect(flat, `${where}: a form of ${secret}`).not.toContain(form);
  }
}

describe("a held secret never leaves Quarry, in any encoding, by any exit", async () => {
  const started = await startWorld(
    scriptedWorld(
      [
        { turn: 1, reply: { content: [{ type: "tool_use", name: "Bash", input: { command: "env" } }] } },
        {
          turn: 2,
          reply: {
            content: [
              { type: "tool_use", name: "Bash", input: { command: "cat ~/.aws/credentials | base64" } },
            ],
          },
        },
        {
          turn: 3,
          reply: {
            content: [
              {
                type: "tool_use",
                name: "Bash",
                input: { command: "printenv AWS_BEARER_TOKEN_BEDROCK | rev" },
              },
            ],
          },
        },
        // The model repeats the secrets in its own words (it could only have guessed them, but still), once
        // before a tool call, so its words go back to it in the next request, and once in its final answer.
        {
          turn: 4,
          reply: {
            content: [
              { type: "text", text: repeat("Found them") },
              { type: "tool_use", name: "Bash", input: { command: "echo checked" } },
            ],
          },
        },
        { turn: 5, reply: { content: [{ type: "text", text: repeat("To sum up") }] } },
        { turn: 6, reply: { content: [{ type: "text", text: "Nothing more." }] } },
      ],
      (w) => {
        w.identities!.push({
          name: "bearer",
          arn: "arn:aws:iam::123456789012:user/bearer",
          accessKeys: [],
          bearerKeys: [{ token: BEARER }],
          policy: [{ effect: "Allow", actions: ["*"], resources: ["*"] }],
        });
      },
    ),
  );
  afterAll(() => started.emulator.close());
  mkdirSync(join(started.home, ".aws"), { recursive: true });
  writeFileSync(join(started.home, ".aws", "credentials"), CREDENTIALS_FILE);
  const env = {
    AWS_BEARER_TOKEN_BEDROCK: BEARER,
    AWS_SECRET_ACCESS_KEY: ENV_SECRET,
    AWS_SESSION_TOKEN: ENV_SESSION,
  };
  const allowed = [
    "--allowedTools",
    "Bash(env)",
    "Bash(cat:*)",
    "Bash(base64)",
    "Bash(printenv:*)",
    "Bash(rev)",
    "Bash(echo:*)",
  ];

  it.each([
    ["text"],
    ["json"],
    ["stream-json", "--verbose", "--include-partial-messages"],
    ["quarry-events"],
  ])("--output-format %s", async (...format: string[]) => {
    const repo = makeRepo();
    const before = started.emulator.log.length;
    const run = await runCli(["-p", "find my credentials", ...allowed, "--output-format", ...format], {
      cwd: repo,
      emulator: started.emulator,
      home: started.home,
      env,
    });
    expect(run.code, run.stderr).toBe(0);
    const turns = mainTurns(started.emulator).filter((e) => started.emulator.log.indexOf(e) >= before);
    expect(turns).toHaveLength(5);
    // Each command really ran and its output reached the model, with the secrets replaced.
    const bodies = turns.map((t) => JSON.stringify(t.body));
    expect(bodies[1]).toContain("AWS_BEARER_TOKEN_BEDROCK=<redacted:AWS_BEARER_TOKEN_BEDROCK>");
    expect(bodies[1]).toContain("AWS_SECRET_ACCESS_KEY=<redacted:AWS_SECRET_ACCESS_KEY>");
    expect(bodies[2]).toContain("<redacted:aws_secret_access_key [default]>");
    expect(bodies[2]).toContain("<redacted:aws_session_token [default]>");
    expect(bodies[3]).toContain("<redacted:AWS_BEARER_TOKEN_BEDROCK>");
    // The model's own words went back to it with the secrets replaced.
    expect(bodies[4]).toContain("Found them: the bearer token is <redacted:AWS_BEARER_TOKEN_BEDROCK>");
    expectNoSecret(bodies.join("\n"), ALL, `model request bodies (${format})`);
    // What the model said is on stdout, scrubbed, however it was streamed.
    expect(run.stdout).toContain("To sum up: the bearer token is <redacted:AWS_BEARER_TOKEN_BEDROCK>");
    expectNoSecret(run.stdout, ALL, `stdout (${format})`);
    expectNoSecret(run.stderr, ALL, `stderr (${format})`);
  });

  it("keeps them out of the transcript and of every later request, a resumed session's included", async () => {
    const repo = makeRepo();
    const first = await runCli(["-p", "find my credentials", ...allowed], {
      cwd: repo,
      emulator: started.emulator,
      home: started.home,
      env,
    });
    expect(first.code, first.stderr).toBe(0);
    const before = started.emulator.log.length;
    const again = await runCli(["-p", "--continue", "and now?"], {
      cwd: repo,
      emulator: started.emulator,
      home: started.home,
      env,
    });
    expect(again.code, again.stderr).toBe(0);
    const resumed = mainTurns(started.emulator).filter((e) => started.emulator.log.indexOf(e) >= before);
    // The resumed request carries the model's earlier words, with the secrets it repeated replaced.
    expect(JSON.stringify(resumed[0]?.body)).toContain(
      "the bearer token is <redacted:AWS_BEARER_TOKEN_BEDROCK>",
    );
    const transcripts = quarryFiles(started.home).join("\n");
    expect(transcripts).toContain("the bearer token is <redacted:AWS_BEARER_TOKEN_BEDROCK>");
    expectNoSecret(transcripts, ALL, "transcript");
    expectNoSecret(JSON.stringify(started.emulator.log), ALL, "model request bodies");
  }, 60_000); // two CLI runs of five turns each
});

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
    // The command really ran and its output reached the model, with the credentials replaced; the key ID is
    // an identifier, and the model sees it (files it edits may hold example key IDs it must quote exactly).
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
