// Syntax highlighting for fenced code blocks, through emphasize (highlight.js grammars → ANSI). Loading it
// evaluates ~40 grammars (hundreds of ms), so it loads only when the first code fence appears, never at
// start-up; until then code shows plain. See docs/decisions/0015-tui-interaction.md.

type Emphasize = {
  highlight(lang: string, code: string): { value: string };
  registered(lang: string): boolean;
};

let emphasize: Emphasize | undefined;
let loading: Promise<void> | undefined;

/** Starts loading the highlighter (once); resolves when it is ready or failed to load. */
export function loadHighlighter(): Promise<void> {
  loading ??= import("emphasize")
    .then((m) => {
      emphasize = m.createEmphasize(m.common);
    })
    .catch(() => {
      // Highlighting is a nicety: a broken install shows plain code.
    });
  return loading;
}

/** True when text has a code fence, so a caller can start loading the highlighter ahead of time. */
export function hasCodeFence(text: string): boolean {
  return /^\s*```/m.test(text);
}

/** The code with ANSI colours when the highlighter is loaded and knows the language; else undefined. */
export function highlightCode(code: string, lang: string | undefined): string | undefined {
  if (!emphasize || !lang || !emphasize.registered(lang)) return undefined;
  try {
    return emphasize.highlight(lang, code).value;
  } catch {
    return undefined;
  }
}
