// Loads tree-sitter-bash (a WebAssembly grammar) once per process. Loading is asynchronous, parsing is not:
// session setup awaits prepareShellAnalysis(), and permission decisions, which are synchronous, then parse
// at will. Until the grammar is loaded every Bash command needs approval (docs/security/bash-analysis.md).
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { Node, Parser as TreeSitterParser } from "web-tree-sitter";

export type { Node as SyntaxNode } from "web-tree-sitter";

let parser: TreeSitterParser | undefined;
let loading: Promise<void> | undefined;
let problem = "the shell analyser has not been loaded yet (prepareShellAnalysis was not awaited)";

/** Loads the bash grammar once; resolves when Bash commands can be analysed. Never rejects. */
export function prepareShellAnalysis(): Promise<void> {
  loading ??= load();
  return loading;
}

async function load(): Promise<void> {
  try {
    const { Parser, Language } = await import("web-tree-sitter");
    // Resolved through the package, so it is found from src/ under vitest and from dist/ when installed.
    const require = createRequire(import.meta.url);
    await Parser.init();
    // The production bundle carries the grammar beside itself (scripts/bundle.mjs); elsewhere the package has it.
    const beside = fileURLToPath(new URL("tree-sitter-bash.wasm", import.meta.url));
    const grammar = existsSync(beside) ? beside : require.resolve("tree-sitter-bash/tree-sitter-bash.wasm");
    const bash = await Language.load(grammar);
    const created = new Parser();
    created.setLanguage(bash);
    parser = created;
  } catch (err) {
    problem = `the shell analyser could not be loaded (${(err as Error).message}); reinstall Quarry`;
  }
}

/** Why commands cannot be analysed right now, or undefined once the grammar is loaded. */
export function shellAnalysisUnavailable(): string | undefined {
  return parser ? undefined : problem;
}

/**
 * Parses `source` and hands the syntax tree's root to `use`; the tree lives only during the call (its memory
 * is WebAssembly's, freed here). Returns undefined when the grammar is not loaded.
 */
export function withSyntaxTree<T>(source: string, use: (root: Node) => T): T | undefined {
  if (!parser) return undefined;
  const tree = parser.parse(source);
  if (!tree) return undefined;
  try {
    return use(tree.rootNode);
  } finally {
    tree.delete();
  }
}
