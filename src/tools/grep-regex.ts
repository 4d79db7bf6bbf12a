/** Compiles a ripgrep-style pattern as a JavaScript RegExp, or returns why it cannot. */
export function compilePattern(pattern: string, caseInsensitive: boolean): RegExp | string {
  let source = pattern;
  let flags = caseInsensitive ? "i" : "";
  // Rust's inline case flag at the start is common in rg patterns; JavaScript only has it as a flag.
  if (source.startsWith("(?i)")) {
    source = source.slice(4);
    if (!flags.includes("i")) flags += "i";
  }
  try {
    // Unicode mode matches ripgrep (\w, . over code points), but rejects escapes like \- outside classes.
    return new RegExp(source, `${flags}u`);
  } catch {
    try {
      return new RegExp(source, flags);
    } catch (error) {
      return `Invalid regular expression ${JSON.stringify(pattern)}: ${(error as Error).message}`;
    }
  }
}
