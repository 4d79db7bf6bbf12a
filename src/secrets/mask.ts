// Fewer than this many characters and even the last four would give away too much of the secret.
const MIN_LENGTH_TO_SHOW_TAIL = 12;

/** Renders a secret for a human who must tell two apart: `****` plus at most its last 4 characters. */
export function maskSecret(text: string): string {
  return text.length >= MIN_LENGTH_TO_SHOW_TAIL ? `****${text.slice(-4)}` : "****";
}
