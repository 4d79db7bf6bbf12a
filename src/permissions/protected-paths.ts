// Paths whose contents make some program run commands or widen Quarry's own permissions: writing them is
// how a steered model escalates (an allow-all `.quarry/settings.local.json`, a `core.fsmonitor` command in
// `.git/config`, a line in `~/.bashrc`). Writes to them ask in every mode, see docs/security/protected-paths.md.
import { resolve, sep } from "node:path";
import { escapeGlob } from "./glob.js";
import { isInside, realLocation } from "./paths.js";
import { EDIT_FAMILY, type PathPattern, type PermissionRule } from "./rule.js";
import type { PermissionDecision, PermissionRequest } from "./types.js";

/** Why one write is protected; `name` is the literal a rule must spell out to allow it. */
export interface ProtectedHit {
  /** The written path in the form that is protected: as written, or where its symlinks lead (absolute). */
  readonly path: string;
  /** The protected file or directory the write lands in (absolute, lexical or real form). */
  readonly root: string;
  /** The protected name, lower-case (`.git`, `.bashrc`, `.ssh`, `quarry`). */
  readonly name: string;
  /** Why writing there is dangerous, for the dialog and the model: "git runs commands it names". */
  readonly why: string;
}

interface Rule {
  readonly name: string;
  readonly why: string;
}

// Directory names protected wherever they appear (a nested repository's `.git` is as dangerous).
const DIRECTORIES: readonly Rule[] = [
  { name: ".git", why: "git runs commands named in .git/config (core.fsmonitor, aliases) and in .git/hooks" },
  { name: ".quarry", why: "Quarry settings there can widen permissions for the next session" },
  {
    name: ".claude",
    why: "Claude Code settings, hooks and commands there can widen permissions or run commands",
  },
  {
    name: ".vscode",
    why: "editor tasks, launch and settings files there can run commands when the folder opens",
  },
  { name: ".idea", why: "IDE run configurations and settings there can run commands when the project opens" },
  { name: ".husky", why: "git hooks there run on every commit" },
];

const SHELL_STARTUP = "it is a shell startup file, run by every new shell";
// File names protected wherever they appear (home directory or project).
const FILES: readonly Rule[] = [
  { name: ".mcp.json", why: "it names MCP server commands that agents start" },
  { name: ".envrc", why: "direnv runs it when a shell enters the directory" },
  { name: ".gitconfig", why: "git runs commands it names (core.fsmonitor, aliases, hooks)" },
  { name: ".claude.json", why: "it holds Claude Code's MCP servers and settings" },
  ...[
    ".bashrc",
    ".bash_profile",
    ".bash_login",
    ".bash_logout",
    ".profile",
    ".zshrc",
    ".zprofile",
    ".zshenv",
    ".zlogin",
    ".zlogout",
    ".kshrc",
    ".cshrc",
    ".tcshrc",
  ].map((name) => ({ name, why: SHELL_STARTUP })),
];

// Places under the home directory (relative, `/`-separated); the last segment is the name a rule must spell.
const HOME: readonly (Rule & { readonly rel: string })[] = [
  { rel: ".ssh", name: ".ssh", why: "SSH keys and config live there (ProxyCommand runs commands)" },
  {
    rel: ".aws",
    name: ".aws",
    why: "AWS credentials and config live there (credential_process runs commands)",
  },
  { rel: ".gnupg", name: ".gnupg", why: "GnuPG keys and agent config live there" },
  { rel: ".kube", name: ".kube", why: "kubeconfig exec plugins run commands" },
  { rel: ".docker", name: ".docker", why: "Docker credential helpers run commands" },
  { rel: ".config/git", name: "git", why: "git's global config runs commands it names" },
  { rel: ".config/fish", name: "fish", why: SHELL_STARTUP },
  { rel: ".config/quarry", name: "quarry", why: "Quarry's user settings there widen permissions everywhere" },
  {
    rel: ".local/share/quarry",
    name: "quarry",
    why: "Quarry's saved sessions there are replayed by --resume",
  },
];

const CONFIG_DIR_WHY = "it is a Quarry or Claude Code configuration directory";

/** Judges writes against the protected list for one home directory and the user's config directories. */
export class ProtectedPaths {
  private readonly homes: readonly string[];
  private readonly roots: readonly string[];
  private readonly extra: readonly string[];

  /**
   * `roots`: the workspace directories; names above a root (a project kept under `~/.vscode/…`) do not
   * count. `configDirectories`: the user config dir from settings, `CLAUDE_CONFIG_DIR`, the data dir.
   */
  constructor(home: string, roots: readonly string[], configDirectories: readonly string[] = []) {
    this.homes = bothForms([home]);
    this.roots = bothForms(roots).sort((a, b) => b.length - a.length);
    this.extra = bothForms(configDirectories);
  }

  /** The first protection a write to `path` runs into, judging both the path as written and where it leads. */
  check(path: string): ProtectedHit | undefined {
    const lexical = resolve(path);
    const real = realLocation(lexical);
    for (const candidate of unique([lexical, real])) {
      const hit = this.checkOne(candidate);
      if (hit) return hit;
    }
    return undefined;
  }

  private checkOne(abs: string): ProtectedHit | undefined {
    const path = abs;
    for (const dir of this.extra) {
      if (isInsideIgnoringCase(abs, dir)) {
        return { path, root: dir, name: normaliseSegment(lastSegment(dir)), why: CONFIG_DIR_WHY };
      }
    }
    for (const home of this.homes) {
      if (!isInsideIgnoringCase(abs, home)) continue;
      const parts = segmentsBelow(home, abs);
      for (const place of HOME) {
        const want = place.rel.split("/");
        if (want.every((w, i) => parts[i] === w)) {
          return { path, root: [home, ...want].join(sep), name: place.name, why: place.why };
        }
      }
    }
    const raw = abs.split(sep);
    const parts = raw.map(normaliseSegment);
    const root = this.roots.find((r) => isInside(abs, r));
    const first = root === undefined ? 0 : root.split(sep).length;
    for (let i = first; i < parts.length; i++) {
      const dir = DIRECTORIES.find((d) => d.name === parts[i]);
      if (dir) return { path, root: raw.slice(0, i + 1).join(sep), name: dir.name, why: dir.why };
    }
    const file = FILES.find((f) => f.name === parts.at(-1));
    if (file && parts.length > first) return { path, root: abs, name: file.name, why: file.why };
    return undefined;
  }
}

/**
 * Whether an allow rule names a protected place on purpose: a path rule whose pattern spells the protected
 * name as a literal segment (`Edit(./.git/hooks/**)`, `Edit(~/.bashrc)`). Broad rules (`Edit`, `Edit(**)`,
 * `Edit(.*\/**)`) never do, so they cannot open protected paths by accident.
 */
export function namesProtected(pattern: PathPattern, hit: ProtectedHit): boolean {
  return pattern.glob
    .split("/")
    .some((segment) => !/[*?[\]{}\\]/.test(segment) && normaliseSegment(segment) === hit.name);
}

/** One line for the dialog and the model: "protected path: ./.git/config — git runs commands …". */
export function describeProtected(hit: ProtectedHit, shown: string): string {
  return `protected path: ${shown} (${hit.why})`;
}

/**
 * Compares names as case-insensitive file systems (macOS, Windows) do: `.GIT` is `.git` there. Trailing dots
 * and spaces (dropped by Windows) and the zero-width characters HFS+ ignores are removed too, so `.git.` or
 * `.g\u200cit` cannot slip past.
 */
function normaliseSegment(segment: string): string {
  const cleaned = segment
    .normalize("NFC")
    .replace(/[\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]/g, "")
    .toLowerCase();
  const trimmed = cleaned.replace(/[. ]+$/, "");
  return trimmed === "" || trimmed === "." ? cleaned : trimmed;
}

function segmentsBelow(base: string, abs: string): string[] {
  const rest = abs.slice(base.length).split(sep).filter(Boolean);
  return rest.map(normaliseSegment);
}

function isInsideIgnoringCase(child: string, parent: string): boolean {
  return isInside(child, parent) || isInside(child.toLowerCase(), parent.toLowerCase());
}

function bothForms(paths: readonly string[]): string[] {
  return unique(paths.flatMap((p) => [resolve(p), realLocation(p)]));
}

function lastSegment(path: string): string {
  return path.split(sep).filter(Boolean).at(-1) ?? path;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/** An allow rule as the policy keeps it (with where it came from, which this module does not need). */
interface AllowEntry {
  readonly rule: PermissionRule;
}

/** What the guard needs from the policy's workspace. */
interface WorkspaceView {
  matches(pattern: PathPattern, absPath: string): boolean;
  display(absPath: string): string;
}

/**
 * The policy's answer for a call that writes protected paths: ask (in every mode but plan, which already
 * refuses writes), unless an allow rule names each protected place on purpose; undefined when nothing
 * protected is written or every protected write is allowed that way (the normal checks then decide).
 */
export function guardProtectedWrites(
  protectedPaths: ProtectedPaths,
  request: PermissionRequest,
  allow: readonly AllowEntry[],
  workspace: WorkspaceView,
): PermissionDecision | undefined {
  const { target } = request;
  const writes =
    target.kind === "edit" ? (target.paths ?? []) : target.kind === "bash" ? (target.writes ?? []) : [];
  const blocked: ProtectedHit[] = [];
  for (const path of writes) {
    const hit = protectedPaths.check(path);
    if (!hit) continue;
    const real = realLocation(path);
    const explicit = allow.some(
      ({ rule }) =>
        rule.kind === "path" &&
        EDIT_FAMILY.has(rule.tool) &&
        (workspace.matches(rule.pattern, resolve(path)) || workspace.matches(rule.pattern, real)) &&
        namesProtected(rule.pattern, hit),
    );
    if (!explicit) blocked.push(hit);
  }
  if (blocked.length === 0) return undefined;
  const shown = blocked.map((hit) => workspace.display(hit.path));
  const summary =
    target.kind === "bash"
      ? `run \`${shorten(target.command ?? "")}\`, which writes ${shown.join(", ")}`
      : `edit ${shown.join(", ")}`;
  const reason =
    `${blocked.map((hit, i) => describeProtected(hit, shown[i]!)).join("; ")}. Protected paths need approval ` +
    "in every permission mode, and broad allow rules such as Edit or Edit(**) do not cover them; an allow rule " +
    "naming the path does";
  return {
    behavior: "ask",
    reason,
    ask: {
      summary,
      suggestedRules: [...new Set(shown.map((s) => `Edit(${escapeGlob(s)})`))],
      acceptEditsWouldAllow: false,
    },
  };
}

function shorten(command: string): string {
  return command.length > 160 ? `${command.slice(0, 157)}…` : command;
}
