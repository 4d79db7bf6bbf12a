import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { realFolder, TRUST_FILE, TrustStore, TrustStoreError } from "./store.js";

let root: string;
let store: TrustStore;
let project: string;
beforeEach(() => {
  // realpath: on macOS the temp dir itself sits behind a symlink.
  root = realFolder(mkdtempSync(join(tmpdir(), "quarry-trust-")));
  store = new TrustStore(join(root, "config"));
  project = join(root, "work", "project");
  mkdirSync(join(project, "sub"), { recursive: true });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("TrustStore", () => {
  it("trusts a folder and its subfolders, not its parent or a sibling", () => {
    expect(store.trustedBy(project)).toBeUndefined();
    store.trust(project);
    expect(store.trustedBy(project)?.path).toBe(project);
    expect(store.trustedBy(join(project, "sub"))?.path).toBe(project);
    expect(store.trustedBy(join(root, "work"))).toBeUndefined();
    mkdirSync(`${project}2`);
    expect(store.trustedBy(`${project}2`)).toBeUndefined();
  });

  it("keys entries by real path: a symlink is stored as its target and found through either", () => {
    const link = join(root, "link");
    symlinkSync(project, link);
    expect(store.trust(link)).toBe(project);
    expect(store.list().map((e) => e.path)).toEqual([project]);
    expect(store.trustedBy(project)?.path).toBe(project);
    expect(store.trustedBy(join(link, "sub"))?.path).toBe(project);
  });

  it("writes the file with mode 0600 and leaves no temp file behind", () => {
    store.trust(project);
    const file = join(root, "config", TRUST_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(root, "config"))).toEqual([TRUST_FILE]);
    expect(JSON.parse(readFileSync(file, "utf8"))).toMatchObject({
      version: 1,
      trusted: [{ path: project }],
    });
  });

  it("lists sorted, does not duplicate, and revokes exactly the folder given", () => {
    const other = join(root, "a-other");
    mkdirSync(other);
    store.trust(project);
    store.trust(other);
    store.trust(project);
    expect(store.list().map((e) => e.path)).toEqual([other, project]);
    expect(store.revoke(join(project, "sub"))).toBe(false);
    expect(store.revoke(project)).toBe(true);
    expect(store.list().map((e) => e.path)).toEqual([other]);
    expect(store.trustedBy(project)).toBeUndefined();
  });

  it("revokes a folder that no longer exists by its recorded path", () => {
    const gone = join(root, "gone");
    mkdirSync(gone);
    store.trust(gone);
    rmSync(gone, { recursive: true });
    expect(store.revoke(gone)).toBe(true);
    expect(store.list()).toEqual([]);
  });

  it("remembers a 'continue untrusted' answer without trusting, and trust replaces it", () => {
    store.decline(project);
    expect(store.declined(project)).toBe(true);
    expect(store.trustedBy(project)).toBeUndefined();
    store.trust(project);
    expect(store.declined(project)).toBe(false);
  });

  it("refuses a malformed file with a fix instead of trusting anything", () => {
    mkdirSync(join(root, "config"), { recursive: true });
    writeFileSync(join(root, "config", TRUST_FILE), JSON.stringify({ version: 1, trusted: "everything" }));
    expect(() => store.trustedBy(project)).toThrow(TrustStoreError);
    let thrown: unknown;
    try {
      store.trust(project);
    } catch (err) {
      thrown = err;
    }
    expect((thrown as TrustStoreError).fix).toContain("Delete");
    expect(readFileSync(join(root, "config", TRUST_FILE), "utf8")).toContain('"everything"');
  });
});
