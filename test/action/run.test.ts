// The GitHub Action's entry script (action/run.mjs), run as GitHub runs it: a child process with the event
// payload in GITHUB_EVENT_PATH, the built CLI against the emulator, and a loopback stand-in for the GitHub
// REST API (GITHUB_API_URL) that records every comment posted.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { planRun } from "../../action/run.mjs";
import { emulatorClientEnv, type RunningEmulator } from "../../emulator/index.js";
import { mainTurns, makeRepo, startWorld } from "../e2e/harness.js";
import { BIN } from "../support/run-cli.js";

const ENTRY = new URL("../../action/run.mjs", import.meta.url).pathname;
const fixture = (name: string) => new URL(`fixtures/${name}.json`, import.meta.url).pathname;
const load = (name: string) => JSON.parse(readFileSync(fixture(name), "utf8"));

interface Posted {
  path: string;
  authorization: string | undefined;
  body: string;
}

let emulator: RunningEmulator;
let home: string;
let github: Server;
let githubUrl: string;
const posted: Posted[] = [];

beforeAll(async () => {
  ({ emulator, home } = await startWorld());
  github = createServer((req, res) => {
    let raw = "";
    req.on("data", (d) => (raw += d));
    req.on("end", () => {
      posted.push({
        path: `${req.method} ${req.url}`,
        authorization: req.headers.authorization,
        body: JSON.parse(raw).body,
      });
      res.writeHead(201, { "content-type": "application/json" });
      res.end(JSON.stringify({ html_url: `https://github.test${req.url}/1` }));
    });
  });
  await new Promise<void>((resolve) => github.listen(0, "127.0.0.1", resolve));
  githubUrl = `http://127.0.0.1:${(github.address() as { port: number }).port}`;
});

afterAll(async () => {
  await emulator.close();
  await new Promise((resolve) => github.close(resolve));
});

afterEach(() => {
  posted.length = 0;
  emulator.log.length = 0;
});

/** Runs the entry script for one event; returns exit code, output and the GITHUB_OUTPUT file's text. */
function runAction(eventName: string, eventFile: string, inputs: Record<string, string> = {}) {
  const out = join(mkdtempSync(join(tmpdir(), "quarry-action-")), "output");
  writeFileSync(out, "");
  const env = {
    ...emulatorClientEnv(emulator.url, home),
    GITHUB_EVENT_NAME: eventName,
    GITHUB_EVENT_PATH: fixture(eventFile),
    GITHUB_REPOSITORY: "octo/widgets",
    GITHUB_TOKEN: "test-token",
    GITHUB_API_URL: githubUrl,
    GITHUB_OUTPUT: out,
    QUARRY_BIN: BIN,
    ...inputs,
  };
  return new Promise<{ code: number; stdout: string; stderr: string; outputs: string }>((resolve) => {
    const child = spawn(process.execPath, [ENTRY], {
      cwd: makeRepo(),
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) =>
      resolve({ code: code ?? -1, stdout, stderr, outputs: readFileSync(out, "utf8") }),
    );
  });
}

// The last stream request: doctor sends its own one-word check before the run.
const promptSent = (): string =>
  JSON.stringify((mainTurns(emulator).at(-1)?.body as { messages: unknown[] }).messages);

describe("action/run.mjs against the emulator and a stand-in GitHub API", () => {
  it("automatic mode on a pull request: reviews it and posts the answer on the PR", async () => {
    const run = await runAction("pull_request", "pull_request", { INPUT_MODE: "auto" });
    expect(run.stderr).not.toContain("::error");
    expect(run.code).toBe(0);
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatchObject({
      path: "POST /repos/octo/widgets/issues/7/comments",
      authorization: "Bearer test-token",
    });
    expect(posted[0]!.body).toContain("Emulated reply");
    expect(posted[0]!.body).toMatch(/Quarry · 1 turns/);
    expect(promptSent()).toContain("Add a retry to the uploader");
    expect(promptSent()).toContain("git diff origin/main...HEAD");
    expect(run.outputs).toContain("triggered<<QUARRY_EOF\ntrue");
    expect(run.outputs).toContain("comment-url<<QUARRY_EOF\nhttps://github.test/repos/octo/widgets/issues/7");
  });

  it("a comment that mentions @quarry: the request without the mention reaches the model, the answer the issue", async () => {
    const run = await runAction("issue_comment", "issue_comment-mention");
    expect(run.code).toBe(0);
    expect(posted.map((p) => p.path)).toEqual(["POST /repos/octo/widgets/issues/12/comments"]);
    expect(promptSent()).toContain("please find the cause of this crash");
    expect(promptSent()).not.toContain("@quarry");
  });

  it("a comment without the mention: nothing runs, nothing is posted", async () => {
    const run = await runAction("issue_comment", "issue_comment-plain");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("skipped: the comment does not mention @quarry");
    expect(posted).toEqual([]);
    expect(emulator.log).toEqual([]);
    expect(run.outputs).toContain("triggered<<QUARRY_EOF\nfalse");
  });

  it("a misconfigured setup fails at doctor, with the fix in the log and in a comment, before any model call", async () => {
    const run = await runAction("issue_comment", "issue_comment-mention", { AWS_REGION: "" });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("::error title=Region::");
    expect(run.stderr).toContain("Fix: Set one of: AWS_REGION");
    expect(posted).toHaveLength(1);
    expect(posted[0]!.body).toContain("quarry doctor");
    expect(posted[0]!.body).toContain("Fix: Set one of: AWS_REGION");
    expect(mainTurns(emulator)).toEqual([]);
  });

  it("outside a workflow: exit 2 and what to do", async () => {
    const child = spawn(process.execPath, [ENTRY], { env: { PATH: process.env.PATH }, stdio: "pipe" });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const code = await new Promise((resolve) => child.on("close", resolve));
    expect(code).toBe(2);
    expect(stderr).toContain("GITHUB_EVENT_PATH is not set");
  });
});

describe("planRun: which events start a run", () => {
  it("mention mode ignores pull requests and issues without a comment", () => {
    expect(planRun("pull_request", load("pull_request"), {}).skip).toContain("mode is mention");
  });

  it("ignores bots (its own comments) and people the repository does not trust", () => {
    const event = load("issue_comment-mention");
    expect(
      planRun("issue_comment", { ...event, comment: { ...event.comment, user: { type: "Bot" } } }, {}).skip,
    ).toBe("the comment is from a bot");
    const outsider = { ...event, comment: { ...event.comment, author_association: "NONE" } };
    expect(planRun("issue_comment", outsider, {}).skip).toContain("only OWNER, MEMBER, COLLABORATOR");
    expect(planRun("issue_comment", outsider, { associations: ["NONE"] }).prompt).toContain("find the cause");
  });

  it("honours another trigger phrase, case-insensitively", () => {
    const event = load("issue_comment-mention");
    event.comment.body = "Hey /AI fix it";
    expect(planRun("issue_comment", event, { trigger: "/ai" }).prompt).toContain("Hey  fix it");
    expect(planRun("issue_comment", event, {}).skip).toContain("does not mention @quarry");
  });
});
