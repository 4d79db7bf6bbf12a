import { lstatSync, realpathSync } from "node:fs";
import { join, relative, sep } from "node:path";
import type { SandboxLayout } from "./layout.js";

/** What a path is on the host, as far as mounting goes. */
export type PathKind = "dir" | "file" | "missing";

/** Looks a path up on the host; injectable so the plan can be unit-tested without a file tree. */
export interface HostFs {
  kind(path: string): PathKind;
  /** The path with symlinks resolved (the path itself when that fails). */
  real(path: string): string;
}

/** The real file system. */
export const HOST_FS: HostFs = {
  kind(path) {
    try {
      const stat = lstatSync(path);
      if (stat.isSymbolicLink()) {
        // Judge a link by what it points at; a dangling one counts as missing.
        try {
          return lstatSync(realpathSync(path)).isDirectory() ? "dir" : "file";
        } catch {
          return "missing";
        }
      }
      return stat.isDirectory() ? "dir" : "file";
    } catch {
      return "missing";
    }
  },
  real(path) {
    try {
      return realpathSync(path);
    } catch {
      return path;
    }
  },
};

/**
 * One step of building the sandbox's view of the file system, in order (later steps cover earlier ones):
 * - `ro`: the path, read-only; `rw`: writable (a bind of itself, which also pins it: a mount point cannot be
 *   renamed or removed, so `mv .git x && mkdir .git` cannot swap out a protected parent);
 * - `scratch`: a fresh empty writable directory; `hide-dir` / `hide-file`: an empty directory / /dev/null over it;
 * - `stub`: a protected path that does not exist yet, blocked by an empty read-only directory, which must be
 *   created on the host first (and removed afterwards; see createStubs).
 */
export type MountStep =
  | { op: "ro" | "rw" | "scratch" | "hide-dir" | "hide-file"; path: string }
  | { op: "stub"; path: string };

/** Orders the mounts for a layout; pure apart from the `fs` look-ups. */
export function planMounts(layout: SandboxLayout, fs: HostFs = HOST_FS): MountStep[] {
  const steps: MountStep[] = [];
  for (const path of layout.scratch) if (fs.kind(path) === "dir") steps.push({ op: "scratch", path });
  const roots: string[] = [];
  for (const path of layout.writable) {
    if (fs.kind(path) !== "dir") continue;
    const real = fs.real(path);
    roots.push(real);
    steps.push({ op: "rw", path: real });
  }
  for (const root of roots) steps.push(...protectSteps(root, layout.protectedInWorkspace, fs));
  // Secrets last, so one inside the workspace (a project under $HOME) is still hidden. One that is already out
  // of sight (under a hidden directory, or under a fresh /tmp and no workspace) needs no mount of its own:
  // bwrap could not even create its mount point inside a read-only or empty parent.
  const hiddenDirs: string[] = [];
  const candidates = layout.hidden
    .map((path) => ({ kind: fs.kind(path), path: fs.real(path) }))
    .filter((c) => c.kind !== "missing")
    .sort((a, b) => a.path.length - b.path.length);
  for (const { kind, path } of candidates) {
    if (hiddenDirs.some((dir) => isWithin(path, dir))) continue;
    const inScratch = layout.scratch.some((dir) => isWithin(path, fs.real(dir)));
    if (inScratch && !roots.some((root) => isWithin(path, root))) continue;
    if (kind === "dir") hiddenDirs.push(path);
    steps.push({ op: kind === "dir" ? "hide-dir" : "hide-file", path });
  }
  return steps;
}

function protectSteps(root: string, relPaths: readonly string[], fs: HostFs): MountStep[] {
  const steps: MountStep[] = [];
  const pinned = new Set<string>();
  for (const rel of relPaths) {
    const parts = rel.split("/");
    let current = root;
    for (let i = 0; i < parts.length; i++) {
      current = join(current, parts[i]!);
      const kind = fs.kind(current);
      const last = i === parts.length - 1;
      if (kind === "missing") {
        // A missing `.git` is left alone so `git init` works; git writes it with no hooks or fsmonitor.
        if (parts[i] !== ".git") steps.push({ op: "stub", path: current });
        break;
      }
      const real = fs.real(current);
      // A link leading out of the workspace needs nothing: outside the roots everything is read-only.
      if (!isWithin(real, root)) break;
      if (last) {
        steps.push({ op: "ro", path: real });
      } else if (kind === "dir" && !pinned.has(real)) {
        pinned.add(real);
        steps.push({ op: "rw", path: real });
      } else if (kind !== "dir") {
        break; // `.git` is a file (a worktree's pointer): protect the file itself
      }
    }
    if (parts.length > 1 && fs.kind(join(root, parts[0]!)) === "file") {
      steps.push({ op: "ro", path: fs.real(join(root, parts[0]!)) });
    }
  }
  return dedupe(steps);
}

function dedupe(steps: MountStep[]): MountStep[] {
  const seen = new Set<string>();
  return steps.filter((s) => {
    const key = `${s.op}:${s.path}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function isWithin(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !rel.startsWith(sep));
}
