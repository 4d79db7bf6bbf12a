import { statSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, parse } from "node:path";
import { findRepoRoot } from "../../agent/memory.js";
import { ConfigError, findProjectSettingsDir, loadSettings, userConfigDir } from "../../config/index.js";
import { realFolder, TrustStore, TrustStoreError } from "../../trust/store.js";

/** Options of `quarry trust`. */
export interface TrustCommandOptions {
  list?: boolean;
  revoke?: boolean;
}

/** Where the command writes; injectable so tests can run it in-process. */
export interface TrustCommandIo {
  cwd: string;
  env: NodeJS.ProcessEnv;
  home: string;
  out(line: string): void;
  err(line: string): void;
}

const processIo = (): TrustCommandIo => ({
  cwd: process.cwd(),
  env: process.env,
  home: homedir(),
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
});

/**
 * `quarry trust [path]`, `--list`, `--revoke [path]`. Without a path: the folder whose `.quarry/` settings
 * apply here, else the git root, else the current directory. Returns the exit code (2 for usage mistakes).
 */
export async function runTrustCommand(
  path: string | undefined,
  options: TrustCommandOptions,
  io: TrustCommandIo = processIo(),
): Promise<number> {
  const store = new TrustStore(userConfigDir(io.env, io.home, io.cwd).value);
  const usage = (message: string, fix: string) => {
    io.err(`quarry trust: ${message}`);
    io.err(`  Fix: ${fix}`);
    return 2;
  };
  try {
    if (options.list && options.revoke)
      return usage("--list and --revoke cannot be combined", "use one of them.");
    if (options.list) {
      if (path !== undefined) return usage("--list takes no path", "run `quarry trust --list`.");
      const entries = store.list();
      if (entries.length === 0) io.out("No folders are trusted. Trust one with `quarry trust <folder>`.");
      for (const entry of entries) {
        const missing = exists(entry.path) ? "" : " (missing)";
        io.out(`${entry.path}${missing}  trusted ${entry.since.slice(0, 10)}`);
      }
      return 0;
    }
    const folder = path === undefined ? defaultFolder(io) : realFolder(path);
    if (options.revoke) return revoke(store, folder, io);
    if (!exists(folder)) return usage(`${folder} is not a folder`, "pass the path of an existing folder.");
    if (folder === parse(folder).root || folder === realFolder(io.home)) {
      return usage(
        `refusing to trust ${folder}: every repository below it would be trusted`,
        "trust each project folder on its own: `quarry trust ~/code/my-project`.",
      );
    }
    const enabled = wouldEnable(folder, io);
    const stored = store.trust(folder);
    io.out(`Trusted ${stored} and its subfolders: its .quarry settings now apply in full.`);
    for (const line of enabled) io.out(`  now enabled: ${line}`);
    io.out(`Undo with \`quarry trust --revoke ${stored}\`.`);
    return 0;
  } catch (err) {
    if (err instanceof TrustStoreError) {
      io.err(`quarry trust: ${err.message}`);
      io.err(`  Fix: ${err.fix}`);
      return 1;
    }
    throw err;
  }
}

function revoke(store: TrustStore, folder: string, io: TrustCommandIo): number {
  if (store.revoke(folder)) {
    io.out(`${folder} is no longer trusted: its project settings may only narrow again.`);
    return 0;
  }
  const parent = store.trustedBy(folder);
  if (parent !== undefined) {
    io.err(`quarry trust: ${folder} is trusted through ${parent.path}, which stays trusted`);
    io.err(`  Fix: quarry trust --revoke ${parent.path}`);
    return 1;
  }
  io.out(`${folder} was not trusted; nothing to revoke.`);
  return 0;
}

/** The folder whose project settings apply in the current directory, else the git root, else cwd. */
function defaultFolder(io: TrustCommandIo): string {
  const settingsDir = findProjectSettingsDir(io.cwd, io.home);
  return realFolder(settingsDir ? dirname(settingsDir) : (findRepoRoot(io.cwd) ?? io.cwd));
}

/** What the folder's settings would enable once trusted, as `key = value (effect)` lines. */
function wouldEnable(folder: string, io: TrustCommandIo): string[] {
  try {
    const settings = loadSettings({
      cwd: folder,
      env: io.env,
      home: io.home,
      decideTrust: () => ({ trusted: false }),
    });
    return (settings.project?.ignored ?? []).map((i) => `${i.key} = ${i.shown} (${i.effect})`);
  } catch (err) {
    if (err instanceof ConfigError) return [];
    throw err;
  }
}

function exists(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
