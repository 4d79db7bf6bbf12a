import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { acquireSessionLock, SessionLockedError } from "./lock.js";
import { SessionStore } from "./store.js";

const dir = () => mkdtempSync(join(tmpdir(), "quarry-lock-"));
const ownedBy = (pid: number) => JSON.stringify({ pid, host: hostname(), startedAt: "2026-01-01T00:00:00Z" });

describe("session lock", () => {
  it("records this process as the owner and removes the file on release", () => {
    const path = join(dir(), "s.lock");
    const lock = acquireSessionLock(path, "s");
    expect(JSON.parse(readFileSync(path, "utf8")).pid).toBe(process.pid);
    lock.release();
    expect(existsSync(path)).toBe(false);
  });

  it("refuses while another live process holds it, naming the pid and the fix", () => {
    const path = join(dir(), "s.lock");
    writeFileSync(path, ownedBy(process.ppid));
    const err = (() => {
      try {
        acquireSessionLock(path, "s");
      } catch (e) {
        return e as SessionLockedError;
      }
    })();
    expect(err).toBeInstanceOf(SessionLockedError);
    expect(err?.message).toContain(`Session s is in use by another Quarry process (pid ${process.ppid}`);
    expect(err?.fix).toContain("drop --continue");
    expect(JSON.parse(readFileSync(path, "utf8")).pid).toBe(process.ppid);
  });

  it("takes over a stale lock whose process is gone, and a damaged lock file", () => {
    const dead = spawnSync(process.execPath, ["-e", ""]).pid;
    const path = join(dir(), "s.lock");
    writeFileSync(path, ownedBy(dead));
    acquireSessionLock(path, "s").release();
    writeFileSync(path, "{not json");
    const lock = acquireSessionLock(path, "s");
    expect(JSON.parse(readFileSync(path, "utf8")).pid).toBe(process.pid);
    lock.release();
  });

  it("a new session holds its lock until the writer closes; resume takes it again", () => {
    const store = new SessionStore(dir());
    const writer = store.create({ projectRoot: "/p", id: "abc" });
    const lockFile = writer.path.replace(/\.jsonl$/, ".lock");
    expect(existsSync(lockFile)).toBe(true);
    writer.close();
    expect(existsSync(lockFile)).toBe(false);
    const again = store.latest("/p")!;
    again.lock();
    const resumed = again.resume();
    expect(existsSync(lockFile)).toBe(true);
    resumed.close();
    expect(existsSync(lockFile)).toBe(false);
  });
});
