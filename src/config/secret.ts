import { inspect } from "node:util";
import { maskSecret } from "../secrets/mask.js";

/** Renders a secret as `****` plus at most its last 4 characters (none at all for short secrets). */
export function redact(secret: Secret | string): string {
  return maskSecret(typeof secret === "string" ? secret : secret.reveal());
}

/**
 * A secret setting value (API key, bearer token). Every way of turning it into text — string
 * conversion, JSON, util.inspect / console.log — redacts it; only `reveal()` gives the raw value,
 * so printing one takes a deliberate call that reviewers can grep for. A session also registers the value
 * with its SecretRegistry (src/secrets/), so it is scrubbed wherever it turns up in text.
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
