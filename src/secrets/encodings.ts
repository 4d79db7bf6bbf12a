// The forms in which a held secret can leave a command's output: the value itself and what common tools
// (`base64`, `xxd -p`, `rev`, URL builders, JSON printers) turn it into. See docs/security/secrets.md.

/** One text form of a secret, and which encoding produced it (for tests and docs). */
export interface Variant {
  text: string;
  encoding: "plain" | "base64" | "base64url" | "hex" | "reversed" | "url" | "json";
}

/** Forms shorter than this could occur by chance in ordinary output; they are not searched for. */
export const MIN_VARIANT_LENGTH = 8;

/**
 * Every form of `secret` worth searching for, longest first. Base64 forms are given at the three byte
 * alignments a secret can have inside a longer encoded blob (`cat ~/.aws/credentials | base64`): only the
 * characters that depend on the secret's bytes alone, so they match wherever the secret sits.
 */
export function variantsOf(secret: string): Variant[] {
  const bytes = Buffer.from(secret, "utf8");
  const out = new Map<string, Variant["encoding"]>();
  const put = (text: string, encoding: Variant["encoding"]) => {
    if (text.length >= MIN_VARIANT_LENGTH && !out.has(text)) out.set(text, encoding);
  };
  put(secret, "plain");
  put(bytes.toString("base64"), "base64");
  for (let offset = 0; offset < 3; offset++) {
    const core = base64Core(bytes, offset);
    put(core, "base64");
    put(core.replaceAll("+", "-").replaceAll("/", "_"), "base64url");
  }
  const hex = bytes.toString("hex");
  put(hex, "hex");
  put(hex.toUpperCase(), "hex");
  put([...secret].reverse().join(""), "reversed");
  const url = encodeURIComponent(secret);
  put(url, "url");
  put(
    url.replace(/%[0-9A-F]{2}/g, (percent) => percent.toLowerCase()),
    "url",
  );
  put(JSON.stringify(secret).slice(1, -1), "json");
  return [...out]
    .map(([text, encoding]) => ({ text, encoding }))
    .sort((a, b) => b.text.length - a.text.length);
}

// Characters to drop at the start for 0, 1 or 2 unknown bytes before the secret: each base64 character
// carries 6 bits, and these are the ones that mix the preceding unknown bits in.
const MIXED_LEADING_CHARS = [0, 2, 3] as const;

/** The base64 characters fully determined by `bytes` when they follow `offset` other bytes in a stream. */
function base64Core(bytes: Buffer, offset: number): string {
  const encoded = Buffer.concat([Buffer.alloc(offset), bytes])
    .toString("base64")
    .replace(/=+$/, "");
  // Characters after the last whole 6-bit group would mix in the bytes that follow the secret.
  const determined = Math.floor(((offset + bytes.length) * 8) / 6);
  return encoded.slice(MIXED_LEADING_CHARS[offset as 0 | 1 | 2], determined);
}
