import matter from "gray-matter";

/** A markdown file split into its YAML front matter and body. */
export interface MarkdownWithFrontMatter {
  data: Record<string, unknown>;
  body: string;
}

/**
 * Splits a command, agent or skill file (gray-matter's YAML parser). A front matter that does not parse
 * throws with the file named, so the user sees which file to fix.
 */
export function readFrontMatter(text: string, file: string): MarkdownWithFrontMatter {
  try {
    // Options given: gray-matter's content cache is skipped (it would share parsed objects between files).
    const parsed = matter(text, {});
    const data = typeof parsed.data === "object" && parsed.data !== null ? parsed.data : {};
    return { data: data as Record<string, unknown>, body: parsed.content };
  } catch (err) {
    throw new Error(`${file}: the front matter is not valid YAML: ${(err as Error).message.split("\n")[0]}`);
  }
}

/** A front-matter field as a string (YAML may give a number or a list for a tools field). */
export function stringField(data: Record<string, unknown>, key: string): string | undefined {
  const value = data[key];
  if (typeof value === "string") return value.trim() || undefined;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return value.map(String).join(", ");
  return undefined;
}

/** A comma-separated (or YAML list) field as names: `Read, Grep, Glob` → ["Read", "Grep", "Glob"]. */
export function listField(data: Record<string, unknown>, key: string): string[] | undefined {
  const value = data[key];
  const items = Array.isArray(value)
    ? value.map(String)
    : typeof value === "string"
      ? value.split(",")
      : undefined;
  return items?.map((s) => s.trim()).filter(Boolean);
}
