import { compactNumber } from "./format.js";

/** One part of the context: the system prompt, tool definitions, memory files, the messages. */
export interface ContextPart {
  label: string;
  tokens: number;
}

/** Cells of the bar; each part is drawn with its own glyph, free space with `·`. */
export const BAR_WIDTH = 50;
const GLYPHS = ["█", "▓", "▒", "░", "▚"];

/**
 * How many cells each part gets in a bar of `width` cells for a window of `window` tokens: proportional,
 * at least one cell for a part that is not empty, never more than the bar (an over-full context fills it).
 */
export function barCells(parts: readonly ContextPart[], window: number, width = BAR_WIDTH): number[] {
  const cells = parts.map((p) =>
    p.tokens > 0 ? Math.max(1, Math.round((p.tokens / Math.max(1, window)) * width)) : 0,
  );
  // Rounding up small parts can overflow the bar: take the excess from the largest parts.
  let over = cells.reduce((a, b) => a + b, 0) - width;
  while (over > 0) {
    const i = cells.indexOf(Math.max(...cells));
    cells[i]!--;
    over--;
  }
  return cells;
}

/** `/context`: the bar, then one line per part with its tokens and share of the window. */
export function contextReport(parts: readonly ContextPart[], window: number, width = BAR_WIDTH): string {
  const cells = barCells(parts, window, width);
  const used = parts.reduce((a, p) => a + p.tokens, 0);
  const bar =
    cells.map((n, i) => GLYPHS[i % GLYPHS.length]!.repeat(n)).join("") +
    "·".repeat(Math.max(0, width - cells.reduce((a, b) => a + b, 0)));
  const pct = (n: number) => `${((n / Math.max(1, window)) * 100).toFixed(1)}%`;
  const labelWidth = Math.max(...parts.map((p) => p.label.length), "Free".length) + 1;
  return [
    `Context: ~${compactNumber(used)} of ${compactNumber(window)} tokens (${pct(used)})`,
    `  ${bar}`,
    ...parts.map(
      (p, i) =>
        `  ${GLYPHS[i % GLYPHS.length]} ${p.label.padEnd(labelWidth)} ~${compactNumber(p.tokens).padStart(6)}  ${pct(p.tokens)}`,
    ),
    `  · ${"Free".padEnd(labelWidth)} ~${compactNumber(Math.max(0, window - used)).padStart(6)}  ${pct(Math.max(0, window - used))}`,
    "  Estimates (about 4 characters a token); /compact frees the messages part.",
  ].join("\n");
}

/** The agent's own rough measure (src/agent/loop.ts estimates prompts the same way). */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
