// Commands that run another command given in their arguments (`sudo rm x`, `timeout 5 npm test`,
// `find . -exec rm {} ;`, `bash -c '…'`, `eval …`). Allow rules must cover the command that really runs, so
// the analyser looks through these; when their own options cannot be read with certainty it says so.
import { posix } from "node:path";
import type { ShellWord } from "./shell-words.js";

/** A command a wrapper runs, with the environment assignments it adds (`env FOO=1 cmd`). */
export interface InnerCommand {
  readonly words: readonly ShellWord[];
  readonly assignments: readonly string[];
  /** The wrapper adds arguments at run time (xargs, `find -exec … +`); exact rules never cover it. */
  readonly appended: boolean;
}

/** What a wrapper runs, as far as can be known before running it. */
export type Unwrapped =
  | { readonly kind: "plain" }
  | {
      readonly kind: "wraps";
      readonly wrapper: string;
      /** True when the wrapper does work of its own (sudo changes user, find deletes…): a rule must cover it too. */
      readonly outerMustBeAllowed: boolean;
      readonly inner: readonly InnerCommand[];
      /** Scripts given as text (`sh -c`, `eval`), analysed like a command line of their own. */
      readonly scripts: readonly string[];
      /** The wrapper writes files itself (`find -fprint`). */
      readonly writes: boolean;
    }
  | { readonly kind: "uncertain"; readonly reason: string };

interface OptionSpec {
  /** Short letters and long names that take no value. */
  readonly flags: readonly string[];
  /** Short letters and long names that take a value (attached or as the next word). */
  readonly values: readonly string[];
  /** Letters that take the rest of the word as an optional value (`xargs -i{}`). */
  readonly optional?: readonly string[];
}

const SHELLS = new Set(["sh", "bash", "dash", "zsh", "ksh", "ash", "mksh"]);

const SIMPLE: Record<string, OptionSpec & { outer: boolean }> = {
  command: { flags: ["p", "v", "V"], values: [], outer: false },
  builtin: { flags: [], values: [], outer: false },
  exec: { flags: ["c", "l"], values: ["a"], outer: false },
  nohup: { flags: [], values: [], outer: false },
  time: { flags: ["p"], values: [], outer: false },
  nice: { flags: [], values: ["n", "adjustment"], outer: false },
  stdbuf: { flags: [], values: ["i", "o", "e", "input", "output", "error"], outer: false },
  busybox: { flags: [], values: [], outer: false },
};

/** Looks through a wrapper; `plain` when the command is not one. */
export function unwrapCommand(words: readonly ShellWord[], appended: boolean): Unwrapped {
  const first = words[0];
  if (!first?.value) return { kind: "plain" };
  const name = posix.basename(first.value);
  const isWrapper =
    name in SIMPLE ||
    SHELLS.has(name) ||
    ["env", "timeout", "xargs", "find", "sudo", "doas", "eval", "coproc"].includes(name);
  if (!isWrapper) return { kind: "plain" };
  // The wrapper's own words decide what runs: anything only known at run time there could name the command.
  if (appended) {
    return uncertain(`${name} would be given arguments only known at run time (by xargs or find)`);
  }
  try {
    return unwrapKnown(name, words);
  } catch (err) {
    if (err instanceof Uncertain) return uncertain(err.message);
    throw err;
  }
}

class Uncertain extends Error {}

function uncertain(reason: string): Unwrapped {
  return { kind: "uncertain", reason };
}

function staticValue(word: ShellWord | undefined, what: string): string {
  if (word === undefined) throw new Uncertain(`${what} is missing`);
  if (word.value === undefined || word.glob) {
    throw new Uncertain(`${what} \`${word.raw}\` is only known at run time`);
  }
  return word.value;
}

/** Skips options from index `i`; returns the index of the first operand and the options seen. */
function skipOptions(
  words: readonly ShellWord[],
  i: number,
  spec: OptionSpec,
  name: string,
): { next: number; seen: Map<string, string> } {
  const seen = new Map<string, string>();
  while (i < words.length) {
    const word = staticValue(words[i], `an argument of ${name}`);
    if (word === "--") return { next: i + 1, seen };
    if (word.startsWith("--") && word.length > 2) {
      const eq = word.indexOf("=");
      const long = word.slice(2, eq === -1 ? undefined : eq);
      if (spec.values.includes(long)) {
        if (eq === -1) {
          seen.set(long, staticValue(words[i + 1], `the value of ${word}`));
          i += 2;
        } else {
          seen.set(long, word.slice(eq + 1));
          i++;
        }
      } else if (spec.flags.includes(long) && eq === -1) {
        seen.set(long, "");
        i++;
      } else {
        throw new Uncertain(`${name} option ${word} is not understood`);
      }
      continue;
    }
    if (!word.startsWith("-") || word === "-") return { next: i, seen };
    if (name === "nice" && /^-\d+$/.test(word)) {
      i++;
      continue;
    }
    let consumedNext = false;
    for (let j = 1; j < word.length; j++) {
      const letter = word[j]!;
      if (spec.optional?.includes(letter)) {
        seen.set(letter, word.slice(j + 1));
        break;
      }
      if (spec.values.includes(letter)) {
        const rest = word.slice(j + 1);
        if (rest === "") {
          seen.set(letter, staticValue(words[i + 1], `the value of -${letter}`));
          consumedNext = true;
        } else {
          seen.set(letter, rest);
        }
        break;
      }
      if (!spec.flags.includes(letter)) throw new Uncertain(`${name} option -${letter} is not understood`);
      seen.set(letter, "");
    }
    i += consumedNext ? 2 : 1;
  }
  return { next: i, seen };
}

function wraps(
  wrapper: string,
  inner: InnerCommand[],
  options: { outer?: boolean; scripts?: string[]; writes?: boolean } = {},
): Unwrapped {
  return {
    kind: "wraps",
    wrapper,
    outerMustBeAllowed: options.outer ?? false,
    inner,
    scripts: options.scripts ?? [],
    writes: options.writes ?? false,
  };
}

function innerFrom(
  words: readonly ShellWord[],
  assignments: string[] = [],
  appended = false,
): InnerCommand[] {
  return words.length === 0 ? [] : [{ words, assignments, appended }];
}

/** Leading `NAME=value` words (env, sudo); they change the inner command's environment. */
function takeAssignments(words: readonly ShellWord[], i: number, name: string): [string[], number] {
  const assignments: string[] = [];
  while (i < words.length && /^[A-Za-z_]\w*=/.test(words[i]!.value ?? words[i]!.raw)) {
    assignments.push(staticValue(words[i], `an assignment given to ${name}`));
    i++;
  }
  return [assignments, i];
}

function unwrapKnown(name: string, words: readonly ShellWord[]): Unwrapped {
  const simple = SIMPLE[name];
  if (simple) {
    const { next } = skipOptions(words, 1, simple, name);
    return wraps(name, innerFrom(words.slice(next)), { outer: simple.outer });
  }
  if (SHELLS.has(name)) return unwrapShell(name, words);
  switch (name) {
    case "eval": {
      const script = words.slice(1).map((w, i) => staticValue(w, `argument ${i + 1} of eval`));
      return wraps(name, [], { scripts: script.length > 0 ? [script.join(" ")] : [] });
    }
    case "env": {
      const spec = {
        flags: ["i", "0", "v", "ignore-environment", "null", "debug"],
        values: ["u", "unset", "C", "chdir"],
      };
      const { next } = skipOptions(words, 1, spec, name);
      const [assignments, at] = takeAssignments(words, next, name);
      return wraps(name, innerFrom(words.slice(at), assignments));
    }
    case "timeout": {
      const spec = {
        flags: ["v", "verbose", "preserve-status", "foreground"],
        values: ["s", "k", "signal", "kill-after"],
      };
      const { next } = skipOptions(words, 1, spec, name);
      staticValue(words[next], "the duration given to timeout");
      return wraps(name, innerFrom(words.slice(next + 1)));
    }
    case "xargs":
      return unwrapXargs(words);
    case "find":
      return unwrapFind(words);
    case "sudo": {
      const spec = {
        flags: ["A", "b", "E", "H", "K", "k", "n", "P", "S", "B", "N", "preserve-env", "non-interactive"],
        values: ["C", "D", "g", "h", "p", "R", "r", "t", "T", "U", "u", "user", "group", "chdir", "prompt"],
      };
      const { next } = skipOptions(words, 1, spec, name);
      const [assignments, at] = takeAssignments(words, next, name);
      return wraps(name, innerFrom(words.slice(at), assignments), { outer: true });
    }
    case "doas": {
      const { next } = skipOptions(words, 1, { flags: ["n"], values: ["u"] }, name);
      return wraps(name, innerFrom(words.slice(next)), { outer: true });
    }
    default:
      throw new Uncertain(`${name} runs commands in ways that are not analysed`);
  }
}

// `bash -c 'script'`: the script is what runs. Without -c the shell runs a file or stdin, a command of its own.
function unwrapShell(name: string, words: readonly ShellWord[]): Unwrapped {
  let script: string | undefined;
  let wantsScript = false;
  let i = 1;
  for (; i < words.length; i++) {
    const word = staticValue(words[i], `an argument of ${name}`);
    if (wantsScript) {
      script = word;
      break;
    }
    if (word === "--" || word === "-") {
      i++;
      break;
    }
    if (["--norc", "--noprofile", "--posix", "--login", "--noediting", "--restricted"].includes(word))
      continue;
    if (word === "--rcfile" || word === "--init-file")
      throw new Uncertain(`${name} ${word} runs another file`);
    if (/^[-+][oO]$/.test(word)) {
      staticValue(words[++i], `the value of ${word}`);
      continue;
    }
    if (/^[-+][a-zA-Z]+$/.test(word)) {
      if (!/^[-+][abefhklmnptuvxBCEHPTcis]+$/.test(word)) {
        throw new Uncertain(`${name} option ${word} is not understood`);
      }
      if (word.startsWith("-") && word.includes("c")) wantsScript = true;
      continue;
    }
    break;
  }
  if (wantsScript) {
    if (script === undefined) throw new Uncertain(`${name} -c is given no script`);
    return wraps(name, [], { scripts: [script] });
  }
  return { kind: "plain" };
}

function unwrapXargs(words: readonly ShellWord[]): Unwrapped {
  const spec = {
    flags: [
      "0",
      "r",
      "t",
      "p",
      "x",
      "o",
      "null",
      "no-run-if-empty",
      "verbose",
      "interactive",
      "exit",
      "open-tty",
    ],
    values: ["a", "d", "E", "I", "L", "n", "P", "s", "arg-file", "delimiter", "eof", "max-lines", "max-args"],
    optional: ["i", "l", "e"],
  };
  const { next, seen } = skipOptions(words, 1, spec, "xargs");
  // With -I/-i the replacement text may stand anywhere, even for the command name.
  const replace = seen.get("I") ?? (seen.has("i") ? seen.get("i") || "{}" : undefined);
  let inner = words.slice(next);
  if (replace !== undefined) {
    inner = inner.map((w) => (w.value?.includes(replace) ? { ...w, value: undefined } : w));
  }
  if (inner.length === 0) {
    const echo: ShellWord = { value: "echo", raw: "echo", start: -1, end: -1, glob: false, tilde: false };
    inner = [echo];
  }
  return wraps("xargs", innerFrom(inner, [], true));
}

const FIND_EXEC = new Set(["-exec", "-execdir", "-ok", "-okdir"]);
const FIND_WRITES = new Set(["-fprint", "-fprint0", "-fprintf", "-fls"]);

function unwrapFind(words: readonly ShellWord[]): Unwrapped {
  const inner: InnerCommand[] = [];
  let writes = false;
  for (let i = 1; i < words.length; i++) {
    const word = staticValue(words[i], "an argument of find");
    if (FIND_WRITES.has(word)) writes = true;
    if (!FIND_EXEC.has(word)) continue;
    const start = i + 1;
    let end = start;
    while (end < words.length && words[end]!.value !== ";" && words[end]!.value !== "+") end++;
    if (end >= words.length) throw new Uncertain(`find ${word} is not ended by ; or +`);
    const command = words.slice(start, end).map((w) => (w.value === "{}" ? { ...w, value: undefined } : w));
    if (command.length === 0) throw new Uncertain(`find ${word} is given no command`);
    inner.push({ words: command, assignments: [], appended: words[end]!.value === "+" });
    i = end;
  }
  return wraps("find", inner, { outer: true, writes });
}
