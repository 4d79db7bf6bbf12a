import { createHash } from "node:crypto";
import { realpathSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";

/** Environment variables that choose the data directory, highest priority first. */
export const DATA_DIR_ENV = { quarry: "QUARRY_DATA_DIR", xdg: "XDG_DATA_HOME" } as const;

/** Where Quarry keeps data: $QUARRY_DATA_DIR, else $XDG_DATA_HOME/quarry, else ~/.local/share/quarry. */
export function resolveDataDir(env: NodeJS.ProcessEnv, home: string, cwd: string = process.cwd()): string {
  const explicit = env[DATA_DIR_ENV.quarry]?.trim();
  if (explicit) {
    const expanded =
      explicit === "~" ? home : explicit.startsWith("~/") ? join(home, explicit.slice(2)) : explicit;
    return resolve(cwd, expanded);
  }
  const xdg = env[DATA_DIR_ENV.xdg]?.trim();
  // The XDG spec says relative values are invalid and must be ignored.
  if (xdg && isAbsolute(xdg)) return join(xdg, "quarry");
  return join(home, ".local", "share", "quarry");
}

/**
 * A file-name-safe key for a project root: the readable tail of its path plus a hash of the whole path, so
 * `/a/b-c` and `/a/b/c` never share a folder. Symlinks are resolved so `--continue` works from either path.
 */
export function projectKey(projectRoot: string): string {
  let root = resolve(projectRoot);
  try {
    root = realpathSync(root);
  } catch {
    // A root that does not exist yet keeps its lexical form.
  }
  const readable = root
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(-80);
  const hash = createHash("sha256").update(root).digest("hex").slice(0, 10);
  return `${readable || "root"}-${hash}`;
}
