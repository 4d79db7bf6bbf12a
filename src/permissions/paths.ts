import { lstatSync, readlinkSync, realpathSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import type { PathPattern } from "./rule.js";

/**
 * Where a path really leads: the realpath of its deepest existing ancestor plus the rest. Dangling symlinks
 * are followed too, because writing through `link -> /etc/new` creates `/etc/new`.
 */
export function realLocation(path: string, depth = 0): string {
  let current = resolve(path);
  const rest: string[] = [];
  for (;;) {
    try {
      return join(realpathSync(current), ...[...rest].reverse());
    } catch {
      const target = depth < 40 ? symlinkTarget(current) : undefined;
      if (target !== undefined) return realLocation(join(target, ...[...rest].reverse()), depth + 1);
      const parent = dirname(current);
      if (parent === current) return join(current, ...[...rest].reverse());
      rest.push(basename(current));
      current = parent;
    }
  }
}

function symlinkTarget(path: string): string | undefined {
  try {
    if (!lstatSync(path).isSymbolicLink()) return undefined;
    return resolve(dirname(path), readlinkSync(path));
  } catch {
    return undefined;
  }
}

/** True when `child` is `parent` or inside it (both absolute). */
export function isInside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** The directories Quarry may work in without asking about boundaries, with their real locations. */
export class Workspace {
  readonly roots: readonly string[];
  private readonly realRoots: readonly string[];

  constructor(
    readonly projectRoot: string,
    readonly home: string,
    additional: readonly string[] = [],
  ) {
    this.roots = [resolve(projectRoot), ...additional.map((d) => resolve(projectRoot, d))];
    this.realRoots = this.roots.map((r) => realLocation(r));
  }

  /** True when the real location of `real` lies inside one of the workspace roots. */
  containsReal(real: string): boolean {
    return this.realRoots.some((r) => isInside(real, r)) || this.roots.some((r) => isInside(real, r));
  }

  /** Bases a pattern is matched against (lexical and real forms, so symlinked roots and homes both work). */
  bases(pattern: PathPattern): string[] {
    switch (pattern.base) {
      case "absolute":
        return ["/"];
      case "home":
        return unique([resolve(this.home), realLocation(this.home)]);
      case "project":
        return unique([this.roots[0]!, this.realRoots[0]!]);
    }
  }

  /** True when a path pattern covers `absPath` or one of its parent directories (gitignore semantics). */
  matches(pattern: PathPattern, absPath: string): boolean {
    for (const base of this.bases(pattern)) {
      if (!isInside(absPath, base)) continue;
      const rel = relative(base, absPath).split(sep).join("/");
      if (rel === "") {
        if (pattern.regex.test("")) return true;
        continue;
      }
      const parts = rel.split("/");
      for (let n = parts.length; n >= 1; n--)
        if (pattern.regex.test(parts.slice(0, n).join("/"))) return true;
    }
    return false;
  }

  /** How to show a path to people: relative with `./` inside the project, `~/` under home, else absolute. */
  display(absPath: string): string {
    const root = this.roots[0]!;
    if (isInside(absPath, root))
      return `./${relative(root, absPath).split(sep).join("/")}`.replace(/\/$/, "");
    if (isInside(absPath, this.home)) return `~/${relative(this.home, absPath).split(sep).join("/")}`;
    return absPath;
  }
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
