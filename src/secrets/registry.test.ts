import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { SecretRegistry } from "./registry.js";

const BEARER = "quarry-test-bearer/Token+0123456789abcdefXYZ";
const LABEL = "<redacted:AWS_BEARER_TOKEN_BEDROCK>";

function registry(...values: string[]): SecretRegistry {
  const r = new SecretRegistry();
  for (const v of values) r.add(v, "AWS_BEARER_TOKEN_BEDROCK");
  return r;
}

/** Runs a real command with `input` on stdin, so the encodings tested are the tools' own. */
function sh(command: string, input: string): string {
  return execFileSync("sh", ["-c", command], { input, encoding: "utf8" });
}

describe("SecretRegistry.scrub finds a held secret in every encoding", () => {
  const secrets = registry(BEARER);
  it.each([
    ["plain", `token=${BEARER}\n`],
    ["base64 with padding (`base64`)", sh("base64", BEARER)],
    ["base64 of a line (`printenv | base64`)", sh("base64", `${BEARER}\n`)],
    ["base64 without padding", Buffer.from(BEARER).toString("base64").replace(/=+$/, "")],
    ["base64url", Buffer.from(BEARER).toString("base64url")],
    ["hex lower (`xxd -p`)", sh("xxd -p | tr -d '\\n'", BEARER)],
    ["hex upper", Buffer.from(BEARER).toString("hex").toUpperCase()],
    ["reversed (`rev`)", sh("rev", `${BEARER}\n`)],
    ["URL-encoded", `https://x/?t=${encodeURIComponent(BEARER)}&y=1`],
    ["URL-encoded, lower-case escapes", encodeURIComponent(BEARER).replace(/%../g, (e) => e.toLowerCase())],
    ["JSON-escaped", JSON.stringify({ t: `a"${BEARER}` })],
  ])("%s", (_name, output) => {
    const clean = secrets.scrub(output);
    expect(clean).toContain(LABEL);
    expect(clean).not.toContain(BEARER);
    expect(clean).not.toContain(Buffer.from(BEARER).toString("base64").slice(4, 20));
  });

  it.each([
    0, 1, 2, 3, 4, 5,
  ])("inside a longer base64 blob (`cat file | base64`, wrapped at 76 columns), after %i bytes", (prefixBytes) => {
    const file = Buffer.concat([randomBytes(prefixBytes), Buffer.from(`x = ${BEARER}\ny = 1\n`)]);
    const encoded = execFileSync("base64", { input: file, encoding: "utf8" });
    expect(encoded).toContain("\n");
    const clean = secrets.scrub(encoded).replace(/\n/g, "");
    expect(clean).toContain(LABEL);
    for (const window of secretWindows(encoded.replace(/\n/g, ""), prefixBytes + 4, BEARER.length)) {
      expect(clean).not.toContain(window);
    }
  });
});

/** Every 8-character run of a base64 text that encodes only bytes [offset, offset + length). */
function secretWindows(base64: string, offset: number, length: number): string[] {
  const first = Math.ceil((offset * 4) / 3) + 1;
  const last = Math.floor(((offset + length) * 4) / 3) - 1;
  const out: string[] = [];
  for (let i = first; i + 8 <= last; i++) out.push(base64.slice(i, i + 8));
  return out;
}

describe("SecretRegistry", () => {
  it("leaves text without a held secret unchanged, and ignores values too short to be secrets", () => {
    const secrets = registry(BEARER, "on", "1234567");
    const text = "on 1234567 const token = readToken(); // Bearer authentication\n";
    expect(secrets.scrub(text)).toBe(text);
    expect(secrets.size).toBe(1);
  });

  it("labels each value with what it is, and replaces a secret that contains another whole", () => {
    const secrets = new SecretRegistry();
    secrets.add("inner-secret-0001", "INNER_TOKEN");
    secrets.add("outer-inner-secret-0001-end", "OUTER_TOKEN");
    expect(secrets.scrub("a inner-secret-0001 b outer-inner-secret-0001-end c")).toBe(
      "a <redacted:INNER_TOKEN> b <redacted:OUTER_TOKEN> c",
    );
  });

  it("is idempotent, also over its own labels and the shape layer", () => {
    const secrets = registry(BEARER);
    const once = secrets.scrub(`Authorization: Bearer ${BEARER}\n${Buffer.from(BEARER).toString("base64")}`);
    expect(secrets.scrub(once)).toBe(once);
  });

  it("scrubDeep cleans nested strings and is picked up by values added later", () => {
    const secrets = new SecretRegistry();
    const event = { content: [{ type: "text", text: `the key is ${BEARER}` }], n: 1 };
    expect(JSON.stringify(secrets.scrubDeep(event))).toContain(BEARER);
    secrets.add(BEARER, "AWS session token");
    expect(secrets.scrubDeep(event)).toEqual({
      content: [{ type: "text", text: "the key is <redacted:AWS session token>" }],
      n: 1,
    });
  });

  it("scrubs 1 MB of tool output in one pass, fast enough to run on every result", () => {
    const secrets = new SecretRegistry();
    for (let i = 0; i < 12; i++) secrets.add(randomBytes(30).toString("base64"), `SECRET_${i}`);
    secrets.add(BEARER, "AWS_BEARER_TOKEN_BEDROCK");
    const line = "src/agent/loop.ts:120:        const message = yield* this.streamTurn(signal);\n";
    const output = `${line.repeat(Math.ceil(1_000_000 / line.length))}${BEARER}\n`;
    secrets.scrub("warm up");
    const started = performance.now();
    const clean = secrets.scrub(output);
    const ms = performance.now() - started;
    console.log(`scrub: ${(output.length / 1e6).toFixed(2)} MB with 13 secrets in ${ms.toFixed(1)} ms`);
    expect(clean.endsWith(`${LABEL}\n`)).toBe(true);
    // Generous for a shared CI machine; locally this is tens of milliseconds (docs/security/secrets.md).
    expect(ms).toBeLessThan(1500);
  });
});
