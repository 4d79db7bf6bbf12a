// What a Bash command line runs, read by a real shell grammar (tree-sitter-bash, see
// docs/decisions/0007-shell-parser.md). This is the entry point for the permission rules; the reading itself
// is in shell-analysis.ts, and docs/security/bash-analysis.md says what it guarantees.
import { analyseShell, type ShellAnalysis } from "./shell-analysis.js";
import { shellAnalysisUnavailable } from "./shell-parser.js";

export type { RedirectEffect, ShellAnalysis, ShellRedirect, SimpleCommand } from "./shell-analysis.js";
export { prepareShellAnalysis } from "./shell-parser.js";

/** A command line's analysis; `unavailable` says why there is none (the grammar is not loaded). */
export interface ParsedCommandLine extends ShellAnalysis {
  readonly unavailable?: string;
}

/** Analyses a command line; never throws. Until prepareShellAnalysis() has resolved, nothing is certain. */
export function parseCommandLine(input: string): ParsedCommandLine {
  const analysis = analyseShell(input);
  if (analysis) return analysis;
  const why = shellAnalysisUnavailable() ?? "the shell analyser is not loaded";
  return { commands: [], substitutions: [], complete: false, uncertain: [why], unavailable: why };
}

/** True when the command line substitutes commands (`$(…)`, backticks, `<(…)`, `>(…)`, `$((…))`). */
export function hasSubstitution(parsed: ParsedCommandLine): boolean {
  return parsed.substitutions.length > 0;
}
