// A small, conservative reading of a POSIX shell command: enough to tell which simple commands a line
// runs, whether it substitutes commands, and whether it redirects output into a file. It is not a shell;
// when in doubt it reports something that makes allow rules fail to match (the user is then asked).

/** One simple command of a command line, with quotes removed and words joined by single spaces. */
export interface SimpleCommand {
  readonly words: readonly string[];
  readonly text: string;
  /** `>`/`>>` into something other than /dev/null or a file descriptor. */
  readonly writesFile: boolean;
}

/** What a command line runs. */
export interface ParsedCommandLine {
  /** The simple commands separated by `&&`, `||`, `;`, `|`, `&`, newlines and subshell parentheses. */
  readonly commands: readonly SimpleCommand[];
  /** Bodies of `$(…)`, backticks, `<(…)` and `>(…)`, for deny rules to inspect. */
  readonly substitutions: readonly string[];
  /** False when a quote or substitution is never closed. */
  readonly complete: boolean;
}

// Words that open or close a compound command; they are dropped so `if rm x; then …` is seen as `rm x`.
const LEADING_KEYWORDS = new Set(["if", "then", "else", "elif", "while", "until", "do", "!", "{", "time"]);
const CLOSING_KEYWORDS = new Set(["fi", "done", "}", "esac"]);

/** Parses a command line into simple commands; never throws. */
export function parseCommandLine(input: string): ParsedCommandLine {
  const commands: SimpleCommand[] = [];
  const substitutions: string[] = [];
  let complete = true;
  let words: string[] = [];
  let word = "";
  let inWord = false;
  let writesFile = false;
  let redirect: "out" | "dup" | "other" | undefined;

  const endWord = (): void => {
    if (!inWord) return;
    if (redirect !== undefined) {
      if (redirect === "out" && word !== "/dev/null") writesFile = true;
      if (redirect === "dup" && !/^(?:\d+|-)$/.test(word)) writesFile = true;
      redirect = undefined;
    }
    words.push(word);
    word = "";
    inWord = false;
  };
  const endCommand = (): void => {
    endWord();
    while (words.length > 0 && LEADING_KEYWORDS.has(words[0]!)) words.shift();
    if (words.length === 1 && CLOSING_KEYWORDS.has(words[0]!)) words = [];
    if (words.length > 0) commands.push({ words, text: words.join(" "), writesFile });
    words = [];
    writesFile = false;
    redirect = undefined;
  };
  // Reads a balanced `(…)` body starting after the opening parenthesis; returns the index of `)`.
  const readParenBody = (start: number): number => {
    let depth = 1;
    for (let j = start; j < input.length; j++) {
      const d = input[j];
      if (d === "\\") j++;
      else if (d === "'") {
        const close = input.indexOf("'", j + 1);
        if (close === -1) return -1;
        j = close;
      } else if (d === "(") depth++;
      else if (d === ")" && --depth === 0) return j;
    }
    return -1;
  };
  const readSubstitution = (bodyStart: number): number => {
    const close = readParenBody(bodyStart);
    if (close === -1) {
      complete = false;
      substitutions.push(input.slice(bodyStart));
      return input.length;
    }
    substitutions.push(input.slice(bodyStart, close));
    return close;
  };
  const readBackticks = (start: number): number => {
    let j = start + 1;
    while (j < input.length && input[j] !== "`") j += input[j] === "\\" ? 2 : 1;
    substitutions.push(input.slice(start + 1, Math.min(j, input.length)));
    if (j >= input.length) complete = false;
    return j;
  };

  for (let i = 0; i < input.length; i++) {
    const c = input[i]!;
    const next = input[i + 1];
    if (c === "\\") {
      if (next === "\n") {
        i++;
        continue;
      }
      if (next !== undefined) word += next;
      inWord = true;
      i++;
    } else if (c === "'") {
      const close = input.indexOf("'", i + 1);
      if (close === -1) {
        complete = false;
        word += input.slice(i + 1);
        i = input.length;
      } else {
        word += input.slice(i + 1, close);
        i = close;
      }
      inWord = true;
    } else if (c === '"') {
      inWord = true;
      let j = i + 1;
      for (; j < input.length && input[j] !== '"'; j++) {
        const d = input[j];
        if (d === "\\" && j + 1 < input.length && '"\\$`\n'.includes(input[j + 1]!)) {
          if (input[j + 1] !== "\n") word += input[j + 1];
          j++;
        } else if (d === "$" && input[j + 1] === "(") {
          const close = readSubstitution(j + 2);
          word += input.slice(j, close + 1);
          j = close;
        } else if (d === "`") {
          const close = readBackticks(j);
          word += input.slice(j, close + 1);
          j = close;
        } else {
          word += d;
        }
      }
      if (j >= input.length) complete = false;
      i = j;
    } else if (c === "$" && next === "(") {
      const close = readSubstitution(i + 2);
      word += input.slice(i, close + 1);
      inWord = true;
      i = close;
    } else if (c === "`") {
      const close = readBackticks(i);
      word += input.slice(i, close + 1);
      inWord = true;
      i = close;
    } else if ((c === "<" || c === ">") && next === "(") {
      endWord();
      const close = readSubstitution(i + 2);
      words.push(input.slice(i, close + 1));
      i = close;
    } else if (c === "#" && !inWord) {
      const newline = input.indexOf("\n", i);
      i = newline === -1 ? input.length : newline - 1;
    } else if (c === " " || c === "\t") {
      endWord();
    } else if (c === "\n" || c === ";" || c === "(" || c === ")") {
      endCommand();
    } else if (c === "|") {
      endCommand();
      if (next === "|" || next === "&") i++;
    } else if (c === "&") {
      if (next === ">") {
        // `&>file` and `&>>file` send both streams to a file.
        endWord();
        const op = input[i + 2] === ">" ? "&>>" : "&>";
        i += op.length - 1;
        words.push(op);
        redirect = "out";
      } else {
        endCommand();
        if (next === "&") i++;
      }
    } else if (c === ">" || c === "<") {
      // A number glued to the operator is a file descriptor (`2>`), not an argument.
      const fd = inWord && /^\d+$/.test(word) ? word : "";
      if (fd !== "") {
        word = "";
        inWord = false;
      } else {
        endWord();
      }
      let op = c;
      while (i + 1 < input.length && ">&|<".includes(input[i + 1]!) && op.length < 3) op += input[++i];
      words.push(fd + op);
      redirect = c === "<" ? "other" : op.endsWith("&") ? "dup" : "out";
    } else {
      word += c;
      inWord = true;
    }
  }
  endCommand();
  return { commands, substitutions, complete };
}

/** True when the command line substitutes commands (`$(…)`, backticks, `<(…)`, `>(…)`). */
export function hasSubstitution(parsed: ParsedCommandLine): boolean {
  return parsed.substitutions.length > 0;
}
