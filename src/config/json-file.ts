import { readFileSync } from "node:fs";
import { relative, sep } from "node:path";
import { ConfigError } from "./errors.js";
import { findJsonSyntaxError, findPathOffset, type JsonPath, lineColumn } from "./json-position.js";

/** A settings file that parsed: its text (for locating keys later) and its top-level object. */
export interface JsonFile {
  readonly path: string;
  /** The path as messages show it: `~/…` under the home directory. */
  readonly displayPath: string;
  readonly text: string;
  readonly data: Readonly<Record<string, unknown>>;
}

/** Shortens a path under `home` to `~/…` for messages; other paths stay absolute. */
export function displayPath(path: string, home: string): string {
  const rel = relative(home, path);
  if (rel === "" || rel.startsWith("..") || rel.startsWith(sep)) return path;
  return `~${sep}${rel}`;
}

/** `path:line:column` of a key in the file, or just the path when the key cannot be found. */
export function locate(file: JsonFile, at: JsonPath): { where: string; line?: number; column?: number } {
  const offset = findPathOffset(file.text, at);
  if (offset === undefined) return { where: file.displayPath };
  const { line, column } = lineColumn(file.text, offset);
  return { where: `${file.displayPath}:${line}:${column}`, line, column };
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    if (
      (err as NodeJS.ErrnoException).code === "ENOENT" ||
      (err as NodeJS.ErrnoException).code === "ENOTDIR"
    ) {
      return undefined;
    }
    throw new ConfigError(`${path}: cannot read settings file: ${(err as Error).message}`, {
      path,
      fix: `Check the permissions of ${path}, or remove it.`,
    });
  }
}

/**
 * Reads a JSON settings file whose top level must be an object. Missing → undefined. A leading BOM is
 * allowed (Windows editors add one); an empty file counts as `{}`. Syntax errors throw a ConfigError
 * with line, column and what was expected there.
 */
export function readJsonObject(path: string, home: string): JsonFile | undefined {
  const raw = readText(path);
  if (raw === undefined) return undefined;
  const text = raw.startsWith("\uFEFF") ? raw.slice(1) : raw;
  const shown = displayPath(path, home);
  if (text.trim() === "") return { path, displayPath: shown, text, data: {} };

  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    const problem = findJsonSyntaxError(text);
    // JSON.parse and the scanner accept the same language; if they ever disagree, still report V8's reason.
    const offset = problem?.offset ?? text.length;
    const expected = problem?.expected ?? (err as Error).message;
    const { line, column } = lineColumn(text, offset);
    throw new ConfigError(`${shown}:${line}:${column}: ${expected}`, {
      path,
      line,
      column,
      fix: `Fix the JSON at line ${line}, column ${column} of ${shown} (settings files are plain JSON: double quotes, no comments, no trailing commas).`,
    });
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new ConfigError(`${shown}:1:1: expected a JSON object ({ … }) at the top level`, {
      path,
      line: 1,
      column: 1,
      fix: `Wrap the settings in ${shown} in { }, e.g. { "model": "sonnet" }.`,
    });
  }
  return { path, displayPath: shown, text, data: data as Record<string, unknown> };
}
