import { execFile, spawn } from "node:child_process";
import { dirname } from "node:path";
import { createInterface } from "node:readline";
import type { FileHits, GrepOutcome, GrepQuery } from "./grep-types.js";

let ripgrepProbe: Promise<boolean> | undefined;

/** Whether `rg` runs on this machine; probed once per process. */
export function ripgrepAvailable(): Promise<boolean> {
  ripgrepProbe ??= new Promise((resolve) => {
    execFile("rg", ["--version"], { timeout: 5000 }, (error) => resolve(!error));
  });
  return ripgrepProbe;
}

/** The rg command line for a query; every ignore source the JavaScript engine does not model is turned off. */
export function ripgrepArgs(query: GrepQuery): string[] {
  const args = [
    "--json",
    "--no-config",
    "--hidden",
    "--no-require-git",
    "--no-ignore-global",
    "--no-ignore-exclude",
    "--no-ignore-dot",
    "--crlf",
  ];
  if (query.caseInsensitive) args.push("--ignore-case");
  if (query.mode === "files_with_matches") args.push("--max-count", "1");
  if (query.mode === "content") {
    if (query.before > 0) args.push("--before-context", String(query.before));
    if (query.after > 0) args.push("--after-context", String(query.after));
  }
  if (query.typeGlobs) {
    for (const glob of query.typeGlobs) args.push("--type-add", `quarry:${glob}`);
    args.push("--type", "quarry");
  } else if (query.typeName) {
    args.push("--type", query.typeName);
  }
  for (const glob of query.globs) args.push("--glob", glob);
  // Last, so they win over the user's globs (ripgrep: later globs take precedence).
  for (const name of query.skipNames) args.push("--glob", `!${name}`);
  args.push("--regexp", query.pattern, "--", query.root);
  return args;
}

/** Searches with ripgrep's JSON output, collecting matches and context per file. */
export function grepWithRipgrep(query: GrepQuery): Promise<GrepOutcome> {
  return new Promise((resolve) => {
    // ripgrep matches globs relative to its working directory, so run it from the search root.
    const cwd = query.rootIsFile ? dirname(query.root) : query.root;
    const child = spawn("rg", ripgrepArgs(query), { cwd, stdio: ["ignore", "pipe", "pipe"] });
    const byPath = new Map<string, FileHits>();
    let stderr = "";
    let lineBudget = query.maxLines;
    let truncated = false;
    const stop = () => child.kill("SIGTERM");
    query.signal.addEventListener("abort", stop, { once: true });
    child.stderr.on("data", (chunk: Buffer) => {
      if (stderr.length < 4000) stderr += chunk.toString("utf8");
    });
    const lines = createInterface({ input: child.stdout, crlfDelay: Number.POSITIVE_INFINITY });
    lines.on("line", (json) => {
      if (truncated) return;
      const message = parseMessage(json);
      if (!message) return;
      let hits = byPath.get(message.path);
      if (!hits) {
        hits = { path: message.path, matchedLines: 0, lines: [] };
        byPath.set(message.path, hits);
      }
      if (message.match) hits.matchedLines++;
      if (query.mode === "content") {
        hits.lines.push({ line: message.line, text: message.text, match: message.match });
        if (--lineBudget <= 0) {
          truncated = true;
          stop();
        }
      }
    });
    child.on("error", (error) => {
      query.signal.removeEventListener("abort", stop);
      resolve({ files: [], truncated: false, error: `Could not run rg: ${error.message}` });
    });
    child.on("close", (code) => {
      query.signal.removeEventListener("abort", stop);
      const files = [...byPath.values()].filter((f) => f.matchedLines > 0);
      // Exit 2 also covers "some files were unreadable"; only an error with no results is worth failing on.
      const error = code === 2 && files.length === 0 && !truncated ? stderr.trim() || "rg failed" : undefined;
      resolve({ files, truncated, error });
    });
  });
}

interface RipgrepLine {
  path: string;
  line: number;
  text: string;
  match: boolean;
}

/** Reads one `match` or `context` message; everything else (begin, end, summary) is skipped. */
function parseMessage(json: string): RipgrepLine | undefined {
  let message: {
    type?: string;
    data?: { path?: TextOrBytes; lines?: TextOrBytes; line_number?: number };
  };
  try {
    message = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (message.type !== "match" && message.type !== "context") return undefined;
  const data = message.data;
  if (!data?.path || !data.lines || typeof data.line_number !== "number") return undefined;
  const text = decode(data.lines).replace(/\r?\n$/, "");
  return { path: decode(data.path), line: data.line_number, text, match: message.type === "match" };
}

/** ripgrep writes non-UTF-8 data as base64 `bytes`. */
type TextOrBytes = { text?: string; bytes?: string };

function decode(value: TextOrBytes): string {
  return value.text ?? Buffer.from(value.bytes ?? "", "base64").toString("utf8");
}
