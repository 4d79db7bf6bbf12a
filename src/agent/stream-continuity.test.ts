import { describe, expect, it } from "vitest";
import type { AgentEvent } from "./events.js";
import { StreamContinuity } from "./stream-continuity.js";

const delta = (text: string): AgentEvent => ({ type: "text_delta", text });
const retry: AgentEvent = { type: "retry", attempt: 1, delayMs: 0, message: "cut" };

function run(events: AgentEvent[]) {
  const c = new StreamContinuity();
  return events.flatMap((e) => c.filter(e));
}

/** What a consumer ends up showing: a delta's keep_chars applied first, then its text appended. */
function shown(out: Record<string, unknown>[]): string {
  let text = "";
  for (const e of out) {
    if (e.type !== "text_delta") continue;
    if (typeof e.keep_chars === "number") text = text.slice(0, e.keep_chars);
    text += e.text as string;
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
    expect(out.some((e) => "keep_chars" in e)).toBe(false);
  });

  it("rewinds to the common prefix when the retried attempt says something else", () => {
    const out = run([delta("The answer is 4"), retry, delta("The result"), delta(" is 42.")]);
    expect(out).toContainEqual({ type: "text_delta", text: "result", keep_chars: 4 });
    expect(shown(out)).toBe("The result is 42.");
  });

  it("keeps each event's envelope (seq, session id), so the output still validates as protocol events", () => {
    const stamped = { ...delta("Hi"), v: 1, seq: 9, session_id: "s" } as unknown as AgentEvent;
    expect(run([stamped])).toEqual([{ type: "text_delta", text: "Hi", v: 1, seq: 9, session_id: "s" }]);
  });

  it("starts afresh at each turn", () => {
    const out = run([delta("one"), { type: "turn_start", turn: 2 }, delta("one")]);
    expect(shown(out)).toBe("oneone");
  });
});
