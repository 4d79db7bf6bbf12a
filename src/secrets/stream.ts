import type { Layers, SecretRegistry } from "./registry.js";

/**
 * Scrubs text that arrives in pieces (streamed model deltas). A secret split across two deltas must not be
 * emitted half by half, so the last `registry.holdBack` characters are kept until more text shows whether
 * they start a secret; `flush` releases the rest when the block ends.
 */
export class StreamScrubber {
  private pending = "";

  constructor(
    private readonly registry: SecretRegistry,
    private readonly layers: Layers = "all",
  ) {}

  /** Adds a delta; returns the scrubbed text that is now safe to emit (possibly empty). */
  push(delta: string): string {
    this.pending += delta;
    const hold = this.registry.holdBack(this.layers);
    if (this.pending.length <= hold) return "";
    let cut = this.pending.length - hold;
    for (const span of this.registry.spans(this.pending, this.layers)) {
      if (span.end <= cut) continue;
      // A match across the cut is emitted whole if it is complete, or held back whole (with the name that
      // leads it, so it is still recognised) if it may still grow.
      if (span.matchStart < cut) cut = span.end < this.pending.length ? span.end : span.matchStart;
      break;
    }
    const ready = this.pending.slice(0, cut);
    this.pending = this.pending.slice(cut);
    return this.registry.scrub(ready, this.layers);
  }

  /** Returns the scrubbed remainder and starts afresh. */
  flush(): string {
    const rest = this.registry.scrub(this.pending, this.layers);
    this.pending = "";
    return rest;
  }

  /** Drops what is held (the streamed attempt is being retried from scratch). */
  reset(): void {
    this.pending = "";
  }
}
