import { describe, expect, it } from "vitest";
import type { AgentEvent } from "./events.js";
import { StreamContinuity } from "./stream-continuity.js";

const delta = (text: string): AgentEvent => ({ type: "text_delta", text });
const retry: AgentEvent = { type: "retry", attempt: 1, delayMs: 0, message: "cut" };

function run(events: AgentEvent[]) {
  const c = new StreamContinuity();
  return events.flatMap((e) => c.filter(e));
}

/** What a consumer ends up showing: deltas appended, rewinds applied. */
function shown(out: Record<string, unknown>[]): string {
  let text = "";
  for (const e of out) {
    if (e.type === "text_delta") text += e.text as string;
    if (e.type === "text_rewind") text = text.slice(0, e.keep_chars as number);
  }
  return text;
}

describe("StreamContinuity", () => {
  it("passes text through untouched when nothing is retried", () => {
    const out = run([{ type: "turn_start", turn: 1 }, delta("Hel"), delta("lo")]);
    expect(out.filter((e) => e.type === "text_delta").map((e) => e.text)).toEqual(["Hel", "lo"]);
  });

  it("does not repeat text a retried attempt says again, and marks the retry", () => {
    const out = run([delta("The ans"), retry, delta("The"), delta(" answer"), delta(" is 42.")]);
    expect(out.find((e) => e.type === "retry")).toMatchObject({ shown_text_chars: 7 });
    expect(out.filter((e) => e.type === "text_delta").map((e) => e.text)).toEqual([
      "The ans",
      "wer",
      " is 42.",
    ]);
    expect(out.some((e) => e.type === "text_rewind")).toBe(false);
  });

  it("rewinds to the common prefix when the retried attempt says something else", () => {
    const out = run([delta("The answer is 4"), retry, delta("The result"), delta(" is 42.")]);
    expect(out).toContainEqual({ type: "text_rewind", keep_chars: 4 });
    expect(shown(out)).toBe("The result is 42.");
  });

  it("starts afresh at each turn", () => {
    const out = run([delta("one"), { type: "turn_start", turn: 2 }, delta("one")]);
    expect(shown(out)).toBe("oneone");
  });
});
