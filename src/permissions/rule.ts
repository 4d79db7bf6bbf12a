import { globToRegExp } from "./glob.js";
import { webSpecifierProblem } from "./web-rules.js";

/** Where a path rule's pattern is anchored. */
export type PathBase = "project" | "home" | "absolute";

/** A path rule's pattern, resolved against its base when a request is judged. */
export interface PathPattern {
  readonly base: PathBase;
  /** Glob relative to the base, `/`-separated. */
  readonly glob: string;
  readonly regex: RegExp;
}

/** A parsed permission rule; `text` is the rule as the user wrote it. */
export type PermissionRule =
  /** A bare tool name: every use of that tool (or tool family, for Read and the edit tools). */
  | { readonly kind: "tool"; readonly text: string; readonly tool: string }
  | {
      readonly kind: "bash";
      readonly text: string;
      readonly tool: "Bash";
      readonly match: "exact" | "prefix" | "wildcard";
      readonly pattern: string;
    }
  | { readonly kind: "path"; readonly text: string; readonly tool: string; readonly pattern: PathPattern }
  /** A tool Quarry does not interpret (WebFetch(domain:…), MCP tools): matched by name and exact specifier. */
  | { readonly kind: "specifier"; readonly text: string; readonly tool: string; readonly specifier: string };

/** A rule that cannot be parsed; the message says what is wrong and how to write it. */
export class PermissionRuleError extends Error {
  constructor(
    readonly rule: string,
    problem: string,
  ) {
    super(`Invalid permission rule "${rule}": ${problem}.`);
    this.name = "PermissionRuleError";
  }
}

/** Tools whose rules cover every read-kind tool (Read, Glob, Grep, LS). */
export const READ_FAMILY = "Read";
/** Tools whose rules cover every edit-kind tool: `Edit(src/**)` also governs Write and MultiEdit. */
export const EDIT_FAMILY: ReadonlySet<string> = new Set(["Edit", "Write", "MultiEdit", "NotebookEdit"]);
/** Read tools that may also be named on their own (`Glob`, `Grep(src/**)`). */
export const READ_TOOLS: ReadonlySet<string> = new Set(["Read", "Glob", "Grep", "LS"]);

const KNOWN_TOOLS = ["Bash", ...READ_TOOLS, ...EDIT_FAMILY, "TodoWrite", "WebFetch", "WebSearch", "Task"];

/** Parses one rule in Claude Code syntax: `Bash`, `Bash(npm test)`, `Bash(npm test:*)`, `Edit(src/**)`. */
export function parseRule(input: string): PermissionRule {
  const text = input.trim();
  if (text === "") throw new PermissionRuleError(input, "the rule is empty");
  const open = text.indexOf("(");
  if (open === -1) {
    if (text.includes(")")) throw new PermissionRuleError(text, 'it has a ")" without a matching "("');
    checkToolName(text, text);
    return { kind: "tool", text, tool: text };
  }
  const tool = text.slice(0, open).trim();
  if (tool === "") throw new PermissionRuleError(text, 'it is missing a tool name before "("');
  checkToolName(text, tool);
  if (!text.endsWith(")")) {
    const close = text.lastIndexOf(")");
    throw new PermissionRuleError(
      text,
      close < open
        ? `it is missing a closing ")"; write ${tool}(…) with the pattern inside the parentheses`
        : `it has text after the closing ")": "${text.slice(close + 1)}"`,
    );
  }
  const specifier = text.slice(open + 1, -1).trim();
  if (specifier === "") {
    throw new PermissionRuleError(text, `it has empty parentheses; write "${tool}" alone to match every use`);
  }
  if (tool === "Bash") return parseBashRule(text, specifier);
  if (READ_TOOLS.has(tool) || EDIT_FAMILY.has(tool)) {
    return { kind: "path", text, tool, pattern: parsePathPattern(text, specifier) };
  }
  const problem = tool === "WebFetch" ? webSpecifierProblem(specifier) : undefined;
  if (problem) throw new PermissionRuleError(text, problem);
  return { kind: "specifier", text, tool, specifier };
}

function checkToolName(rule: string, tool: string): void {
  const known = KNOWN_TOOLS.find((k) => k.toLowerCase() === tool.toLowerCase());
  if (known !== undefined && known !== tool) {
    throw new PermissionRuleError(rule, `tool names are case-sensitive; did you mean "${known}"?`);
  }
  if (!/^[A-Za-z_][\w-]*\*?$/.test(tool)) {
    throw new PermissionRuleError(rule, `"${tool}" is not a tool name (letters, digits, _ and - only)`);
  }
}

function parseBashRule(text: string, specifier: string): PermissionRule {
  const colonStar = specifier.indexOf(":*");
  if (colonStar !== -1 && colonStar !== specifier.length - 2) {
    throw new PermissionRuleError(text, '":*" is only allowed at the end, as in Bash(npm test:*)');
  }
  if (colonStar !== -1) {
    const pattern = specifier.slice(0, -2).trim();
    if (pattern === "") {
      throw new PermissionRuleError(
        text,
        'there is no command before ":*"; write "Bash" to match every command',
      );
    }
    return { kind: "bash", text, tool: "Bash", match: "prefix", pattern };
  }
  return {
    kind: "bash",
    text,
    tool: "Bash",
    match: specifier.includes("*") ? "wildcard" : "exact",
    pattern: specifier,
  };
}

/**
 * Path patterns: `~/x` under the home directory, `//x` or `/x` absolute, `./x` or `x` relative to the project
 * root. As in .gitignore, a pattern with no `/` (like `.env` or `*.pem`) matches at any depth, and a pattern
 * that names a directory covers everything inside it.
 */
function parsePathPattern(text: string, specifier: string): PathPattern {
  if (specifier.endsWith(":*")) {
    throw new PermissionRuleError(
      text,
      'the ":*" prefix form is only for Bash rules; use a glob such as src/**',
    );
  }
  if (/^~[^/]/.test(specifier)) {
    throw new PermissionRuleError(text, "only ~/ (your own home directory) is supported, not ~user");
  }
  let base: PathBase;
  let rest: string;
  if (specifier === "~" || specifier.startsWith("~/")) {
    base = "home";
    rest = specifier.slice(1);
  } else if (specifier.startsWith("/")) {
    base = "absolute";
    rest = specifier.replace(/^\/+/, "");
  } else {
    base = "project";
    rest = specifier;
  }
  const anchored = base !== "project" || rest.startsWith("./") || rest === ".";
  rest = rest
    .replace(/^(?:\.\/)+/, "")
    .replace(/^\.$/, "")
    .replace(/^\/+/, "")
    .replace(/\/+$/, "");
  if (rest.split("/").includes("..")) {
    throw new PermissionRuleError(
      text,
      '".." is not allowed in a path pattern; use an absolute path or ~/ for places outside the project',
    );
  }
  let glob = rest === "" ? "**" : rest;
  if (!anchored && !glob.includes("/") && glob !== "**") glob = `**/${glob}`;
  return { base, glob, regex: globToRegExp(glob) };
}

/** Splits a flag value such as `--allowedTools "Bash(npm test) Read,Edit(src/**)"` into rule texts. */
export function splitRuleList(value: string): string[] {
  const rules: string[] = [];
  let depth = 0;
  let current = "";
  for (const c of value) {
    if (c === "(") depth++;
    else if (c === ")" && depth > 0) depth--;
    if (depth === 0 && (c === "," || /\s/.test(c))) {
      if (current.trim() !== "") rules.push(current.trim());
      current = "";
    } else {
      current += c;
    }
  }
  if (current.trim() !== "") rules.push(current.trim());
  return rules;
}
