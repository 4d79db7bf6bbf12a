/** How many characters of text or JSON go in one streamed delta: a few deltas per sentence, like Claude. */
export const DELTA_CHARS = 24;

/** Splits text into streaming deltas (an empty text gives no delta). */
export function splitDeltas(text: string, size: number = DELTA_CHARS): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}
