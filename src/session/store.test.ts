import {
  appendFileSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SECRETS } from "../../test/support/session-secrets.js";
import { projectKey, resolveDataDir } from "./locations.js";
import { readTranscript } from "./reader.js";
import { SessionNotFoundError, SessionStore } from "./store.js";
import { SessionWriter } from "./writer.js";

let base: string;
let store: SessionStore;
const project = "/work/projects/app";
const clock = () => new Date("2025-06-01T12:00:00.000Z");

beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), "quarry-session-"));
  store = new SessionStore(join(base, "data"), { now: clock });
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

function setMtime(path: string, seconds: number): void {
  utimesSync(path, seconds, seconds);
}

describe("resolveDataDir", () => {
  it("prefers QUARRY_DATA_DIR, then XDG_DATA_HOME, then ~/.local/share", () => {
    expect(resolveDataDir({ QUARRY_DATA_DIR: "~/q", XDG_DATA_HOME: "/xdg" }, "/home/u", "/cwd")).toBe(
      "/home/u/q",
    );
    expect(resolveDataDir({ QUARRY_DATA_DIR: "rel" }, "/home/u", "/cwd")).toBe("/cwd/rel");
    expect(resolveDataDir({ XDG_DATA_HOME: "/xdg" }, "/home/u")).toBe("/xdg/quarry");
    expect(resolveDataDir({ XDG_DATA_HOME: "relative" }, "/home/u")).toBe("/home/u/.local/share/quarry");
    expect(resolveDataDir({}, "/home/u")).toBe("/home/u/.local/share/quarry");
    const env = { XDG_DATA_HOME: join(base, "xdg") };
    expect(SessionStore.fromEnvironment(env, "/home/u").dataDir).toBe(join(base, "xdg", "quarry"));
  });

  it("gives distinct, file-name-safe keys to paths that flatten alike", () => {
    const a = projectKey("/a/b-c");
    const b = projectKey("/a/b/c");
    expect(a).not.toBe(b);
    expect(a).toMatch(/^a-b-c-[0-9a-f]{10}$/);
    expect(b).toMatch(/^[A-Za-z0-9._-]+$/);
  });
});

describe("SessionStore", () => {
  it("round-trips events, header first, each on its own line with a time", () => {
    const writer = store.create({ projectRoot: project, model: "claude-sonnet-4-5" });
    writer.append({ type: "user", text: "fix the build" });
    writer.append({ type: "assistant", content: [{ type: "text", text: "On it." }] });
    writer.close();
    const lines = readFileSync(writer.path, "utf8")
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines[0]).toEqual({
      t: "2025-06-01T12:00:00.000Z",
      type: "session",
      id: writer.id,
      projectRoot: project,
      createdAt: "2025-06-01T12:00:00.000Z",
      version: 1,
      model: "claude-sonnet-4-5",
    });
    expect(writer.path).toBe(join(base, "data", "sessions", projectKey(project), `${writer.id}.jsonl`));
    const loaded = store.open(writer.id, project).load();
    expect(loaded.warnings).toEqual([]);
    expect(loaded.header?.id).toBe(writer.id);
    expect(loaded.events).toEqual([
      { t: "2025-06-01T12:00:00.000Z", type: "user", text: "fix the build" },
      { t: "2025-06-01T12:00:00.000Z", type: "assistant", content: [{ type: "text", text: "On it." }] },
    ]);
    expect(() => writer.append({ type: "late" })).toThrow("is closed");
  });

  it("keeps transcripts private to the user", () => {
    const writer = store.create({ projectRoot: project });
    expect(statSync(writer.path).mode & 0o777).toBe(0o600);
  });

  it("flushes every event: a second handle sees it right after append", () => {
    const writer = store.create({ projectRoot: project });
    for (let i = 0; i < 3; i++) {
      writer.append({ type: "tool_result", n: i });
      const lines = readFileSync(writer.path, "utf8").split("\n").filter(Boolean);
      expect(JSON.parse(lines.at(-1)!)).toMatchObject({ type: "tool_result", n: i });
    }
  });

  it("skips a partial last line (kill -9 mid-write) with a warning, and resumes on a fresh line", () => {
    const writer = store.create({ projectRoot: project });
    writer.append({ type: "user", text: "hello" });
    appendFileSync(writer.path, '{"t":"2025-06-01T12:00:00.000Z","type":"assistant","content":"hal');
    const session = store.open(writer.id, project);
    const loaded = session.load();
    expect(loaded.events.map((e) => e.type)).toEqual(["user"]);
    expect(loaded.warnings).toEqual([
      `${writer.path}: the last line was cut off mid-write (Quarry was probably interrupted); skipped it`,
    ]);

    const resumed = session.resume();
    resumed.append({ type: "user", text: "again" });
    const after = session.load();
    expect(after.events.map((e) => e.type)).toEqual(["user", "resumed", "user"]);
    expect(after.warnings).toEqual([`${writer.path}: line 3 is not valid JSON; skipped it`]);
  });

  it("skips a damaged line in the middle, naming its number", () => {
    const writer = store.create({ projectRoot: project });
    writer.append({ type: "user", text: "one" });
    appendFileSync(writer.path, "not json\n[1,2]\n");
    writer.append({ type: "user", text: "two" });
    const loaded = store.open(writer.id, project).load();
    expect(loaded.events.map((e) => e.text)).toEqual(["one", "two"]);
    expect(loaded.warnings).toEqual([
      `${writer.path}: line 3 is not valid JSON; skipped it`,
      `${writer.path}: line 4 is not an event (an object with a "type"); skipped it`,
    ]);
  });

  it("latest picks the newest session of this project only", () => {
    const older = store.create({ projectRoot: project });
    const newer = store.create({ projectRoot: project });
    const other = store.create({ projectRoot: "/work/projects/other" });
    setMtime(older.path, 1_000);
    setMtime(newer.path, 2_000);
    setMtime(other.path, 3_000);
    expect(store.latest(project)?.id).toBe(newer.id);
    setMtime(older.path, 4_000);
    expect(store.latest(project)?.id).toBe(older.id);
    expect(store.latest("/work/projects/none")).toBeUndefined();
  });

  it("opens by id, by unique prefix, and from another project by exact id", () => {
    const writer = store.create({ projectRoot: project, id: "abc123-def" });
    expect(store.open("abc123-def", project).path).toBe(writer.path);
    expect(store.open("abc1", project).id).toBe("abc123-def");
    expect(store.open("abc123-def", "/elsewhere").path).toBe(writer.path);
  });

  it("explains an unknown id and lists the project's recent sessions", () => {
    const first = store.create({ projectRoot: project, id: "first-session" });
    first.append({ type: "user", text: "add a login page\nwith tests" });
    const second = store.create({ projectRoot: project, id: "second-session" });
    second.append({ type: "title", title: "Fix flaky CI" });
    setMtime(first.path, 1_700_000_000);
    setMtime(second.path, 1_700_000_100);
    let error: unknown;
    try {
      store.open("nope", project);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SessionNotFoundError);
    expect((error as Error).message).toBe(
      `No session "nope" found for ${project}. Recent sessions here:\n` +
        "  second-session  2023-11-14T22:15:00.000Z  Fix flaky CI\n" +
        "  first-session  2023-11-14T22:13:20.000Z  add a login page with tests\n" +
        "Resume one with --resume <id>, or the newest with --continue.",
    );
    expect(() => store.open("../../etc/passwd", project)).toThrow(SessionNotFoundError);
    expect(() => store.open("x", "/empty/project")).toThrow(
      'No session "x" found, and /empty/project has no saved sessions yet.',
    );
  });

  it("refuses an ambiguous prefix", () => {
    store.create({ projectRoot: project, id: "aa-1" });
    store.create({ projectRoot: project, id: "aa-2" });
    expect(() => store.open("aa", project)).toThrow('Session id "aa" is ambiguous');
  });

  it("lists sessions with title, first prompt and times", () => {
    const writer = store.create({ projectRoot: project, id: "s1" });
    writer.append({ type: "user", content: [{ type: "text", text: "explain the parser" }] });
    writer.append({ type: "title", title: "Parser walkthrough" });
    setMtime(writer.path, 1_700_000_000);
    expect(store.list(project)).toEqual([
      {
        id: "s1",
        path: writer.path,
        title: "Parser walkthrough",
        firstPrompt: "explain the parser",
        createdAt: "2025-06-01T12:00:00.000Z",
        updatedAt: "2023-11-14T22:13:20.000Z",
      },
    ]);
  });

  it("writes no secret to the transcript, in any form", () => {
    const writer = store.create({ projectRoot: project });
    writer.append({
      type: "tool_result",
      output: `[default]\naws_access_key_id = ${SECRETS.accessKeyId}\naws_secret_access_key = ${SECRETS.secretKey}\naws_session_token = ${SECRETS.sessionToken}\n`,
    });
    writer.append({
      type: "request",
      headers: { Authorization: SECRETS.sigv4, "x-amz-security-token": SECRETS.sessionToken },
    });
    writer.append({
      type: "tool_call",
      command: `curl -H "Authorization: Bearer ${SECRETS.bearer}" https://x`,
    });
    writer.append({
      type: "env",
      lines: [
        `AWS_BEARER_TOKEN_BEDROCK=${SECRETS.bedrockShortTerm}`,
        `KEY=${SECRETS.bedrockLongTerm}`,
        `ANTHROPIC_API_KEY=${SECRETS.anthropic}`,
        `ID=${SECRETS.tempKeyId}`,
      ],
    });
    writer.append({
      type: "error",
      error: new Error(`The security token ${SECRETS.accessKeyId} is invalid`),
    });
    writer.close();
    const raw = readFileSync(writer.path, "utf8");
    for (const [name, secret] of Object.entries(SECRETS)) expect(raw, name).not.toContain(secret);
    expect(raw).not.toContain("bedrock-api-key-");
    expect(raw).toContain("<redacted>");
  });

  it("does not glue a new event onto a file that lacks a trailing newline", () => {
    const path = join(base, "hand-made.jsonl");
    writeFileSync(path, '{"type":"session","id":"x","projectRoot":"/p","createdAt":"c","version":1}');
    const writer = new SessionWriter("x", path, clock);
    writer.append({ type: "user", text: "hi" });
    writer.close();
    expect(readTranscript(path)).toMatchObject({ warnings: [], events: [{ type: "user", text: "hi" }] });
  });
});
