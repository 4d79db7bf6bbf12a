/**
 * Compiles a hook matcher as Claude Code reads it: empty or `*` matches everything; a plain name or
 * `A|B` list matches those names exactly; anything else is a regular expression that must match the whole
 * name (`mcp__memory__.*`, `Notebook.*`). Returns undefined for an invalid expression.
 */
export function compileMatcher(matcher: string): ((name: string) => boolean) | undefined {
  const m = matcher.trim();
  if (m === "" || m === "*") return () => true;
  if (/^[\w|]+$/.test(m)) {
    const names = new Set(m.split("|").filter(Boolean));
    return (name) => names.has(name);
  }
  try {
    const re = new RegExp(`^(?:${m})$`);
    return (name) => re.test(name);
  } catch {
    return undefined;
  }
}
