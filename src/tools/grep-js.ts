import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { containsNul } from "./binary.js";
import { gitIgnoreFor } from "./gitignore.js";
import { GlobFilter } from "./glob-filter.js";
import { compilePattern } from "./grep-regex.js";
import type { FileHits, GrepLine, GrepOutcome, GrepQuery } from "./grep-types.js";
import { walkFiles } from "./walk.js";

/** Files searched at once: enough to overlap I/O without holding many large files in memory. */
const CONCURRENCY = 16;

/**
 * The pure-JavaScript engine, used when ripgrep is not installed. It mirrors the ripgrep invocation in
 * grep-rg.ts: hidden files included, .gitignore respected, symlinks and binary files skipped, lines matched
 * one at a time with CRLF treated as a line end.
 */
export async function grepWithJs(query: GrepQuery): Promise<GrepOutcome> {
  const regex = compilePattern(query.pattern, query.caseInsensitive);
  if (typeof regex === "string") return { files: [], truncated: false, error: regex };
  // Whole-file test with ^/$ at line breaks: it matches whenever some line does, so it can reject a file
  // without splitting it. Not for negative lookarounds (a line end is not "nothing" in the whole text), and
  // $ does not match before \r, hence the CRLF guard in searchFile.
  const prefilter = /\(\?<?!/.test(query.pattern) ? undefined : new RegExp(regex.source, `${regex.flags}m`);
  const globs = new GlobFilter(query.globs);
  const types = query.typeGlobs ? new GlobFilter(query.typeGlobs) : undefined;

  const candidates: string[] = [];
  if (query.rootIsFile) {
    candidates.push(query.root); // an explicit file is searched whatever the filters say, as rg does
  } else {
    const rules = gitIgnoreFor(query.projectRoot, query.root);
    const skip = new Set(query.skipNames);
    // ripgrep's order: skipped names, then user globs (a positive match wins over .gitignore and type),
    // then .gitignore, then the type filter.
    const walk = walkFiles(query.root, {
      signal: query.signal,
      enterDirectory(abs, rel, name) {
        if (skip.has(name)) return false;
        const verdict = globs.verdict(rel, true);
        if (verdict !== "none") return verdict === "include";
        return !rules.ignores(abs, true);
      },
      includeFile(abs, rel) {
        const verdict = globs.verdict(rel, false);
        if (verdict !== "none") return verdict === "include";
        if (globs.hasPositive || rules.ignores(abs, false)) return false;
        return !types || types.includesFile(basename(abs));
      },
    });
    for await (const file of walk) candidates.push(file);
  }

  const files: FileHits[] = [];
  let lineBudget = query.maxLines;
  let truncated = false;
  let next = 0;
  const worker = async () => {
    while (next < candidates.length && !query.signal.aborted && !truncated) {
      const path = candidates[next++]!;
      const hits = await searchFile(path, regex, prefilter, query);
      if (!hits) continue;
      files.push(hits);
      lineBudget -= Math.max(hits.lines.length, 1);
      if (lineBudget <= 0) truncated = true;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { files, truncated };
}

async function searchFile(
  path: string,
  regex: RegExp,
  prefilter: RegExp | undefined,
  query: GrepQuery,
): Promise<FileHits | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch {
    return undefined;
  }
  if (containsNul(bytes)) return undefined;
  const text = bytes.toString("utf8");
  if (prefilter && !prefilter.test(text) && !(text.includes("\r") && query.pattern.includes("$"))) {
    return undefined;
  }
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  const matching: number[] = [];
  for (const [i, raw] of lines.entries()) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    regex.lastIndex = 0;
    if (regex.test(line)) {
      matching.push(i);
      if (query.mode === "files_with_matches") break;
    }
  }
  if (matching.length === 0) return undefined;
  const hits: FileHits = { path, matchedLines: matching.length, lines: [] };
  if (query.mode !== "content") return hits;
  const isMatch = new Set(matching);
  const included = new Set<number>();
  for (const m of matching) {
    for (let i = Math.max(0, m - query.before); i <= Math.min(lines.length - 1, m + query.after); i++) {
      included.add(i);
    }
  }
  hits.lines = [...included]
    .sort((a, b) => a - b)
    .map((i): GrepLine => ({ line: i + 1, text: stripCr(lines[i]!), match: isMatch.has(i) }));
  return hits;
}

function stripCr(line: string): string {
  return line.endsWith("\r") ? line.slice(0, -1) : line;
}
