import type { ToolResultBlock } from "../model/types.js";

/**
 * Tool output is budgeted per turn across all parallel calls (docs/decisions/0012-fault-handling.md): one
 * huge result, or a thousand small ones, must not overflow the context window. Each result is capped, the
 * turn's total is shared fairly (small results stay whole, large ones share what is left), and every cut
 * result says what was cut and how to get the rest.
 */

/** About 25k tokens, like Claude Code's per-result cap. */
export const MAX_RESULT_CHARS = 100_000;
/** The share of the context window one turn's tool results may fill. */
const TURN_SHARE = 0.25;
const CHARS_PER_TOKEN = 4;
/** No result is cut below this, so each still says something. */
const MIN_RESULT_CHARS = 50;
/** Room kept for the note a cut result carries, so notes do not break the budget. */
const NOTE_RESERVE = 150;

/** The character budget for one turn's results in a window of `contextWindow` tokens. */
export function turnBudgetChars(contextWindow: number): number {
  return Math.max(MIN_RESULT_CHARS, Math.floor(contextWindow * CHARS_PER_TOKEN * TURN_SHARE));
}

/** Caps results to the budget; returns the same blocks when everything fits. */
export function budgetToolResults(results: ToolResultBlock[], totalChars: number): ToolResultBlock[] {
  const sizes = results.map((r) => textOf(r).length);
  const allowance = fairShares(
    sizes.map((n) => (n > MAX_RESULT_CHARS ? MAX_RESULT_CHARS - NOTE_RESERVE : n)),
    totalChars,
  );
  return results.map((r, i) => {
    const size = sizes[i]!;
    const allowed = allowance[i]!;
    if (size <= allowed) return r;
    const why =
      allowed >= MAX_RESULT_CHARS - NOTE_RESERVE
        ? `limit ${MAX_RESULT_CHARS} per result`
        : `${results.length} results share ${totalChars} this turn`;
    const note = `\n[Output cut: showed ${allowed} of ${size} characters (${why}); ask for less per call.]`;
    return { ...r, content: textOf(r).slice(0, allowed) + note };
  });
}

/** Water-filling: results under the fair share keep their size, the rest split what remains equally. */
function fairShares(sizes: number[], total: number): number[] {
  const out = new Array<number>(sizes.length).fill(0);
  let remaining = total;
  let open = sizes.map((_, i) => i).sort((a, b) => sizes[a]! - sizes[b]!);
  while (open.length > 0) {
    const share = Math.floor(remaining / open.length);
    const smallest = open[0]!;
    if (sizes[smallest]! > share) {
      for (const i of open) out[i] = Math.max(MIN_RESULT_CHARS, share - NOTE_RESERVE);
      break;
    }
    out[smallest] = sizes[smallest]!;
    remaining -= sizes[smallest]!;
    open = open.slice(1);
  }
  return out;
}

function textOf(r: ToolResultBlock): string {
  return typeof r.content === "string"
    ? r.content
    : r.content.map((c) => (c.type === "text" ? c.text : "")).join("");
}
