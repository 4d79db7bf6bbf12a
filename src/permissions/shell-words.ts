// Resolves the quoting of one shell word from tree-sitter-bash's nodes: what bash would pass as the argument
// when the word is static, or "known only at run time" when it expands something. Each token's boundaries
// are checked against bash's own quoting rules, because the grammar is not bash: where they disagree (it
// reads `$'\\'` as still open, for one) the word is reported uncertain and the command needs approval.
import type { SyntaxNode } from "./shell-parser.js";

/** What the analyser is told while a word is resolved. */
export interface WordSink {
  /** A command, process or arithmetic substitution: its body and node (to look for commands inside). */
  substitution(body: string, node: SyntaxNode): void;
  /** Something the analyser cannot classify with certainty. */
  uncertain(reason: string): void;
}

/** One shell word, made of one or more adjacent nodes. */
export interface ShellWord {
  /** The argument bash would pass, quotes removed; undefined when it is known only at run time. */
  readonly value: string | undefined;
  /** The word as written. */
  readonly raw: string;
  readonly start: number;
  readonly end: number;
  /** An unquoted `*`, `?` or `[…]`: bash may replace the word by file names. */
  readonly glob: boolean;
  /** Starts with an unquoted `~`, which bash expands to a home directory. */
  readonly tilde: boolean;
}

interface Piece {
  value: string | undefined;
  glob: boolean;
  tilde: boolean;
  /** The unquoted `{` and `}` in order: the grammar may split `{a,b}` into several nodes. */
  braces?: string;
}

/** Resolves adjacent nodes (bash sees them as one word) into a ShellWord. */
export function resolveWord(nodes: readonly SyntaxNode[], source: string, sink: WordSink): ShellWord {
  let value: string | undefined = "";
  let glob = false;
  let tilde = false;
  let braces = "";
  nodes.forEach((node, i) => {
    const piece = resolvePiece(node, sink);
    if (i === 0) tilde = piece.tilde;
    glob ||= piece.glob;
    braces += piece.braces ?? "";
    value = value === undefined || piece.value === undefined ? undefined : value + piece.value;
  });
  const start = nodes[0]!.startIndex;
  const end = nodes[nodes.length - 1]!.endIndex;
  const raw = source.slice(start, end);
  // `{a,b}` and `{1..3}` become several words; `{}` alone (find's placeholder) stays as it is.
  if (/\{.*\}/.test(braces) && raw !== "{}") value = undefined;
  return { value, raw, start, end, glob, tilde };
}

/** True when the text between two nodes is only line continuations, so bash reads both as one word. */
export function joinsWords(gap: string): boolean {
  return gap.replace(/\\\r?\n/g, "") === "";
}

const STATIC_NODE_SEPARATORS = /^(?:\\\r?\n)*$/;

function resolvePiece(node: SyntaxNode, sink: WordSink): Piece {
  const text = node.text;
  switch (node.type) {
    case "word":
    case "number":
    case "extglob_pattern":
      return unquoted(text, sink);
    case "raw_string":
      if (!/^'[^']*'$/.test(text)) return unsure(sink, `the quoting of ${text} is ambiguous`);
      return known(text.slice(1, -1));
    case "ansi_c_string":
      return ansiC(text, sink);
    case "string":
      return doubleQuoted(node, sink);
    case "translated_string":
      // `$"…"` may be replaced by a translation from a message catalog, so its value is not certain.
      for (const child of node.namedChildren) if (child) resolvePiece(child, sink);
      return dynamic();
    case "concatenation": {
      let value: string | undefined = "";
      let glob = false;
      let tilde = false;
      let braces = "";
      let previous: SyntaxNode | undefined;
      for (const child of node.children) {
        if (!child) continue;
        if (previous) {
          const gap = text.slice(previous.endIndex - node.startIndex, child.startIndex - node.startIndex);
          if (!STATIC_NODE_SEPARATORS.test(gap))
            sink.uncertain(`the word ${text} could not be read with certainty`);
        }
        const piece = child.type === "$" ? dynamic() : resolvePiece(child, sink);
        if (!previous) tilde = piece.tilde;
        glob ||= piece.glob;
        braces += piece.braces ?? "";
        value = value === undefined || piece.value === undefined ? undefined : value + piece.value;
        previous = child;
      }
      return { value, glob, tilde, braces };
    }
    case "simple_expansion":
      return dynamic();
    case "expansion":
      // `${NAME}` only; anything else (`${x:-…}`, `${a[i]}`, `${x@P}`) may evaluate arithmetic or prompts.
      if (!isPlainExpansion(node)) {
        for (const child of node.namedChildren) if (child) visitNested(child, sink);
        sink.uncertain(`the parameter expansion ${text} may run code`);
      }
      return dynamic();
    case "command_substitution":
    case "process_substitution":
    case "arithmetic_expansion":
      sink.substitution(substitutionBody(text), node);
      return dynamic();
    case "brace_expression":
      return dynamic();
    case "$":
      // A lone `$` before a string is the locale quoting `$"…"`, which the grammar may split off.
      return dynamic();
    default:
      return unsure(sink, `${describe(node)} is not understood`);
  }
}

/** Looks inside a node for substitutions, where its value does not matter (an uncertain expansion). */
function visitNested(node: SyntaxNode, sink: WordSink): void {
  if (
    node.type === "command_substitution" ||
    node.type === "process_substitution" ||
    node.type === "arithmetic_expansion"
  ) {
    sink.substitution(substitutionBody(node.text), node);
    return;
  }
  for (const child of node.namedChildren) if (child) visitNested(child, sink);
}

function isPlainExpansion(node: SyntaxNode): boolean {
  const kinds = node.children.map((c) => c?.type);
  return (
    kinds.length === 3 &&
    kinds[0] === "${" &&
    (kinds[1] === "variable_name" || kinds[1] === "special_variable_name") &&
    kinds[2] === "}"
  );
}

/** `$(…)` → `…`, `` `…` `` → `…`, `<(…)` → `…`, `$((…))` → `(…)`. */
function substitutionBody(text: string): string {
  if (text.startsWith("`")) return text.slice(1, -1);
  return text.slice(2, -1);
}

function known(value: string): Piece {
  return { value, glob: false, tilde: false };
}

function dynamic(): Piece {
  return { value: undefined, glob: false, tilde: false };
}

function unsure(sink: WordSink, reason: string): Piece {
  sink.uncertain(reason);
  return dynamic();
}

function describe(node: SyntaxNode): string {
  const text = node.text.length > 40 ? `${node.text.slice(0, 37)}…` : node.text;
  return `\`${text}\` (${node.type})`;
}

// Characters that end or change an unquoted word in bash; the grammar must have split on them already.
const WORD_BREAKERS = new Set([" ", "\t", "\n", ";", "&", "|", "<", ">", "(", ")", "'", '"', "`"]);

/** An unquoted word: backslash escapes, globs, brace expansion and tilde, as bash reads them. */
function unquoted(text: string, sink: WordSink): Piece {
  let value = "";
  let glob = false;
  let braces = "";
  let bracketOpen = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "\\") {
      const next = text[i + 1];
      if (next === undefined) return unsure(sink, `the word ${text} ends in a lone backslash`);
      if (next !== "\n") value += next;
      i++;
      continue;
    }
    if (WORD_BREAKERS.has(c)) return unsure(sink, `the word ${text} could not be read with certainty`);
    if (c === "$" && i + 1 < text.length && /[\w{(@*#?$!-]/.test(text[i + 1]!)) {
      return unsure(sink, `the word ${text} could not be read with certainty`);
    }
    if (c === "*" || c === "?") glob = true;
    if (c === "[") bracketOpen = true;
    if (c === "]" && bracketOpen) glob = true;
    if (c === "{" || c === "}") braces += c;
    value += c;
  }
  return { value, glob, tilde: text.startsWith("~"), braces };
}

/** `$'…'`: decodes escapes as bash does, and checks the grammar closed the string where bash does. */
function ansiC(text: string, sink: WordSink): Piece {
  let value = "";
  let i = 2;
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'") break;
    if (c !== "\\") {
      value += c;
      continue;
    }
    const e = text[++i];
    if (e === undefined) break;
    const simple: Record<string, string> = {
      a: "\x07",
      b: "\b",
      e: "\x1b",
      E: "\x1b",
      f: "\f",
      n: "\n",
      r: "\r",
      t: "\t",
      v: "\v",
      "\\": "\\",
      "'": "'",
      '"': '"',
      "?": "?",
    };
    if (e in simple) {
      value += simple[e];
    } else if (/[0-7]/.test(e)) {
      const digits = /^[0-7]{1,3}/.exec(text.slice(i))![0];
      value += String.fromCharCode(Number.parseInt(digits, 8) & 0xff);
      i += digits.length - 1;
    } else if (e === "x" || e === "u" || e === "U") {
      const max = e === "x" ? 2 : e === "u" ? 4 : 8;
      const digits = new RegExp(`^[0-9a-fA-F]{1,${max}}`).exec(text.slice(i + 1))?.[0];
      if (!digits) {
        value += `\\${e}`;
        continue;
      }
      const code = Number.parseInt(digits, 16);
      value += code <= 0x10ffff ? String.fromCodePoint(code) : "";
      i += digits.length;
    } else if (e === "c" && i + 1 < text.length) {
      value += String.fromCharCode(text[++i]!.toUpperCase().charCodeAt(0) & 0x1f);
    } else {
      value += `\\${e}`;
    }
  }
  if (i !== text.length - 1 || text[i] !== "'") {
    return unsure(sink, `the quoting of ${text} is ambiguous (bash ends the string elsewhere)`);
  }
  // Bash cuts an argument at a NUL byte.
  const nul = value.indexOf("\0");
  return known(nul === -1 ? value : value.slice(0, nul));
}

/** `"…"`: static when it holds only text; the grammar's end of the string is checked against bash's. */
function doubleQuoted(node: SyntaxNode, sink: WordSink): Piece {
  const text = node.text;
  let value: string | undefined = "";
  // Walk the text between expansions ourselves; nested nodes (`$x`, `$(…)`) are skipped by their ranges.
  const nested = node.namedChildren.filter((c): c is SyntaxNode => c !== null && c.type !== "string_content");
  let cursor = 1;
  const scan = (from: number, to: number): boolean => {
    for (let i = from; i < to; i++) {
      const c = text[i]!;
      if (c === "\\") {
        const next = text[i + 1];
        if (next !== undefined && '$`"\\\n'.includes(next)) {
          if (next !== "\n" && value !== undefined) value += next;
          i++;
        } else if (value !== undefined) {
          value += c;
        }
        continue;
      }
      if (c === '"' || c === "`") return false;
      if (c === "$" && i + 1 < to && /[\w{(@*#?$!-]/.test(text[i + 1]!)) return false;
      if (value !== undefined) value += c;
    }
    return true;
  };
  for (const child of nested) {
    const from = child.startIndex - node.startIndex;
    if (!scan(cursor, from)) return unsure(sink, `the string ${text} could not be read with certainty`);
    cursor = child.endIndex - node.startIndex;
    const piece = resolvePiece(child, sink);
    if (piece.value === undefined) value = undefined;
    else if (value !== undefined) value += piece.value;
  }
  if (!text.startsWith('"') || !text.endsWith('"') || text.length < 2 || !scan(cursor, text.length - 1)) {
    return unsure(sink, `the string ${text} could not be read with certainty`);
  }
  return { value, glob: false, tilde: false };
}
