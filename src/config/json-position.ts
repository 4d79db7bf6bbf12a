// A strict JSON scanner used only to explain what JSON.parse rejected (V8's messages vary between Node
// versions and give a character offset, not a line and column) and to locate a key when its value has
// the wrong type. It accepts exactly RFC 8259 JSON, like JSON.parse.

/** A 1-based line and column (columns count characters, not UTF-16 units). */
export interface LineColumn {
  readonly line: number;
  readonly column: number;
}

/** The first syntax error in a JSON text: where, and what was expected there. */
export interface JsonSyntaxProblem {
  readonly offset: number;
  readonly expected: string;
}

/** A path into a JSON document: property names and array indexes. */
export type JsonPath = readonly (string | number)[];

class ScanFailure {
  constructor(
    readonly offset: number,
    readonly expected: string,
  ) {}
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES = new Set(['"', "\\", "/", "b", "f", "n", "r", "t"]);
const HEX4 = /[0-9a-fA-F]{4}/y;

class Scanner {
  pos = 0;
  /** Offset of every property name and array element, keyed by JSON.stringify(path). */
  readonly positions = new Map<string, number>();

  constructor(private readonly text: string) {}

  document(): void {
    this.skipSpace();
    this.value([]);
    this.skipSpace();
    if (this.pos < this.text.length) this.fail("unexpected content after the end of the JSON value");
  }

  private fail(expected: string, at = this.pos): never {
    throw new ScanFailure(at, expected);
  }

  private skipSpace(): void {
    for (;;) {
      const c = this.text[this.pos];
      if (c !== " " && c !== "\t" && c !== "\n" && c !== "\r") return;
      this.pos++;
    }
  }

  /** Common mistakes get a message that names them; anything else gets `fallback`. */
  private failAtUnexpected(fallback: string): never {
    const c = this.text[this.pos];
    if (c === undefined) this.fail(`unexpected end of file; ${fallback}`);
    if (c === "/") this.fail("comments are not allowed in JSON");
    if (c === "'") this.fail("strings must use double quotes, not single quotes");
    this.fail(fallback);
  }

  private value(path: JsonPath): void {
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === "{") {
      this.object(path);
      return;
    }
    if (c === "[") {
      this.array(path);
      return;
    }
    if (c === '"') {
      this.string();
      return;
    }
    if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) {
      this.number();
      return;
    }
    for (const literal of ["true", "false", "null"]) {
      if (this.text.startsWith(literal, this.pos)) {
        this.pos += literal.length;
        return;
      }
    }
    this.failAtUnexpected("expected a value (object, array, string, number, true, false or null)");
  }

  private object(path: JsonPath): void {
    this.pos++; // "{"
    this.skipSpace();
    if (this.text[this.pos] === "}") {
      this.pos++;
      return;
    }
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] !== '"') {
        if (this.text[this.pos] === "}") this.fail('trailing comma before "}"; remove the last ","');
        this.failAtUnexpected("expected a property name in double quotes");
      }
      const keyStart = this.pos;
      const key = this.string();
      const keyPath = [...path, key];
      this.positions.set(JSON.stringify(keyPath), keyStart);
      this.skipSpace();
      if (this.text[this.pos] !== ":") this.failAtUnexpected('expected ":" after a property name');
      this.pos++;
      this.value(keyPath);
      this.skipSpace();
      const next = this.text[this.pos];
      if (next === ",") {
        this.pos++;
        continue;
      }
      if (next === "}") {
        this.pos++;
        return;
      }
      this.failAtUnexpected('expected "," or "}" after a property value');
    }
  }

  private array(path: JsonPath): void {
    this.pos++; // "["
    this.skipSpace();
    if (this.text[this.pos] === "]") {
      this.pos++;
      return;
    }
    for (let index = 0; ; index++) {
      this.skipSpace();
      if (this.text[this.pos] === "]") this.fail('trailing comma before "]"; remove the last ","');
      this.positions.set(JSON.stringify([...path, index]), this.pos);
      this.value([...path, index]);
      this.skipSpace();
      const next = this.text[this.pos];
      if (next === ",") {
        this.pos++;
        continue;
      }
      if (next === "]") {
        this.pos++;
        return;
      }
      this.failAtUnexpected('expected "," or "]" after an array element');
    }
  }

  /** Scans a string literal and returns its decoded content. */
  private string(): string {
    const start = this.pos;
    this.pos++; // opening quote
    for (;;) {
      const c = this.text[this.pos];
      if (c === undefined) this.fail("unterminated string", start);
      if (c === '"') break;
      if (c === "\\") {
        const escaped = this.text[this.pos + 1];
        if (escaped === "u") {
          HEX4.lastIndex = this.pos + 2;
          if (!HEX4.test(this.text)) this.fail("expected 4 hex digits after \\u");
          this.pos += 6;
          continue;
        }
        if (escaped === undefined || !ESCAPES.has(escaped)) this.fail("invalid escape sequence in string");
        this.pos += 2;
        continue;
      }
      if (c === "\n" || c === "\r") this.fail("unterminated string (a string cannot span lines)", start);
      if (c < " ") this.fail("control characters in strings must be escaped");
      this.pos++;
    }
    this.pos++; // closing quote
    return JSON.parse(this.text.slice(start, this.pos)) as string;
  }

  private number(): void {
    NUMBER.lastIndex = this.pos;
    const match = NUMBER.exec(this.text);
    if (!match) this.fail("invalid number");
    this.pos += match[0].length;
    const next = this.text[this.pos];
    if (/^-?0$/.test(match[0]) && next !== undefined && next >= "0" && next <= "9") {
      this.fail("numbers cannot have leading zeros", this.pos - 1);
    }
  }
}

/** Finds the first syntax error in `text` (no BOM), or undefined when it is valid JSON. */
export function findJsonSyntaxError(text: string): JsonSyntaxProblem | undefined {
  try {
    new Scanner(text).document();
    return undefined;
  } catch (err) {
    if (err instanceof ScanFailure) return { offset: err.offset, expected: err.expected };
    throw err;
  }
}

/** Offset of the property name (or array element) at `path` in valid JSON `text`, if present. */
export function findPathOffset(text: string, path: JsonPath): number | undefined {
  const scanner = new Scanner(text);
  try {
    scanner.document();
  } catch (err) {
    if (err instanceof ScanFailure) return undefined;
    throw err;
  }
  return scanner.positions.get(JSON.stringify(path));
}

/** Converts a character offset into a 1-based line and column. */
export function lineColumn(text: string, offset: number): LineColumn {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === "\n") {
      line++;
      lineStart = i + 1;
    }
  }
  // Count code points so a column matches what an editor shows after an emoji or other astral character.
  return { line, column: Array.from(text.slice(lineStart, offset)).length + 1 };
}
