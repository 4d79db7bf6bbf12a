import { describe, expect, it } from "vitest";
import { ConfigError } from "../config/errors.js";
import { bwrapArgs } from "./bwrap.js";
import { sandboxEnv, sandboxLayout } from "./layout.js";
import { resolveSandboxMode, sandboxModeFrom } from "./mode.js";
import { type HostFs, type PathKind, planMounts } from "./mounts.js";
import { seatbeltProfile } from "./seatbelt.js";

/** A pretend host: the listed paths exist with these kinds; `links` maps a symlink to its target. */
function fakeFs(kinds: Record<string, PathKind>, links: Record<string, string> = {}): HostFs {
  return { kind: (p) => kinds[p] ?? "missing", real: (p) => links[p] ?? p };
}

const layout = sandboxLayout({
  roots: ["/w"],
  home: "/home/u",
  tempDir: "/tmp/quarry-sandbox-1",
  userConfigDir: "/cfg/quarry",
  env: {
    AWS_SHARED_CREDENTIALS_FILE: "/secrets/aws",
    KUBECONFIG: "/k/a:/k/b",
    XDG_RUNTIME_DIR: "/run/user/1",
  },
});

describe("sandbox layout", () => {
  it("hides credential stores, Quarry's own config and credential files named by env vars", () => {
    for (const p of ["/home/u/.aws", "/home/u/.ssh", "/home/u/.docker", "/home/u/.netrc", "/cfg/quarry"]) {
      expect(layout.hidden).toContain(p);
    }
    expect(layout.hidden).toEqual(
      expect.arrayContaining(["/secrets/aws", "/k/a", "/k/b", "/run/user/1", "/run"]),
    );
    expect(layout.writable).toEqual(["/w", "/tmp/quarry-sandbox-1"]);
  });

  it("drops credential variables from the environment and keeps the rest", () => {
    const env = sandboxEnv({
      AWS_ACCESS_KEY_ID: "a",
      AWS_BEARER_TOKEN_BEDROCK: "b",
      NPM_TOKEN: "c",
      DB_PASSWORD: "d",
      SSH_AUTH_SOCK: "/s",
      PATH: "/bin",
      TOKENIZERS_PARALLELISM: "false",
      AWS_REGION: "us-east-1",
    });
    expect(env).toEqual({ PATH: "/bin", TOKENIZERS_PARALLELISM: "false", AWS_REGION: "us-east-1" });
  });
});

describe("mount plan (bubblewrap)", () => {
  const fs = fakeFs({
    "/tmp": "dir",
    "/w": "dir",
    "/tmp/quarry-sandbox-1": "dir",
    "/w/.git": "dir",
    "/w/.git/config": "file",
    "/w/.git/hooks": "dir",
    "/w/.claude": "dir",
    "/home/u/.aws": "dir",
    "/home/u/.netrc": "file",
  });
  const steps = planMounts(layout, fs);

  it("opens the workspace, pins .git, makes protected paths read-only, stubs missing ones, hides secrets", () => {
    expect(steps).toEqual(
      expect.arrayContaining([
        { op: "scratch", path: "/tmp" },
        { op: "rw", path: "/w" },
        { op: "rw", path: "/w/.git" },
        { op: "ro", path: "/w/.git/config" },
        { op: "ro", path: "/w/.git/hooks" },
        { op: "ro", path: "/w/.claude" },
        { op: "stub", path: "/w/.quarry" },
        { op: "stub", path: "/w/.mcp.json" },
        { op: "hide-dir", path: "/home/u/.aws" },
        { op: "hide-file", path: "/home/u/.netrc" },
      ]),
    );
    // `.git/info` is missing inside an existing .git: stubbed; secrets that do not exist: nothing.
    expect(steps).toContainEqual({ op: "stub", path: "/w/.git/info" });
    expect(steps.some((s) => s.path === "/home/u/.ssh")).toBe(false);
  });

  it("orders steps so later ones win: scratch, writable roots, protected, secrets", () => {
    const index = (path: string) => steps.findIndex((s) => s.path === path);
    expect(index("/tmp")).toBeLessThan(index("/w"));
    expect(index("/w")).toBeLessThan(index("/w/.git/config"));
    expect(index("/w/.git/config")).toBeLessThan(index("/home/u/.aws"));
  });

  it("skips secrets already out of sight: under a hidden directory, or under the fresh /tmp", () => {
    const nested = sandboxLayout({
      roots: ["/w"],
      home: "/tmp/h",
      tempDir: "/t",
      env: { AWS_SHARED_CREDENTIALS_FILE: "/tmp/h/.aws/credentials", AWS_CONFIG_FILE: "/etc/aws/config" },
    });
    const plan = planMounts(
      { ...nested, hidden: [...nested.hidden, "/w/.env-secrets", "/w/.env-secrets/key"] },
      fakeFs({
        "/tmp": "dir",
        "/w": "dir",
        "/tmp/h/.aws": "dir",
        "/tmp/h/.aws/credentials": "file",
        "/etc/aws/config": "file",
        "/w/.env-secrets": "dir",
        "/w/.env-secrets/key": "file",
      }),
    );
    const hidden = plan.filter((s) => s.op.startsWith("hide")).map((s) => s.path);
    expect(hidden).toContain("/etc/aws/config");
    expect(hidden).toContain("/w/.env-secrets");
    expect(hidden).not.toContain("/w/.env-secrets/key");
    expect(hidden.some((p) => p.startsWith("/tmp/h"))).toBe(false);
  });

  it("leaves a missing .git alone so git init works", () => {
    const bare = planMounts(layout, fakeFs({ "/w": "dir" }));
    expect(bare.some((s) => s.path.startsWith("/w/.git"))).toBe(false);
  });

  it("needs nothing for a protected link that leads out of the workspace", () => {
    const linked = planMounts(
      layout,
      fakeFs({ "/w": "dir", "/w/.claude": "dir" }, { "/w/.claude": "/shared/c" }),
    );
    expect(linked.some((s) => s.path === "/shared/c" || s.path === "/w/.claude")).toBe(false);
  });

  it("turns the plan into bwrap arguments with no network and the command last", () => {
    const args = bwrapArgs(steps, "/w", ["/bin/bash", "-c", "echo hi"]);
    expect(args.slice(0, 3)).toEqual(["--ro-bind", "/", "/"]);
    expect(args).toContain("--unshare-net");
    expect(args).toContain("--die-with-parent");
    expect(args.join(" ")).toContain("--ro-bind /w/.git/config /w/.git/config");
    expect(args.join(" ")).toContain("--tmpfs /w/.quarry --remount-ro /w/.quarry");
    expect(args.join(" ")).toContain("--ro-bind /dev/null /home/u/.netrc");
    expect(args.slice(-6)).toEqual(["--chdir", "/w", "--", "/bin/bash", "-c", "echo hi"]);
  });
});

describe("Seatbelt profile (macOS sandbox-exec; generated here, executed only on macOS)", () => {
  const profile = seatbeltProfile(layout, (p) => (p.startsWith("/tmp") ? `/private${p}` : p));

  it("denies writes, re-allows the workspace, then denies protected paths, secrets and the network", () => {
    const at = (text: string) => profile.indexOf(text);
    expect(profile.startsWith("(version 1)\n(allow default)\n(deny file-write*)\n")).toBe(true);
    expect(at('(subpath "/w")')).toBeGreaterThan(at("(allow file-write*"));
    expect(at('(subpath "/w/.git/config")')).toBeGreaterThan(at('(subpath "/w")'));
    expect(profile).toContain('(subpath "/private/tmp/quarry-sandbox-1")');
    expect(profile).toMatch(/\(deny file-read\* file-write\*\n(.*\n)*\s+\(subpath "\/home\/u\/\.aws"\)/);
    expect(profile.trimEnd().endsWith("(deny network*)")).toBe(true);
  });

  it("escapes quotes and backslashes in paths", () => {
    const odd = seatbeltProfile(sandboxLayout({ roots: ['/w/a"b\\c'], home: "/h", tempDir: "/t" }));
    expect(odd).toContain('(subpath "/w/a\\"b\\\\c")');
  });
});

describe("sandbox mode setting", () => {
  it("reads off, on and ask, plus 1/true and 0/false", () => {
    expect(["off", "ON", "ask", "1", "true", "0", "false"].map(sandboxModeFrom)).toEqual([
      "off",
      "on",
      "ask",
      "on",
      "on",
      "off",
      "off",
    ]);
    expect(resolveSandboxMode(undefined)).toBe("off");
  });

  it("rejects anything else, naming where it was set and what to write", () => {
    const bad = () =>
      resolveSandboxMode({ value: "yes please", source: { kind: "env", name: "QUARRY_SANDBOX" } });
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow('sandbox must be one of off, on, ask (got "yes please" from env QUARRY_SANDBOX)');
  });
});
