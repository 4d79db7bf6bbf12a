/** One compiled gitignore-style glob. */
export interface GlobRule {
  negative: boolean;
  directoryOnly: boolean;
  /** Globs without a slash match the last path component at any depth, as in .gitignore. */
  basenameOnly: boolean;
  regex: RegExp;
}

/**
 * Compiles one gitignore-style glob: `!` negates, a trailing `/` matches directories only, a glob with a
 * slash is anchored to its base directory, one without matches the name at any depth.
 */
export function compileGlobRule(glob: string): GlobRule {
  let text = glob;
  const negative = text.startsWith("!");
  if (negative) text = text.slice(1);
  const directoryOnly = text.endsWith("/");
  if (directoryOnly) text = text.slice(0, -1);
  const basenameOnly = !text.includes("/");
  if (text.startsWith("/")) text = text.slice(1);
  return { negative, directoryOnly, basenameOnly, regex: new RegExp(`^${globToRegExpSource(text)}$`) };
}

/** Whether a rule matches `rel` itself (forward slashes, relative to the rule's base); parents are not consulted. */
export function ruleMatches(rule: GlobRule, rel: string, isDirectory: boolean): boolean {
  if (rule.directoryOnly && !isDirectory) return false;
  return rule.regex.test(rule.basenameOnly ? rel.slice(rel.lastIndexOf("/") + 1) : rel);
}

/** Translates one glob (braces already expanded) to a RegExp source: `*`, `?`, `[…]`, `**` as in gitignore. */
export function globToRegExpSource(glob: string): string {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i]!;
    if (char === "*" && glob[i + 1] === "*") {
      const atSegmentStart = i === 0 || glob[i - 1] === "/";
      if (atSegmentStart && glob[i + 2] === "/") {
        out += "(?:.*/)?";
        i += 2;
        continue;
      }
      if (atSegmentStart && i + 2 === glob.length) {
        out += ".*";
        i += 1;
        continue;
      }
      out += "[^/]*";
      i += 1;
    } else if (char === "*") out += "[^/]*";
    else if (char === "?") out += "[^/]";
    else if (char === "\\" && i + 1 < glob.length) out += escapeRegExp(glob[++i]!);
    else if (char === "[") {
      const close = glob.indexOf("]", i + 2);
      if (close === -1) {
        out += "\\[";
        continue;
      }
      let body = glob.slice(i + 1, close);
      if (body.startsWith("!")) body = `^${body.slice(1)}`;
      out += `[${body.replaceAll("\\", "\\\\")}]`;
      i = close;
    } else out += escapeRegExp(char);
  }
  return out;
}

function escapeRegExp(char: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(char) ? `\\${char}` : char;
}

/** Splits the model's `glob` argument: several globs may be separated by spaces or commas outside braces. */
export function splitGlobs(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = "";
  for (const char of text) {
    if (char === "{") depth++;
    else if (char === "}") depth = Math.max(0, depth - 1);
    if (depth === 0 && (char === "," || /\s/.test(char))) {
      if (current) out.push(current);
      current = "";
    } else current += char;
  }
  if (current) out.push(current);
  return out;
}

/** Expands `{a,b}` alternatives (nested too), which gitignore syntax lacks but ripgrep globs support. */
export function expandBraces(glob: string): string[] {
  const open = glob.indexOf("{");
  if (open === -1) return [glob];
  let depth = 0;
  const commas: number[] = [];
  for (let i = open; i < glob.length; i++) {
    const char = glob[i];
    if (char === "{") depth++;
    else if (char === "}" && --depth === 0) {
      const head = glob.slice(0, open);
      const tail = glob.slice(i + 1);
      const bounds = [open, ...commas, i];
      const options = bounds.slice(1).map((end, k) => glob.slice(bounds[k]! + 1, end));
      return options.flatMap((option) => expandBraces(head + option + tail));
    } else if (char === "," && depth === 1) commas.push(i);
  }
  return [glob]; // unbalanced: treat literally
}
