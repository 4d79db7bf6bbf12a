import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { atomicWriteFile } from "./atomic-write.js";
import { activeTempJournal, TempJournal, useTempJournal } from "./temp-journal.js";

async function deadPid(): Promise<number> {
  const child = spawn("true");
  await new Promise((resolve) => child.once("exit", resolve));
  return child.pid!;
}

describe("temp-file journal", () => {
  it("sweeps only what is recognisably a dead process's leftover", async () => {
    const dir = mkdtempSync(join(tmpdir(), "quarry-journal-"));
    const journal = join(dir, "journal");
    const pid = await deadPid();
    const temp = join(dir, `.a.quarry-${pid}-abc123.tmp`);
    const otherPidTemp = join(dir, `.a.quarry-1-abc123.tmp`);
    const userFile = join(dir, "real.json");
    const fullStub = join(dir, ".quarry");
    const emptyStub = join(dir, ".claude");
    for (const f of [temp, otherPidTemp, userFile]) writeFileSync(f, "x");
    mkdirSync(fullStub);
    writeFileSync(join(fullStub, "settings.json"), "{}");
    mkdirSync(emptyStub);
    const dead = new TempJournal(journal, pid);
    for (const p of [temp, otherPidTemp, userFile]) dead.note("temp", p);
    dead.note("stub", fullStub);
    dead.note("stub", emptyStub);
    dead.note("stub", userFile);

    expect(TempJournal.sweep(journal).sort()).toEqual([emptyStub, temp].sort());
    expect(existsSync(otherPidTemp) && existsSync(userFile) && existsSync(fullStub)).toBe(true);
    expect(readdirSync(journal)).toEqual([]);
  });

  it("atomic writes journal their temp file first and leave none behind", async () => {
    const dir = mkdtempSync(join(tmpdir(), "quarry-journal-"));
    useTempJournal(join(dir, "journal"));
    await atomicWriteFile(join(dir, "out.txt"), "data");
    expect(readdirSync(dir).sort()).toEqual(["journal", "out.txt"]);
    const listed = readdirSync(join(dir, "journal"));
    expect(listed).toEqual([`${process.pid}.jsonl`]);
    activeTempJournal()?.removeOwn();
    expect(readdirSync(join(dir, "journal"))).toEqual([]);
  });
});
