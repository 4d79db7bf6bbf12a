import { describe, expect, it } from "vitest";
import { findJsonSyntaxError, findPathOffset, lineColumn } from "./json-position.js";

function problemAt(text: string): string | undefined {
  const problem = findJsonSyntaxError(text);
  if (problem === undefined) return undefined;
  const { line, column } = lineColumn(text, problem.offset);
  return `${line}:${column}: ${problem.expected}`;
}

describe("findJsonSyntaxError", () => {
  it("accepts everything JSON.parse accepts", () => {
    for (const text of ['{"a": [1, -2.5e3, true, false, null, "x\\u00e9\\n"], "b": {}}', "[]", "0", '"s"']) {
      expect(() => JSON.parse(text)).not.toThrow();
      expect(findJsonSyntaxError(text)).toBeUndefined();
    }
  });

  it("names what was expected, with line and column", () => {
    expect(problemAt('{\n  "a": 1\n  "b": 2\n}')).toBe('3:3: expected "," or "}" after a property value');
    expect(problemAt('{\n  "a": 1,\n}')).toBe('3:1: trailing comma before "}"; remove the last ","');
    expect(problemAt('{"a" 1}')).toBe('1:6: expected ":" after a property name');
    expect(problemAt("{\n  // note\n}")).toBe("2:3: comments are not allowed in JSON");
    expect(problemAt("{'a': 1}")).toBe("1:2: strings must use double quotes, not single quotes");
    expect(problemAt('{"a": [1, 2,]}')).toBe('1:13: trailing comma before "]"; remove the last ","');
    expect(problemAt('{"a": [1 2]}')).toBe('1:10: expected "," or "]" after an array element');
    expect(problemAt('{"a": tru}')).toMatch(/^1:7: expected a value/);
    expect(problemAt('{"a": "x')).toBe("1:7: unterminated string");
    expect(problemAt('{"a": 1')).toBe(
      '1:8: unexpected end of file; expected "," or "}" after a property value',
    );
    expect(problemAt('{"a": 01}')).toBe("1:7: numbers cannot have leading zeros");
    expect(problemAt('{"a": "\\x"}')).toBe("1:8: invalid escape sequence in string");
    expect(problemAt("{} {}")).toBe("1:4: unexpected content after the end of the JSON value");
  });

  it("counts columns in characters, not UTF-16 units", () => {
    expect(problemAt('{"🙂": 1 "b": 2}')).toBe('1:9: expected "," or "}" after a property value');
  });
});

describe("findPathOffset", () => {
  it("finds nested keys and array elements", () => {
    const text = '{\n  "permissions": {\n    "allow": ["a", 3]\n  }\n}';
    expect(lineColumn(text, findPathOffset(text, ["permissions"])!)).toEqual({ line: 2, column: 3 });
    expect(lineColumn(text, findPathOffset(text, ["permissions", "allow", 1])!)).toEqual({
      line: 3,
      column: 20,
    });
    expect(findPathOffset(text, ["missing"])).toBeUndefined();
  });
});
