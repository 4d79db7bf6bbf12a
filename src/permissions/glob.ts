// Gitignore-style globs for path rules, compiled to regular expressions. Hand-written (about 60 lines)
// rather than a dependency: we need exactly these semantics, and they are pinned by tests.
//   *  any characters within one path segment (dotfiles included, so deny rules catch `.env`)
//   ?  one character;  [abc] / [!a-z] a character class;  {a,b} alternatives;  \x a literal x
//   ** any number of whole segments; `dir/**` also matches `dir` itself

/** Compiles a `/`-separated glob (relative to some base) into an anchored RegExp. */
export function globToRegExp(glob: string): RegExp {
  // `**/**` means the same as `**`; collapsing keeps the joins below simple.
  const segments = glob.split("/").filter((s, i, all) => s !== "" && !(s === "**" && all[i - 1] === "**"));
  const last = segments.length - 1;
  let out = "";
  let needSlash = false;
  segments.forEach((segment, i) => {
    if (segment === "**") {
      if (segments.length === 1) out += ".*";
      else if (i === 0) out += "(?:.*/)?";
      else if (i === last) out += "(?:/.*)?";
      else out += "(?:/.*)?/";
      needSlash = false;
      return;
    }
    if (needSlash) out += "/";
    out += segmentToRegExp(segment);
    needSlash = true;
  });
  return new RegExp(`^${out}$`);
}

function segmentToRegExp(segment: string): string {
  let out = "";
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === "\\" && i + 1 < segment.length) {
      out += escapeRegExp(segment[++i]!);
    } else if (c === "*") {
      // Collapse runs of `*` inside a segment: `a**b` means the same as `a*b` there.
      while (segment[i + 1] === "*") i++;
      out += "[^/]*";
    } else if (c === "?") {
      out += "[^/]";
    } else if (c === "[") {
      const close = segment.indexOf("]", i + 2);
      if (close === -1) {
        out += "\\[";
        continue;
      }
      let body = segment.slice(i + 1, close);
      const negated = body.startsWith("!") || body.startsWith("^");
      if (negated) body = body.slice(1);
      out += `[${negated ? "^/" : ""}${body.replace(/[\\\]^]/g, "\\$&")}]`;
      i = close;
    } else if (c === "{") {
      const close = matchingBrace(segment, i);
      if (close === -1) {
        out += "\\{";
        continue;
      }
      const alternatives = splitTopLevel(segment.slice(i + 1, close));
      out += `(?:${alternatives.map(segmentToRegExp).join("|")})`;
      i = close;
    } else {
      out += escapeRegExp(c);
    }
  }
  return out;
}

function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === "{") depth++;
    else if (text[i] === "}" && --depth === 0) return i;
  }
  return -1;
}

function splitTopLevel(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === "\\") i++;
    else if (c === "{") depth++;
    else if (c === "}") depth--;
    else if (c === "," && depth === 0) {
      parts.push(body.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(body.slice(start));
  return parts;
}

/** Escapes glob metacharacters so a literal path can be written as a rule. */
export function escapeGlob(path: string): string {
  return path.replace(/[\\*?[\]{}]/g, "\\$&");
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
