// Reads a Bash command line from tree-sitter-bash's syntax tree: every simple command it runs (argv with
// quoting resolved where static), every redirection with its operator and target, and every construct whose
// effect is known only at run time. What this module cannot classify with certainty it reports as such, and
// allow rules then never match (docs/security/bash-analysis.md).
import { posix } from "node:path";
import { type SyntaxNode, withSyntaxTree } from "./shell-parser.js";
import { joinsWords, resolveWord, type ShellWord, type WordSink } from "./shell-words.js";
import { type InnerCommand, unwrapCommand } from "./shell-wrappers.js";

/** What a redirection does to the file system. */
export type RedirectEffect = "write" | "read" | "fd" | "input";

/** One redirection, e.g. `2>>log`, `<>file`, `<<EOF`, `>&2`. */
export interface ShellRedirect {
  /** The operator as written: `>`, `>>`, `>|`, `&>`, `&>>`, `<`, `<>`, `<&`, `>&`, `<&-`, `<<`, `<<-`, `<<<`. */
  readonly operator: string;
  /** The descriptor before the operator (`2`, `{fd}`), when given. */
  readonly fd?: string;
  /** The target with quoting resolved; undefined when known only at run time (or for here-docs). */
  readonly target?: string;
  /** The target as written. */
  readonly rawTarget: string;
  /** The target is a glob or starts with `~user`: which file it names is not known. */
  readonly targetUnknown: boolean;
  readonly effect: RedirectEffect;
}

/** One simple command (`FOO=1 npm test -- x > out`). */
export interface SimpleCommand {
  /** Argv with quotes removed; a word known only at run time (`$x`, `{a,b}`) is given as written. */
  readonly words: readonly string[];
  /** How many leading words are known before the command runs. */
  readonly staticWords: number;
  /** Assignments before the command (`FOO=1`), as written. */
  readonly assignments: readonly string[];
  /** Assignments and words joined by single spaces: what allow rules are matched against. */
  readonly text: string;
  readonly redirects: readonly ShellRedirect[];
  /** A redirection (or the command itself, `find -fprint`) may write a file other than /dev/null. */
  readonly writesFile: boolean;
  /** Set on a command a wrapper runs: the wrapper (`sudo`, `xargs`, `bash -c`, `eval`). */
  readonly via?: string;
  /** False for a wrapper whose inner command is what allow rules must cover (`nice`, `timeout`, `bash -c`). */
  readonly mustBeAllowed: boolean;
  /** The wrapper appends arguments at run time (xargs, `find -exec … +`). */
  readonly argumentsAppended: boolean;
  /** Runs inside `$(…)`, backticks or `<(…)`. */
  readonly inSubstitution: boolean;
}

/** Everything a command line runs, as far as it can be known before running it. */
export interface ShellAnalysis {
  readonly commands: readonly SimpleCommand[];
  /** Bodies of `$(…)`, backticks, `<(…)`, `>(…)` and `$((…))`. */
  readonly substitutions: readonly string[];
  /** False when the text has a syntax error (an unclosed quote, a stray operator). */
  readonly complete: boolean;
  /** Why parts of the line cannot be classified with certainty; empty when everything could. */
  readonly uncertain: readonly string[];
}

const MAX_DEPTH = 5;
// Blanks tree-sitter-bash skips (its extras are `\s`) that are ordinary characters for bash.
const UNUSUAL_BLANKS = /[\r\v\f\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/;

/** True when bash starts a comment at `index`: `#` at the start of a word, after a real blank or operator. */
function startsBashComment(source: string, index: number): boolean {
  let j = index - 1;
  // A line continuation vanishes before bash splits words, so `x\⏎#` is the word `x#`.
  while (j >= 1 && source[j] === "\n" && source[j - 1] === "\\") j -= 2;
  if (j < 0) return true;
  if (!" \t\n;&|()<>".includes(source[j]!)) return false;
  let backslashes = 0;
  for (let k = j - 1; k >= 0 && source[k] === "\\"; k--) backslashes++;
  return backslashes % 2 === 0;
}
const HARMLESS_TARGETS = new Set(["/dev/null", "/dev/stdout", "/dev/stderr"]);

/** Analyses a command line; undefined when the shell grammar is not loaded (see prepareShellAnalysis). */
export function analyseShell(source: string): ShellAnalysis | undefined {
  return analyse(source, 0, false, undefined);
}

interface Context {
  readonly inherited: readonly ShellRedirect[];
  readonly inSubstitution: boolean;
  readonly via?: string;
}

function analyse(
  source: string,
  depth: number,
  inSubstitution: boolean,
  via: string | undefined,
): ShellAnalysis | undefined {
  return withSyntaxTree(source, (root) => {
    const reader = new Reader(source, depth);
    reader.statement(root, { inherited: [], inSubstitution, via });
    if (root.hasError) reader.complete = false;
    reader.checkLexing(root);
    return {
      commands: reader.commands,
      substitutions: reader.substitutions,
      complete: reader.complete,
      uncertain: reader.uncertain,
    };
  });
}

// Containers whose children are statements (and keywords), walked in order.
const CONTAINERS = new Set([
  "program",
  "list",
  "pipeline",
  "negated_command",
  "subshell",
  "compound_statement",
  "do_group",
  "if_statement",
  "elif_clause",
  "else_clause",
  "while_statement",
  "case_item",
]);
const LITERALS = new Set([
  "word",
  "number",
  "string",
  "raw_string",
  "ansi_c_string",
  "translated_string",
  "concatenation",
  "simple_expansion",
  "expansion",
  "command_substitution",
  "process_substitution",
  "arithmetic_expansion",
  "brace_expression",
  "extglob_pattern",
  "$",
]);
const REDIRECTS = new Set(["file_redirect", "heredoc_redirect", "herestring_redirect"]);
const KEYWORDS = new Set([
  ";",
  "&",
  "&&",
  "||",
  "|",
  "|&",
  "(",
  ")",
  "{",
  "}",
  "!",
  "if",
  "then",
  "else",
  "elif",
  "fi",
  "while",
  "until",
  "do",
  "done",
  "for",
  "select",
  "in",
  "case",
  "esac",
  ";;",
  ";&",
  ";;&",
  "function",
]);

interface PendingRedirect extends ShellRedirect {
  readonly start: number;
  readonly hasFd: boolean;
}

class Reader {
  readonly commands: SimpleCommand[] = [];
  readonly substitutions: string[] = [];
  readonly uncertain: string[] = [];
  complete = true;

  constructor(
    private readonly source: string,
    private readonly depth: number,
  ) {}

  /**
   * The grammar skips some characters bash does not: `\r`, `\v`, `\f` and Unicode spaces count as blanks
   * for it, an escaped blank between two nodes is dropped, and a `#` after a line continuation starts a
   * comment. Where bash would read the text differently the line is uncertain.
   */
  checkLexing(root: SyntaxNode): void {
    if (UNUSUAL_BLANKS.test(this.source)) {
      this.uncertainAbout(
        "it contains a carriage return or unusual blank, which bash does not treat as a space",
      );
    }
    for (const comment of root.descendantsOfType("comment")) {
      if (comment && !startsBashComment(this.source, comment.startIndex)) {
        this.uncertainAbout(`\`#\` in ${describe(comment)} does not start a comment for bash`);
      }
    }
  }

  uncertainAbout(reason: string): void {
    if (!this.uncertain.includes(reason)) this.uncertain.push(reason);
  }

  get sink(): WordSink {
    return {
      uncertain: (reason) => this.uncertainAbout(reason),
      substitution: (body, node) => this.substitution(body, node),
    };
  }
  /** A substitution's body runs as commands of its own: recorded for deny rules, never allowed by rules. */
  substitution(body: string, node: SyntaxNode): void {
    this.substitutions.push(body);
    for (const child of node.namedChildren) {
      if (child) this.statement(child, { inherited: [], inSubstitution: true });
    }
  }

  statement(node: SyntaxNode, ctx: Context): void {
    const type = node.type;
    if (node.isError || node.isMissing) {
      this.complete = false;
      return;
    }
    if (!node.isNamed) {
      if (!KEYWORDS.has(type) && type.trim() !== "") this.uncertainAbout(`\`${type}\` is not understood`);
      return;
    }
    if (CONTAINERS.has(type)) {
      for (const child of node.children) if (child) this.statement(child, ctx);
      return;
    }
    switch (type) {
      case "comment":
        return;
      case "redirected_statement":
        this.redirected(node, ctx);
        return;
      case "command":
        this.command(node, [], ctx);
        return;
      case "declaration_command":
      case "unset_command":
        this.declaration(node, [], ctx);
        return;
      case "variable_assignment":
      case "variable_assignments": {
        const assignments = type === "variable_assignment" ? [node] : node.namedChildren;
        const texts = assignments.filter((a): a is SyntaxNode => a !== null).map((a) => this.assignment(a));
        this.record([], texts, ctx.inherited, ctx, { mustBeAllowed: true });
        return;
      }
      case "function_definition": {
        const redirects = this.fieldRedirects(node, ctx);
        const body = node.childForFieldName("body");
        if (body) this.statement(body, { ...ctx, inherited: [...ctx.inherited, ...redirects.redirects] });
        return;
      }
      case "for_statement":
        for (const child of node.children) {
          if (!child) continue;
          const field = fieldOf(node, child);
          if (field === "variable" || !child.isNamed) continue;
          if (field === "value") this.word([child]);
          else this.statement(child, ctx);
        }
        return;
      case "case_statement":
        for (const child of node.children) {
          if (!child?.isNamed) continue;
          if (fieldOf(node, child) === "value") this.word([child]);
          else this.statement(child, ctx);
        }
        return;
      default:
        if (LITERALS.has(type)) {
          // A case pattern or loop word in statement position.
          this.word([node]);
          return;
        }
        this.visitSubstitutions(node);
        this.uncertainAbout(`${describe(node)} is not analysed`);
    }
  }

  /** Finds substitutions inside a construct that is not analysed, so deny rules still see them. */
  private visitSubstitutions(node: SyntaxNode): void {
    for (const child of node.namedChildren) {
      if (!child) continue;
      if (child.type === "command_substitution" || child.type === "process_substitution") {
        this.substitution(child.text.slice(child.text.startsWith("`") ? 1 : 2, -1), child);
      } else {
        this.visitSubstitutions(child);
      }
    }
  }

  private word(nodes: SyntaxNode[]): ShellWord {
    return resolveWord(nodes, this.source, this.sink);
  }

  private assignment(node: SyntaxNode): string {
    for (const child of node.namedChildren) {
      if (!child || child.type === "variable_name" || child.type === "subscript") continue;
      if (child.type === "array") {
        for (const element of child.namedChildren) if (element) this.word([element]);
      } else {
        this.word([child]);
      }
    }
    if (node.namedChildren.some((c) => c?.type === "subscript")) {
      this.uncertainAbout(`the assignment ${node.text} evaluates a subscript`);
    }
    return node.text;
  }

  private fieldRedirects(node: SyntaxNode, ctx: Context) {
    const found: PendingRedirect[] = [];
    const extra: SyntaxNode[][] = [];
    node.children.forEach((child, i) => {
      if (child && node.fieldNameForChild(i) === "redirect") this.redirect(child, found, extra, ctx);
    });
    if (extra.length > 0) this.uncertainAbout("words after a redirection of a compound command");
    return { redirects: found };
  }

  private redirected(node: SyntaxNode, ctx: Context): void {
    const body = node.childForFieldName("body");
    const redirects: PendingRedirect[] = [];
    const extraWords: SyntaxNode[][] = [];
    node.children.forEach((child, i) => {
      if (!child) return;
      if (node.fieldNameForChild(i) === "redirect" || REDIRECTS.has(child.type)) {
        this.redirect(child, redirects, extraWords, ctx);
      } else if (child.id !== body?.id && child.isNamed) {
        this.statement(child, ctx);
      } else if (child.isError) {
        this.complete = false;
      }
    });
    if (!body) return;
    if (body.type === "command") {
      this.command(body, [...redirects], ctx, extraWords);
      return;
    }
    if (body.type === "declaration_command" || body.type === "unset_command") {
      this.declaration(body, redirects, ctx);
      return;
    }
    if (extraWords.length > 0) this.uncertainAbout("words after a redirection of a compound command");
    this.statement(body, { ...ctx, inherited: [...ctx.inherited, ...redirects] });
  }

  /** Reads one redirection into `into`; words bash gives the command instead (`> f b`) go to `extra`. */
  private redirect(node: SyntaxNode, into: PendingRedirect[], extra: SyntaxNode[][], ctx: Context): void {
    let fd: string | undefined;
    let operator = "";
    const targets: SyntaxNode[] = [];
    if (node.type === "heredoc_redirect") {
      this.heredoc(node, into, extra, ctx);
      return;
    }
    for (const child of node.children) {
      if (!child) continue;
      if (child.type === "file_descriptor") fd = child.text;
      else if (!child.isNamed) operator = child.type;
      else if (child.type === "comment") continue;
      else if (LITERALS.has(child.type)) targets.push(child);
      else this.uncertainAbout(`${describe(child)} in a redirection is not understood`);
    }
    const groups = this.group(targets);
    if (node.type === "herestring_redirect") {
      for (const g of groups) this.word(g);
      into.push(
        pending(node, {
          operator,
          fd,
          rawTarget: groups
            .flat()
            .map((n) => n.text)
            .join(""),
          effect: "input",
        }),
      );
      return;
    }
    if (operator === "<&-" || operator === ">&-") {
      extra.push(...groups);
      into.push(pending(node, { operator, fd, rawTarget: "", effect: "fd" }));
      return;
    }
    const [first, ...rest] = groups;
    extra.push(...rest);
    if (!first) {
      this.complete = false;
      return;
    }
    const target = this.word(first);
    into.push(pending(node, classify(operator, fd, target)));
  }

  private heredoc(node: SyntaxNode, into: PendingRedirect[], extra: SyntaxNode[][], ctx: Context): void {
    let fd: string | undefined;
    let operator = "<<";
    let quoted = false;
    node.children.forEach((child, i) => {
      if (!child) return;
      const field = node.fieldNameForChild(i);
      if (child.type === "file_descriptor") fd = child.text;
      else if (child.type === "heredoc_start") quoted = /['"\\]/.test(child.text);
      else if (child.type === "heredoc_body") {
        // An unquoted delimiter lets the body expand; a substitution there runs a command.
        if (!quoted && /\$\(|`|\$\[/.test(child.text)) {
          this.substitutions.push(child.text);
          this.visitSubstitutions(child);
        }
      } else if (child.type === "heredoc_end" || child.type === "heredoc_content") return;
      else if (field === "argument") extra.push([child]);
      else if (field === "redirect") this.redirect(child, into, extra, ctx);
      else if (child.isError || child.isMissing) this.complete = false;
      else if (!child.isNamed) {
        if (child.type === "<<" || child.type === "<<-") operator = child.type;
      } else this.statement(child, { ...ctx, inherited: ctx.inherited });
    });
    into.push(pending(node, { operator, fd, rawTarget: "", effect: "input" }));
  }

  /** Groups adjacent literal nodes into words: bash sees `a"b"` (and `a\⏎b`) as one word. */
  private group(nodes: readonly SyntaxNode[]): SyntaxNode[][] {
    const groups: SyntaxNode[][] = [];
    let last: SyntaxNode | undefined;
    for (const node of [...nodes].sort((a, b) => a.startIndex - b.startIndex)) {
      const gap = last ? this.source.slice(last.endIndex, node.startIndex) : " ";
      // The grammar drops `\ ` between nodes; for bash it is a space inside a word.
      if (/\\[ \t\v\f]/.test(gap)) this.uncertainAbout("an escaped blank joins parts of a word");
      if (last && joinsWords(gap)) groups[groups.length - 1]!.push(node);
      else groups.push([node]);
      last = node;
    }
    return groups;
  }

  private command(
    node: SyntaxNode,
    redirects: PendingRedirect[],
    ctx: Context,
    extraWords: SyntaxNode[][] = [],
  ): void {
    const assignments: string[] = [];
    const literals: SyntaxNode[] = [];
    for (const child of node.children) {
      if (!child) continue;
      if (child.type === "variable_assignment") assignments.push(this.assignment(child));
      else if (child.type === "command_name")
        literals.push(...child.children.filter((c): c is SyntaxNode => !!c));
      else if (REDIRECTS.has(child.type)) this.redirect(child, redirects, extraWords, ctx);
      else if (LITERALS.has(child.type)) literals.push(child);
      else if (child.isError || child.isMissing) this.complete = false;
      else if (child.type !== "comment")
        this.uncertainAbout(`${describe(child)} in a command is not understood`);
    }
    const groups = this.group([...literals, ...extraWords.flat()]);
    let words = groups.map((g) => this.word(g));
    // `2>x` written as `2 >x`? No: a number glued to a redirection is its descriptor, not an argument.
    for (const r of redirects) {
      if (r.hasFd) continue;
      const glued = words.findIndex((w) => w.end === r.start && /^(?:\d+|\{[A-Za-z_]\w*\})$/.test(w.raw));
      if (glued !== -1) words = words.filter((_, i) => i !== glued);
    }
    this.runs(words, assignments, [...ctx.inherited, ...redirects.map(strip)], ctx, {
      via: ctx.via,
      appended: false,
      depth: 0,
    });
  }

  private declaration(node: SyntaxNode, redirects: PendingRedirect[], ctx: Context): void {
    const words: ShellWord[] = [];
    for (const child of node.children) {
      if (!child) continue;
      if (!child.isNamed) {
        words.push(literalWord(child.type, child));
      } else if (child.type === "variable_assignment") {
        const text = this.assignment(child);
        words.push({ ...literalWord(text, child), value: /\$|`/.test(text) ? undefined : text });
      } else if (child.type === "variable_name") {
        words.push(literalWord(child.text, child));
      } else if (REDIRECTS.has(child.type)) {
        this.redirect(child, redirects, [], ctx);
      } else if (LITERALS.has(child.type)) {
        words.push(this.word([child]));
      } else {
        this.uncertainAbout(`${describe(child)} in ${node.text} is not understood`);
      }
    }
    this.record(words, [], [...ctx.inherited, ...redirects.map(strip)], ctx, { mustBeAllowed: true });
  }

  /** Records a simple command and, for a wrapper, the commands it runs. */
  private runs(
    words: readonly ShellWord[],
    assignments: readonly string[],
    redirects: readonly ShellRedirect[],
    ctx: Context,
    meta: { via?: string; appended: boolean; depth: number },
  ): void {
    const name = words[0];
    if (name && (name.value === undefined || name.glob)) {
      this.uncertainAbout(`the command name \`${name.raw}\` is known only at run time`);
    }
    const unwrapped = unwrapCommand(words, meta.appended);
    if (unwrapped.kind === "uncertain") this.uncertainAbout(unwrapped.reason);
    const wrapsSomething =
      unwrapped.kind === "wraps" && (unwrapped.inner.length > 0 || unwrapped.scripts.length > 0);
    this.record(words, assignments, redirects, ctx, {
      mustBeAllowed: !wrapsSomething || (unwrapped.kind === "wraps" && unwrapped.outerMustBeAllowed),
      via: meta.via,
      appended: meta.appended,
      writes: unwrapped.kind === "wraps" && unwrapped.writes,
    });
    if (unwrapped.kind !== "wraps") return;
    if (meta.depth + this.depth >= MAX_DEPTH) {
      this.uncertainAbout("wrappers are nested too deeply to analyse");
      return;
    }
    const wrapper = unwrapped.wrapper;
    for (const inner of unwrapped.inner) this.inner(inner, assignments, redirects, ctx, wrapper, meta.depth);
    for (const script of unwrapped.scripts) this.script(script, redirects, ctx, wrapper);
  }

  private inner(
    inner: InnerCommand,
    outerAssignments: readonly string[],
    redirects: readonly ShellRedirect[],
    ctx: Context,
    wrapper: string,
    depth: number,
  ): void {
    this.runs(inner.words, [...outerAssignments, ...inner.assignments], redirects, ctx, {
      via: wrapper,
      appended: inner.appended,
      depth: depth + 1,
    });
  }

  private script(script: string, redirects: readonly ShellRedirect[], ctx: Context, wrapper: string): void {
    if (this.depth + 1 >= MAX_DEPTH) {
      this.uncertainAbout("scripts are nested too deeply to analyse");
      return;
    }
    const nested = analyse(script, this.depth + 1, ctx.inSubstitution, wrapper);
    if (!nested) {
      this.uncertainAbout("the shell analyser is not loaded");
      return;
    }
    if (!nested.complete) this.uncertainAbout(`the script given to ${wrapper} has a syntax error`);
    for (const reason of nested.uncertain) this.uncertainAbout(reason);
    this.substitutions.push(...nested.substitutions);
    for (const command of nested.commands) {
      this.commands.push(withRedirects(command, redirects));
    }
  }

  private record(
    words: readonly ShellWord[],
    assignments: readonly string[],
    redirects: readonly ShellRedirect[],
    ctx: Context,
    meta: { mustBeAllowed: boolean; via?: string; appended?: boolean; writes?: boolean },
  ): void {
    const texts = words.map((w) => w.value ?? w.raw);
    let staticWords = words.findIndex((w) => w.value === undefined);
    if (staticWords === -1) staticWords = words.length;
    this.commands.push({
      words: texts,
      staticWords,
      assignments,
      text: [...assignments, ...texts].join(" "),
      redirects,
      writesFile: (meta.writes ?? false) || redirects.some((r) => r.effect === "write"),
      via: meta.via ?? ctx.via,
      mustBeAllowed: meta.mustBeAllowed,
      argumentsAppended: meta.appended ?? false,
      inSubstitution: ctx.inSubstitution,
    });
  }
}

function withRedirects(command: SimpleCommand, redirects: readonly ShellRedirect[]): SimpleCommand {
  if (redirects.length === 0) return command;
  const all = [...redirects, ...command.redirects];
  return {
    ...command,
    redirects: all,
    writesFile: command.writesFile || all.some((r) => r.effect === "write"),
  };
}

function fieldOf(parent: SyntaxNode, child: SyntaxNode): string | null {
  for (let i = 0; i < parent.childCount; i++) {
    if (parent.child(i)?.id === child.id) return parent.fieldNameForChild(i);
  }
  return null;
}

function literalWord(value: string, node: SyntaxNode): ShellWord {
  return { value, raw: node.text, start: node.startIndex, end: node.endIndex, glob: false, tilde: false };
}

function describe(node: SyntaxNode): string {
  const text = node.text.length > 40 ? `${node.text.slice(0, 37)}…` : node.text;
  return `\`${text.replace(/\n/g, "⏎")}\``;
}

function strip(r: PendingRedirect): ShellRedirect {
  const { start: _start, hasFd: _hasFd, ...rest } = r;
  return rest;
}

function pending(
  node: SyntaxNode,
  r: Omit<ShellRedirect, "targetUnknown"> & { targetUnknown?: boolean },
): PendingRedirect {
  return { targetUnknown: false, ...r, start: node.startIndex, hasFd: r.fd !== undefined };
}

/** What a file redirection does, from its operator and target. */
function classify(operator: string, fd: string | undefined, target: ShellWord): ShellRedirect {
  const value = target.value;
  const targetUnknown = value === undefined || target.glob || (target.tilde && !/^~(?:\/|$)/.test(value));
  const base = { operator, fd, target: value, rawTarget: target.raw, targetUnknown };
  const isFd = value !== undefined && /^(?:\d+|-)$/.test(value);
  switch (operator) {
    case "<":
      return { ...base, effect: "read" };
    case "<&":
      return { ...base, effect: isFd ? "fd" : "read" };
    case ">&":
    // `>&2` duplicates a descriptor; `>&file` sends stdout and stderr into the file.
    case ">":
    case ">>":
    case ">|":
    case "&>":
    case "&>>":
      if (isFd && operator === ">&") return { ...base, effect: "fd" };
      return { ...base, effect: value !== undefined && HARMLESS_TARGETS.has(value) ? "fd" : "write" };
    default:
      // `<>` and anything new: assume it can write.
      return { ...base, effect: "write" };
  }
}

/** `/bin/rm` → `rm`: the name deny rules compare. */
export function commandBaseName(word: string): string {
  return word.includes("/") ? posix.basename(word) : word;
}
