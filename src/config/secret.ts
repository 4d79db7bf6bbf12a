import { inspect } from "node:util";

// Fewer than this many characters and even the last four would give away too much of the secret.
const MIN_LENGTH_TO_SHOW_TAIL = 12;

/** Renders a secret as `****` plus at most its last 4 characters (none at all for short secrets). */
export function redact(secret: Secret | string): string {
  const text = typeof secret === "string" ? secret : secret.reveal();
  return text.length >= MIN_LENGTH_TO_SHOW_TAIL ? `****${text.slice(-4)}` : "****";
}

/**
 * A secret setting value (API key, bearer token). Every way of turning it into text — string
 * conversion, JSON, util.inspect / console.log — redacts it; only `reveal()` gives the raw value,
 * so printing one takes a deliberate call that reviewers can grep for.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The raw secret, for the one place that sends it (an HTTP header, an SDK option). */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return redact(this.#value);
  }

  toJSON(): string {
    return redact(this.#value);
  }

  [inspect.custom](): string {
    return `Secret(${redact(this.#value)})`;
  }
}
