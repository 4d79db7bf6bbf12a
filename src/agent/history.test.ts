import { appendFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Message } from "../model/types.js";
import { replayMessages } from "../runtime/session.js";
import { readTranscript } from "../session/reader.js";
import { MISSING_RESULT, repairHistory, validateHistory } from "./history.js";

const user = (text: string): Message => ({ role: "user", content: text });
const said = (text: string): Message => ({ role: "assistant", content: [{ type: "text", text }] });
const calls = (...ids: string[]): Message => ({
  role: "assistant",
  content: ids.map((id) => ({ type: "tool_use" as const, id, name: "Read", input: { file_path: id } })),
});
const results = (...ids: string[]): Message => ({
  role: "user",
  content: ids.map((id) => ({ type: "tool_result" as const, tool_use_id: id, content: `result ${id}` })),
});

/** Repairs, then checks the outcome is valid and that repairing it again changes nothing. */
function repaired(history: Message[]): Message[] {
  const { messages } = repairHistory(history);
  expect(validateHistory(messages)).toEqual([]);
  expect(repairHistory(messages)).toEqual({ messages, repairs: [] });
  return messages;
}

describe("validateHistory", () => {
  it("accepts a well-formed conversation with tools", () => {
    expect(validateHistory([user("go"), calls("a"), results("a"), said("done")])).toEqual([]);
  });

  it("names each rule a history breaks", () => {
    const problems = validateHistory([
      said("hi"),
      { role: "user", content: [{ type: "text", text: "   " }] },
      user("x"),
      calls("a", "a"),
      { role: "user", content: [{ type: "text", text: "later" }, ...(results("b").content as [])] },
    ]);
    expect(problems).toEqual(
      expect.arrayContaining([
        "messages[0]: the first message must be the user's",
        "messages[1].content[0]: blank text block",
        "messages[2]: two user messages in a row",
        "messages[3]: duplicate tool_use id a",
        "messages[3]: tool_use a has no tool_result after it",
        "messages[4]: tool_result b answers no tool_use before it",
        "messages[4]: tool_result blocks must come before other content",
      ]),
    );
  });

  it("refuses a thinking block after text in an assistant turn", () => {
    const turn: Message = {
      role: "assistant",
      content: [
        { type: "text", text: "a" },
        { type: "thinking", thinking: "t", signature: "s" },
      ],
    };
    expect(validateHistory([user("q"), turn])).toEqual(["messages[1]: a thinking block after other content"]);
  });
});

describe("repairHistory", () => {
  it("leaves a valid history untouched", () => {
    const history = [user("go"), calls("a"), results("a"), said("done")];
    expect(repairHistory(history)).toEqual({ messages: history, repairs: [] });
  });

  it("repairs two writers interleaving one transcript (calls and results out of step)", () => {
    // Run A: go → calls a → results a → done. Run B (same session): check → calls b → results b → ok.
    const interleaved = [
      user("go"),
      user("check"),
      calls("a"),
      calls("b"),
      results("a"),
      said("done"),
      results("b"),
      said("ok"),
    ];
    const out = repaired(interleaved);
    expect(out[0]).toEqual({ role: "user", content: [text("go"), text("check")] });
    expect(out[1]!.content).toHaveLength(2); // both calls, merged into one assistant turn
    expect(out[2]).toEqual({
      role: "user",
      content: [
        { type: "tool_result", tool_use_id: "a", content: "result a" },
        { type: "tool_result", tool_use_id: "b", content: MISSING_RESULT, is_error: true },
      ],
    });
    // b's real result came after "done": it answers nothing there and is dropped, not attached to a wrong call.
    expect(JSON.stringify(out.slice(3))).not.toContain("result b");
  });

  it("drops unanswered calls at the end (the process died mid-tool) but keeps text of that turn", () => {
    const turn: Message = {
      role: "assistant",
      content: [text("Reading it."), ...(calls("a").content as [])],
    };
    expect(repaired([user("go"), turn])).toEqual([user("go"), said("Reading it.")]);
    expect(repaired([user("go"), calls("a")])).toEqual([user("go")]);
  });

  it("keeps thinking with its turn when dropping the calls would leave nothing but thinking", () => {
    const turn: Message = {
      role: "assistant",
      content: [{ type: "thinking", thinking: "hmm", signature: "sig" }, ...(calls("a").content as [])],
    };
    expect(repaired([user("go"), turn])).toEqual([user("go")]);
    const answered = repaired([user("go"), turn, results("a")]);
    expect((answered[1]!.content as { type: string }[])[0]!.type).toBe("thinking");
  });

  it("merges results with the next prompt, results first", () => {
    const out = repaired([user("go"), calls("a"), user("and then"), results("a")]);
    expect(out[2]!.content).toEqual([
      { type: "tool_result", tool_use_id: "a", content: "result a" },
      text("and then"),
    ]);
  });

  it("renames duplicate tool_use ids, within a turn and across turns, with their results", () => {
    const out = repaired([user("go"), calls("a", "a"), results("a", "a"), calls("a"), results("a")]);
    const ids = out.flatMap((m) =>
      typeof m.content === "string"
        ? [undefined]
        : (m.content as { id?: string; tool_use_id?: string }[]).map((b) => b.id ?? b.tool_use_id),
    );
    expect(ids).toEqual([undefined, "a", "a_2", "a", "a_2", "a_3", "a_3"]);
  });

  it("removes blank text, empty messages, orphan results and a leading assistant turn", () => {
    const out = repaired([said("stray"), user(""), results("zz"), user("real"), said(" "), said("answer")]);
    expect(out).toEqual([{ role: "user", content: [text("real")] }, said("answer")]);
  });
});

describe("a damaged transcript replays into a valid history", () => {
  const line = (e: unknown) => `${JSON.stringify(e)}\n`;
  const msg = (message: Message) => line({ type: "message", message });
  function transcript(body: string): string {
    const dir = mkdtempSync(join(tmpdir(), "quarry-history-"));
    const path = join(dir, "s.jsonl");
    writeFileSync(
      path,
      line({ type: "session", id: "s", projectRoot: dir, createdAt: "", version: 1 }) + body,
    );
    return path;
  }

  it("a torn last line (killed mid-write of the results) leaves the call dropped", () => {
    const path = transcript(msg(user("go")) + msg(calls("a")));
    appendFileSync(path, msg(results("a")).slice(0, 30));
    const loaded = readTranscript(path);
    expect(loaded.warnings.join()).toContain("cut off mid-write");
    expect(repaired(replayMessages(loaded.events))).toEqual([user("go")]);
  });

  it("a file truncated in the middle of a conversation still gives a valid history", () => {
    const full = msg(user("go")) + msg(calls("a", "b")) + msg(results("a", "b")) + msg(said("done"));
    const path = transcript(full.slice(0, full.indexOf("result b") - 20));
    const history = replayMessages(readTranscript(path).events);
    expect(validateHistory(history)).toEqual([]);
    expect(history).toEqual([user("go")]);
  });

  it("two runs appending to one file replay into a valid history", () => {
    const path = transcript(
      msg(user("go")) + msg(user("check")) + msg(calls("a")) + msg(calls("b")) + msg(results("b")),
    );
    const history = replayMessages(readTranscript(path).events);
    expect(validateHistory(history)).toEqual([]);
    expect(JSON.stringify(history)).toContain("result b");
  });
});

function text(t: string) {
  return { type: "text" as const, text: t };
}
