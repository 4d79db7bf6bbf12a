import type { PermissionRule } from "./rule.js";
import { type ParsedCommandLine, parseCommandLine, type SimpleCommand } from "./shell.js";
import { commandBaseName } from "./shell-analysis.js";

type BashRule = Extract<PermissionRule, { kind: "bash" }>;

/** A rule together with whatever the caller tracks about it (its source). */
export interface Ranked {
  readonly rule: PermissionRule;
}

/** Why allow rules do not cover a command line. */
export type UncoveredReason = "substitution" | "incomplete" | "uncertain" | "unavailable" | "uncovered";

/** Whether allow rules cover a whole command line, and if not, what is missing. */
export type BashCoverage<T extends Ranked> =
  | { readonly covered: true; readonly by: readonly T[] }
  | {
      readonly covered: false;
      readonly why: UncoveredReason;
      /** The simple commands no rule covers (for `uncovered`), or the whole line. */
      readonly uncovered: string[];
      /** What could not be classified with certainty (for `uncertain` and `unavailable`). */
      readonly doubts: string[];
      /** Files the line may write, as written (`~/.bashrc`, `$f`). */
      readonly writes: string[];
    };

/**
 * Allow rules cover a command line only if every command it runs is covered: `npm test && rm -rf /` is not
 * allowed by `Bash(npm test:*)`, nor is `timeout 5 rm x` (the command a wrapper runs is what must be
 * allowed). Command substitution is never covered, nor is anything the analyser cannot classify with
 * certainty; prefix and wildcard rules never cover a command that may write a file through a redirection.
 * An exact rule covers exactly its own text. Only a bare `Bash` rule allows everything.
 */
export function bashAllowCoverage<T extends Ranked>(command: string, allow: readonly T[]): BashCoverage<T> {
  const bare = allow.find((r) => r.rule.kind === "tool" && r.rule.tool === "Bash");
  if (bare) return { covered: true, by: [bare] };
  const bashRules = allow.filter((r): r is T & { rule: BashRule } => r.rule.kind === "bash");
  const parsed = parseCommandLine(command);
  const whole = [command];
  const writes = writtenFiles(parsed);
  const notCovered = (why: UncoveredReason, uncovered = whole, doubts: string[] = []) =>
    ({ covered: false, why, uncovered, doubts, writes }) as const;
  if (parsed.unavailable) return notCovered("unavailable", whole, [parsed.unavailable]);
  if (parsed.substitutions.length > 0) return notCovered("substitution");
  if (!parsed.complete) return notCovered("incomplete");
  const text = collapse(command);
  const exact = bashRules.find((r) => r.rule.match === "exact" && collapse(r.rule.pattern) === text);
  if (exact) return { covered: true, by: [exact] };
  if (parsed.uncertain.length > 0) return notCovered("uncertain", whole, [...parsed.uncertain]);
  const required = parsed.commands.filter((c) => c.mustBeAllowed);
  if (required.length === 0) return notCovered("uncovered");
  const by: T[] = [];
  const uncovered: string[] = [];
  for (const simple of required) {
    const rule = bashRules.find((r) => allowRuleCovers(r.rule, simple));
    if (rule) {
      if (!by.includes(rule)) by.push(rule);
    } else {
      const notes = [simple.via ? `run by ${simple.via}` : "", writesNote(simple)].filter((n) => n !== "");
      const shown = notes.length > 0 ? `${simple.text} (${notes.join(", ")})` : simple.text;
      if (!uncovered.includes(shown)) uncovered.push(shown);
    }
  }
  return uncovered.length === 0 ? { covered: true, by } : notCovered("uncovered", uncovered);
}

function writesNote(simple: SimpleCommand): string {
  const targets = simple.redirects.filter((r) => r.effect === "write").map((r) => r.rawTarget || r.operator);
  if (targets.length > 0) return `it writes ${targets.join(", ")}, which only an exact rule allows`;
  return simple.writesFile ? "it writes files, which only an exact rule allows" : "";
}

function writtenFiles(parsed: ParsedCommandLine): string[] {
  const out = new Set<string>();
  for (const c of parsed.commands) {
    for (const r of c.redirects) if (r.effect === "write") out.add(r.rawTarget);
  }
  return [...out];
}

function allowRuleCovers(rule: BashRule, simple: SimpleCommand): boolean {
  // Only an exact rule for the whole line covers a write: the line's own text then names the file.
  if (simple.writesFile) return false;
  const pattern = canonical(rule.pattern);
  const allStatic = simple.staticWords === simple.words.length;
  const known = [...simple.assignments, ...simple.words.slice(0, simple.staticWords)].join(" ");
  const startsWithWords = (prefix: string) => known === prefix || known.startsWith(`${prefix} `);
  switch (rule.match) {
    case "exact":
      // `Bash(cat)` names `cat` alone, not `cat < ~/.ssh/id_rsa`.
      if (simple.redirects.some((r) => r.effect === "read")) return false;
      return allStatic && !simple.argumentsAppended && simple.text === pattern;
    case "prefix":
      // Words known only at run time may follow the prefix (`:*` allows any arguments), never form it.
      return allStatic ? startsWithWords(pattern) || simple.text === pattern : startsWithWords(pattern);
    case "wildcard": {
      if (!wildcardRegExp(pattern).test(simple.text)) return false;
      if (allStatic && !simple.argumentsAppended) return true;
      // Unknown or appended words must fall under a trailing `*`, after the literal start of the pattern.
      const literal = pattern.slice(0, pattern.indexOf("*")).trimEnd();
      return pattern.endsWith("*") && literal !== "" && startsWithWords(literal);
    }
  }
}

/** Whether a deny rule may apply to a command line; `uncertain` when it cannot be known before it runs. */
export type BashDenyResult<T extends Ranked> =
  | { readonly kind: "denied"; readonly by: T }
  | { readonly kind: "uncertain"; readonly doubts: readonly string[] }
  | undefined;

/**
 * The first deny rule matching any part of the command line. Deny rules look further than allow rules:
 * inside substitutions, `sh -c '…'` and `eval`, past wrappers (`sudo`, `env`, `xargs`, `find -exec`…) and
 * leading `VAR=value` assignments, and at `/bin/rm` as `rm`.
 */
export function bashDenyMatch<T extends Ranked>(command: string, deny: readonly T[]): T | undefined {
  const result = bashDenyCheck(command, deny);
  return result?.kind === "denied" ? result.by : undefined;
}

/**
 * Like bashDenyMatch, and also says when a deny rule could match only once the command runs (`rm $flags`
 * against `Bash(rm -rf:*)`, `$cmd x`, a syntax error), so even bypassPermissions asks instead of running it.
 */
export function bashDenyCheck<T extends Ranked>(command: string, deny: readonly T[]): BashDenyResult<T> {
  const relevant = deny.filter(
    (r) => (r.rule.kind === "tool" && r.rule.tool === "Bash") || r.rule.kind === "bash",
  );
  if (relevant.length === 0) return undefined;
  const bare = relevant.find((r) => r.rule.kind === "tool");
  if (bare) return { kind: "denied", by: bare };
  const parsed = parseCommandLine(command);
  const texts = new Set([collapse(command)]);
  const partial: SimpleCommand[] = [];
  for (const simple of parsed.commands) {
    for (const t of denyTexts(simple)) texts.add(t);
    if (simple.staticWords < simple.words.length) partial.push(simple);
  }
  const hit = relevant.find((r) => [...texts].some((t) => ruleMatchesText(r.rule as BashRule, t)));
  if (hit) return { kind: "denied", by: hit };
  const doubts = [...parsed.uncertain];
  if (!parsed.complete) doubts.push("it has a syntax error, so what it runs is not known");
  for (const simple of partial) {
    const maybe = relevant.find((r) => mightMatch(r.rule as BashRule, simple));
    if (maybe) doubts.push(`\`${simple.text}\` may match ${maybe.rule.text} once its words are expanded`);
  }
  return doubts.length > 0 ? { kind: "uncertain", doubts } : undefined;
}

/** The forms of a simple command deny rules are matched against. */
function denyTexts(simple: SimpleCommand): string[] {
  const out = [simple.text, simple.words.join(" ")];
  const [first, ...rest] = simple.words;
  if (first?.includes("/")) out.push([commandBaseName(first), ...rest].join(" "));
  return out;
}

/** True when the words known before running could still begin a text the rule matches. */
function mightMatch(rule: BashRule, simple: SimpleCommand): boolean {
  const words = simple.words.slice(0, simple.staticWords);
  if (words.length === 0) return true;
  const named = [commandBaseName(words[0]!), ...words.slice(1)].join(" ");
  const pattern = canonical(rule.pattern);
  const literal = (rule.match === "wildcard" ? pattern.slice(0, pattern.indexOf("*")) : pattern).trimEnd();
  const within = (long: string, short: string) => long === short || long.startsWith(`${short} `);
  return [words.join(" "), named].some((known) => within(literal, known) || within(known, literal));
}

function ruleMatchesText(rule: BashRule, text: string): boolean {
  const pattern = canonical(rule.pattern);
  switch (rule.match) {
    case "exact":
      return text === pattern;
    case "prefix":
      return text === pattern || text.startsWith(`${pattern} `);
    case "wildcard":
      return wildcardRegExp(pattern).test(text);
  }
}

// `Bash(ls *)` matches `ls` as well as `ls -la`, as in Claude Code; `*` elsewhere matches any characters.
const wildcardCache = new Map<string, RegExp>();

function wildcardRegExp(pattern: string): RegExp {
  const cached = wildcardCache.get(pattern);
  if (cached) return cached;
  const parts = pattern.split("*").map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  let source = parts.join(".*");
  if (pattern.endsWith(" *")) source = `${source.slice(0, -" .*".length)}(?: .*)?`;
  const regex = new RegExp(`^${source}$`, "s");
  wildcardCache.set(pattern, regex);
  return regex;
}

const canonicalCache = new Map<string, string>();

/** A rule's pattern in the same form as parsed commands: quotes removed, single spaces. */
function canonical(pattern: string): string {
  const cached = canonicalCache.get(pattern);
  if (cached !== undefined) return cached;
  const parsed = parseCommandLine(pattern);
  if (parsed.unavailable) return collapse(pattern);
  const top = parsed.commands.filter((c) => c.via === undefined && !c.inSubstitution);
  const result =
    top.length === 1 && parsed.complete && top[0]!.staticWords === top[0]!.words.length
      ? top[0]!.text
      : collapse(pattern);
  canonicalCache.set(pattern, result);
  return result;
}

/** Trims and collapses spaces and tabs, but keeps newlines: `echo\nrm -rf /` is two commands, not one. */
export function collapse(text: string): string {
  return text.trim().replace(/[ \t]+/g, " ");
}
