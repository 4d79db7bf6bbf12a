import { describe, expect, it } from "vitest";
import { SecretRegistry } from "./registry.js";
import { StreamScrubber } from "./stream.js";

const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzSECRETKEY";

function secrets(): SecretRegistry {
  const r = new SecretRegistry();
  r.add(SECRET, "AWS_SECRET_ACCESS_KEY");
  return r;
}

/** Feeds `text` in deltas cut at `cuts`, collecting everything the scrubber lets out, flush included. */
function stream(text: string, cuts: number[]): { emitted: string[]; all: string } {
  const scrubber = new StreamScrubber(secrets());
  const emitted: string[] = [];
  let from = 0;
  for (const cut of [...cuts, text.length]) {
    emitted.push(scrubber.push(text.slice(from, cut)));
    from = cut;
  }
  emitted.push(scrubber.flush());
  return { emitted, all: emitted.join("") };
}

describe("StreamScrubber", () => {
  const text = `Your key is ${SECRET} (base64 ${Buffer.from(SECRET).toString("base64")}); keep it safe. ${"More words follow here. ".repeat(12)}`;

  it("never lets out any part of a secret split across two deltas, wherever the split falls", () => {
    for (let cut = 1; cut < text.length; cut++) {
      const { emitted, all } = stream(text, [cut]);
      for (const piece of emitted) expect(piece).not.toContain(SECRET.slice(0, 12));
      expect(all).toBe(secrets().scrub(text));
    }
  });

  it("handles Claude-sized deltas and still emits text before the stream ends", () => {
    const cuts = Array.from({ length: Math.floor(text.length / 24) }, (_, i) => (i + 1) * 24);
    const { emitted, all } = stream(text, cuts);
    expect(all).not.toContain(SECRET);
    expect(all).toContain("<redacted:AWS_SECRET_ACCESS_KEY>");
    // Streaming still streams: most text leaves before the final flush.
    expect(emitted.slice(0, -1).join("").length).toBeGreaterThan(all.length / 2);
  });

  it("holds back an Authorization value that may still be growing", () => {
    const scrubber = new StreamScrubber(new SecretRegistry());
    const header = `Authorization: Basic ${"QWxhZGRpbjpvcGVuIHNlc2FtZQ".repeat(6)}`;
    const out = scrubber.push(`${"x".repeat(200)}\n${header}`) + scrubber.push("MORE\n") + scrubber.flush();
    expect(out).toBe(`${"x".repeat(200)}\nAuthorization: <redacted>\n`);
  });
});
