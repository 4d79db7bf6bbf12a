import { posix } from "node:path";
import type { PermissionRule } from "./rule.js";
import { parseCommandLine, type SimpleCommand } from "./shell.js";

type BashRule = Extract<PermissionRule, { kind: "bash" }>;

/** A rule together with whatever the caller tracks about it (its source). */
export interface Ranked {
  readonly rule: PermissionRule;
}

/** Whether allow rules cover a whole command line, and if not, what is missing. */
export type BashCoverage<T extends Ranked> =
  | { readonly covered: true; readonly by: readonly T[] }
  | {
      readonly covered: false;
      readonly why: "substitution" | "incomplete" | "uncovered";
      readonly uncovered: string[];
    };

/**
 * Allow rules cover a command line only if every simple command in it is covered: `npm test && rm -rf /`
 * is not allowed by `Bash(npm test:*)`. Command substitution is never covered (its output becomes part of
 * the command), and prefix or wildcard rules never cover a command that redirects output into a file.
 * Only a bare `Bash` rule allows everything.
 */
export function bashAllowCoverage<T extends Ranked>(command: string, allow: readonly T[]): BashCoverage<T> {
  const bare = allow.find((r) => r.rule.kind === "tool" && r.rule.tool === "Bash");
  if (bare) return { covered: true, by: [bare] };
  const bashRules = allow.filter((r): r is T & { rule: BashRule } => r.rule.kind === "bash");
  const parsed = parseCommandLine(command);
  if (parsed.substitutions.length > 0) return { covered: false, why: "substitution", uncovered: [command] };
  if (!parsed.complete) return { covered: false, why: "incomplete", uncovered: [command] };
  const whole = collapse(command);
  const exact = bashRules.find((r) => r.rule.match === "exact" && collapse(r.rule.pattern) === whole);
  if (exact) return { covered: true, by: [exact] };
  if (parsed.commands.length === 0) return { covered: false, why: "uncovered", uncovered: [command] };
  const by: T[] = [];
  const uncovered: string[] = [];
  for (const simple of parsed.commands) {
    const rule = bashRules.find((r) => allowRuleCovers(r.rule, simple));
    if (rule) {
      if (!by.includes(rule)) by.push(rule);
    } else {
      uncovered.push(simple.text);
    }
  }
  return uncovered.length === 0 ? { covered: true, by } : { covered: false, why: "uncovered", uncovered };
}

function allowRuleCovers(rule: BashRule, simple: SimpleCommand): boolean {
  if (rule.match !== "exact" && simple.writesFile) return false;
  return ruleMatchesText(rule, simple.text);
}

/**
 * The first deny rule matching any part of the command line. Deny rules look further than allow rules:
 * inside substitutions, `sh -c '…'` and `eval`, past `sudo`/`env`/`nohup`-style wrappers and leading
 * `VAR=value` assignments, and at `/bin/rm` as `rm`.
 */
export function bashDenyMatch<T extends Ranked>(command: string, deny: readonly T[]): T | undefined {
  const relevant = deny.filter(
    (r) => (r.rule.kind === "tool" && r.rule.tool === "Bash") || r.rule.kind === "bash",
  );
  if (relevant.length === 0) return undefined;
  const texts = denyCandidates(command, 0);
  return relevant.find(
    (r) => r.rule.kind === "tool" || [...texts].some((t) => ruleMatchesText(r.rule as BashRule, t)),
  );
}

const WRAPPERS = new Set([
  "sudo",
  "doas",
  "command",
  "builtin",
  "exec",
  "nohup",
  "time",
  "env",
  "nice",
  "xargs",
]);
const SHELLS = new Set(["sh", "bash", "zsh", "dash", "ksh"]);

function denyCandidates(command: string, depth: number): Set<string> {
  const out = new Set<string>([collapse(command)]);
  if (depth > 4) return out;
  const parsed = parseCommandLine(command);
  for (const simple of parsed.commands) {
    let words = [...simple.words];
    for (let guard = 0; guard < 10 && words.length > 0; guard++) {
      const first = words[0]!;
      out.add(words.join(" "));
      if (first.includes("/")) out.add([posix.basename(first), ...words.slice(1)].join(" "));
      const name = posix.basename(first);
      if (SHELLS.has(name)) {
        const flag = words.findIndex((w, i) => i > 0 && /^-[a-z]*c[a-z]*$/.test(w));
        const script = flag === -1 ? undefined : words[flag + 1];
        if (script !== undefined) for (const t of denyCandidates(script, depth + 1)) out.add(t);
      }
      if (name === "eval") for (const t of denyCandidates(words.slice(1).join(" "), depth + 1)) out.add(t);
      if (/^[A-Za-z_]\w*=/.test(first)) {
        words = words.slice(1);
      } else if (WRAPPERS.has(name) || name === "timeout") {
        words = words.slice(1);
        while (words[0]?.startsWith("-")) words = words.slice(1);
        if (name === "timeout" && /^\d/.test(words[0] ?? "")) words = words.slice(1);
      } else {
        break;
      }
    }
  }
  for (const body of parsed.substitutions) for (const t of denyCandidates(body, depth + 1)) out.add(t);
  return out;
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
function wildcardRegExp(pattern: string): RegExp {
  const parts = pattern.split("*").map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  let source = parts.join(".*");
  if (pattern.endsWith(" *")) source = `${source.slice(0, -" .*".length)}(?: .*)?`;
  return new RegExp(`^${source}$`, "s");
}

/** A rule's pattern in the same form as parsed commands: quotes removed, single spaces. */
function canonical(pattern: string): string {
  const parsed = parseCommandLine(pattern);
  return parsed.commands.length === 1 && parsed.complete ? parsed.commands[0]!.text : collapse(pattern);
}

/** Trims and collapses spaces and tabs, but keeps newlines: `echo\nrm -rf /` is two commands, not one. */
export function collapse(text: string): string {
  return text.trim().replace(/[ \t]+/g, " ");
}
