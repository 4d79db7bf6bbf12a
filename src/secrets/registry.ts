import { MIN_VARIANT_LENGTH, variantsOf } from "./encodings.js";
import { patternSpans, REDACTED, SECRET_FIELD, type Span } from "./patterns.js";

/** Values shorter than this are too likely to occur by chance ("true", "1") to be worth replacing. */
export const MIN_SECRET_LENGTH = MIN_VARIANT_LENGTH;

// Characters a streamed text must hold back beyond the longest variant, so a credential shape whose name
// (`Authorization: `, `aws_secret_access_key = `) arrives before its value is still seen whole.
const PATTERN_MARGIN = 64;

/**
 * Which layers to apply: `all` (held values and credential shapes) for what people read or keep — transcript,
 * stdout, stderr; `values` for what goes to the model, which must be able to quote the files it edits
 * exactly (a test fixture with AWS's example key ID) — docs/decisions/0010-one-redaction-module.md.
 */
export type Layers = "all" | "values";

interface Compiled {
  /** One alternation of every variant, longest first: a single pass over the text finds them all. */
  regex: RegExp | undefined;
  labelOf: Map<string, string>;
  longest: number;
}

/**
 * Every credential value Quarry holds or can see, and the one place text is cleaned before it leaves the
 * process (to the model, the transcript, stdout, stderr, logs). Values are matched in all their encoded forms
 * (see encodings.ts); credential shapes Quarry does not hold are caught by patterns.ts. One per session.
 */
export class SecretRegistry {
  private readonly labels = new Map<string, string>();
  private compiled: Compiled | undefined;
  /** Bumped whenever a value is added, so callers caching scrubbed copies know to redo them. */
  version = 0;

  /** Registers a credential value under a label saying what it is (an env name, "AWS session token"). */
  add(value: string | undefined, label: string): void {
    const trimmed = value?.trim();
    if (!trimmed || trimmed.length < MIN_SECRET_LENGTH || this.labels.has(trimmed)) return;
    this.labels.set(trimmed, label);
    this.compiled = undefined;
    this.version++;
  }

  /** How many distinct values are held. */
  get size(): number {
    return this.labels.size;
  }

  /** The longest text a streamed writer must hold back so no secret is split across two emits. */
  holdBack(layers: Layers = "all"): number {
    return this.compile().longest + (layers === "all" ? PATTERN_MARGIN : 0);
  }

  /** `text` with every held secret (any encoding) and, for `all`, every credential-shaped substring replaced. */
  scrub(text: string, layers: Layers = "all"): string {
    if (text.length < MIN_VARIANT_LENGTH) return text;
    return replaceSpans(text, this.spans(text, layers));
  }

  /** Sorted, non-overlapping ranges of `text` that `scrub` replaces. */
  spans(text: string, layers: Layers = "all"): Span[] {
    const values = this.valueSpans(text);
    return mergeSpans(layers === "all" ? [...values, ...patternSpans(text)] : values);
  }

  /**
   * A JSON-safe copy of `value` with every string scrubbed and (for `all`) credential-named fields blanked.
   * Never throws: cycles become "[Circular]", bigints strings, binary data a byte count, errors their name
   * and message.
   */
  scrubDeep(value: unknown, layers: Layers = "all"): unknown {
    return this.walk(value, new WeakSet(), layers);
  }

  private valueSpans(text: string): Span[] {
    const { regex, labelOf } = this.compile();
    if (!regex) return [];
    // Line breaks are transparent to the search: `base64` wraps its output at 76 columns, `xxd -p` at 60.
    const broken = /[\r\n]/.test(text);
    const haystack = broken ? text.replace(/[\r\n]+/g, "") : text;
    const found = [...haystack.matchAll(regex)];
    if (found.length === 0) return [];
    const at = broken ? originalPositions(text, haystack.length) : undefined;
    return found.map((match) => {
      const start = match.index;
      const end = start + match[0].length;
      const from = at ? at[start]! : start;
      return {
        start: from,
        end: at ? at[end - 1]! + 1 : end,
        matchStart: from,
        replacement: `<redacted:${labelOf.get(match[0])}>`,
      };
    });
  }

  private compile(): Compiled {
    if (this.compiled) return this.compiled;
    const labelOf = new Map<string, string>();
    for (const [value, label] of this.labels) {
      for (const variant of variantsOf(value))
        if (!labelOf.has(variant.text)) labelOf.set(variant.text, label);
    }
    const variants = [...labelOf.keys()].sort((a, b) => b.length - a.length);
    this.compiled = {
      regex: variants.length ? new RegExp(variants.map(escapeRegExp).join("|"), "g") : undefined,
      labelOf,
      longest: variants[0]?.length ?? 0,
    };
    return this.compiled;
  }

  private walk(value: unknown, seen: WeakSet<object>, layers: Layers): unknown {
    switch (typeof value) {
      case "string":
        return this.scrub(value, layers);
      case "number":
      case "boolean":
        return value;
      case "bigint":
        return value.toString();
      case "undefined":
      case "function":
      case "symbol":
        return undefined;
    }
    if (value === null) return null;
    const object = value as object;
    if (seen.has(object)) return "[Circular]";
    if (object instanceof Date) return Number.isNaN(object.getTime()) ? null : object.toISOString();
    if (ArrayBuffer.isView(object) || object instanceof ArrayBuffer) return `<${object.byteLength} bytes>`;
    seen.add(object);
    try {
      if (Array.isArray(object)) return object.map((item) => this.walk(item, seen, layers) ?? null);
      if (object instanceof Error) {
        return {
          name: object.name,
          message: this.scrub(object.message, layers),
          stack: object.stack && this.scrub(object.stack, layers),
        };
      }
      if (object instanceof Map) return this.walk(Object.fromEntries(object), seen, layers);
      if (object instanceof Set) return this.walk([...object], seen, layers);
      const out: Record<string, unknown> = {};
      for (const [key, field] of Object.entries(object)) {
        const clean =
          layers === "all" && typeof field === "string" && field !== "" && SECRET_FIELD.test(key)
            ? REDACTED
            : this.walk(field, seen, layers);
        if (clean !== undefined) out[key] = clean;
      }
      return out;
    } finally {
      seen.delete(object);
    }
  }
}

// Holds no values: catches credential shapes only.
const shapesOnly = new SecretRegistry();

/** `text` with credential-shaped substrings replaced, for text written where no session registry exists. */
export function redactShapes(text: string): string {
  return shapesOnly.scrub(text);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** For each character of `text` without its line breaks, its index in `text`. */
function originalPositions(text: string, length: number): Int32Array {
  const at = new Int32Array(length);
  let j = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 10 && c !== 13) at[j++] = i;
  }
  return at;
}

/** Sorts spans and joins overlapping ones; a held secret's label wins over the generic `<redacted>`. */
function mergeSpans(spans: Span[]): Span[] {
  if (spans.length < 2) return spans;
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Span[] = [];
  for (const span of spans) {
    const last = out.at(-1);
    if (last && span.start < last.end) {
      last.end = Math.max(last.end, span.end);
      last.matchStart = Math.min(last.matchStart, span.matchStart);
      if (last.replacement === REDACTED) last.replacement = span.replacement;
    } else {
      out.push({ ...span });
    }
  }
  return out;
}

function replaceSpans(text: string, spans: readonly Span[]): string {
  if (spans.length === 0) return text;
  let out = "";
  let from = 0;
  for (const span of spans) {
    out += text.slice(from, span.start) + span.replacement;
    from = span.end;
  }
  return out + text.slice(from);
}
