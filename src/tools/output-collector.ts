/**
 * Collects interleaved output in bounded memory: the first `headChars` and the last `tailChars`, counting
 * what falls in between, so a command printing gigabytes cannot exhaust memory or the model's context.
 */
export class OutputCollector {
  private head = "";
  private tail = "";
  private total = 0;

  constructor(
    private readonly headChars = 15_000,
    private readonly tailChars = 15_000,
  ) {}

  /** Appends decoded text. */
  push(text: string): void {
    this.total += text.length;
    if (this.head.length < this.headChars) {
      const room = this.headChars - this.head.length;
      this.head += text.slice(0, room);
      text = text.slice(room);
    }
    if (text === "") return;
    this.tail += text;
    // Trim lazily (at 2x) so appending stays amortised O(n).
    if (this.tail.length > this.tailChars * 2) this.tail = this.tail.slice(-this.tailChars);
  }

  /** Characters dropped from the middle. */
  get cutChars(): number {
    return Math.max(0, this.total - this.head.length - Math.min(this.tail.length, this.tailChars));
  }

  /** The kept text, with a note where the middle was cut. */
  text(): string {
    const tail = this.tail.slice(-this.tailChars);
    const cut = this.cutChars;
    if (cut === 0) return this.head + tail;
    return `${this.head}\n\n[… ${cut} characters of output cut from the middle; showing the first ${this.head.length} and last ${tail.length} …]\n\n${tail}`;
  }
}
