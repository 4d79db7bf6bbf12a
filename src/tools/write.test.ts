import {
  chmodSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createWorkspace, type Workspace } from "../../test/support/tool-workspace.js";
import { atomicWriteFile } from "./atomic-write.js";

let ws: Workspace;
beforeEach(() => {
  ws = createWorkspace();
});
afterEach(() => {
  chmodSync(ws.dir, 0o755);
  ws.cleanup();
});

const isRoot = process.getuid?.() === 0;

describe("Write", () => {
  it("creates a new file and its parent directories, with a diff for the UI", async () => {
    const result = await ws.call("Write", { file_path: "deep/new/file.txt", content: "hello\nworld\n" });
    expect(result.isError).toBeFalsy();
    expect(result.content).toBe(`Created ${ws.dir}/deep/new/file.txt (2 lines).`);
    expect(readFileSync(join(ws.dir, "deep/new/file.txt"), "utf8")).toBe("hello\nworld\n");
    expect(result.display).toMatchObject({ kind: "diff", added: 2, removed: 0, created: true });
    expect(result.display?.kind === "diff" && result.display.patch).toContain("+hello");
  });

  it("refuses to overwrite a file that was not read in this session", async () => {
    const abs = ws.write("a.txt", "original");
    const result = await ws.call("Write", { file_path: "a.txt", content: "new" });
    expect(result.isError).toBe(true);
    expect(result.content).toContain(`File has not been read in this session: ${abs}`);
    expect(result.content).toContain("Read it first");
    expect(readFileSync(abs, "utf8")).toBe("original");
  });

  it("refuses when the file changed on disk after it was read", async () => {
    const abs = ws.write("a.txt", "original");
    await ws.call("Read", { file_path: "a.txt" });
    writeFileSync(abs, "changed by the user");
    const result = await ws.call("Write", { file_path: "a.txt", content: "new" });
    expect(result.isError).toBe(true);
    expect(result.content).toContain("has been modified since it was last read");
    expect(readFileSync(abs, "utf8")).toBe("changed by the user");
  });

  it("overwrites a read file, keeps its mode, and allows a second write without re-reading", async () => {
    const abs = ws.write("run.sh", "echo 1\n");
    chmodSync(abs, 0o750);
    await ws.call("Read", { file_path: "run.sh" });
    const first = await ws.call("Write", { file_path: "run.sh", content: "echo 2\n" });
    expect(first.content).toBe(`Wrote ${abs} (1 line).`);
    expect(first.display).toMatchObject({ kind: "diff", added: 1, removed: 1, created: false });
    expect(statSync(abs).mode & 0o777).toBe(0o750);
    const second = await ws.call("Write", { file_path: "run.sh", content: "echo 3\n" });
    expect(second.isError).toBeFalsy();
    expect(readFileSync(abs, "utf8")).toBe("echo 3\n");
    expect(readdirSync(ws.dir)).toEqual(["run.sh"]);
  });

  it("writes through a symlink, leaving the link in place", async () => {
    const target = ws.write("real.txt", "one");
    symlinkSync(target, join(ws.dir, "link.txt"));
    await ws.call("Read", { file_path: "link.txt" });
    const result = await ws.call("Write", { file_path: "link.txt", content: "two" });
    expect(result.isError).toBeFalsy();
    expect(lstatSync(join(ws.dir, "link.txt")).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, "utf8")).toBe("two");
  });

  it("refuses a directory as the target", async () => {
    mkdirSync(join(ws.dir, "sub"));
    const result = await ws.call("Write", { file_path: "sub", content: "x" });
    expect(result.isError).toBe(true);
    expect(result.content).toContain("is a directory");
  });
});

describe("atomicWriteFile", () => {
  it("leaves no temp file and the target untouched when the rename fails", async () => {
    const target = join(ws.dir, "occupied");
    mkdirSync(target);
    writeFileSync(join(target, "inside.txt"), "keep");
    await expect(atomicWriteFile(target, "data")).rejects.toThrow();
    expect(readdirSync(ws.dir)).toEqual(["occupied"]);
    expect(readFileSync(join(target, "inside.txt"), "utf8")).toBe("keep");
  });

  it("fails cleanly when the directory cannot hold a temp file", async () => {
    const parentIsFile = join(ws.write("plain", "x"), "child.txt");
    await expect(atomicWriteFile(parentIsFile, "data")).rejects.toThrow(/ENOTDIR/);
    expect(readdirSync(ws.dir)).toEqual(["plain"]);
  });

  it.skipIf(isRoot)("leaves the old content and no temp file in a read-only directory", async () => {
    const abs = ws.write("a.txt", "old");
    chmodSync(ws.dir, 0o555);
    await expect(atomicWriteFile(abs, "new")).rejects.toThrow(/EACCES/);
    chmodSync(ws.dir, 0o755);
    expect(readFileSync(abs, "utf8")).toBe("old");
    expect(readdirSync(ws.dir)).toEqual(["a.txt"]);
  });

  it("replaces content whole", async () => {
    const abs = ws.write("a.txt", "x".repeat(100_000));
    await atomicWriteFile(abs, "short");
    expect(readFileSync(abs, "utf8")).toBe("short");
    expect(readdirSync(ws.dir)).toEqual(["a.txt"]);
  });
});
