import { describe, expect, it } from "vitest";
import type { Message } from "../model/types.js";
import { replayMessages } from "./session.js";

const msg = (message: Message) => ({ type: "message", message });
const user = (text: string): Message => ({ role: "user", content: text });
const toolUse: Message = {
  role: "assistant",
  content: [{ type: "tool_use", id: "t1", name: "LS", input: {} }],
};
const toolResult: Message = {
  role: "user",
  content: [{ type: "tool_result", tool_use_id: "t1", content: "a.txt" }],
};

describe("replayMessages", () => {
  it("keeps tool results that ended a session at --max-turns, so the tool call stays answered", () => {
    expect(replayMessages([msg(user("list")), msg(toolUse), msg(toolResult)])).toEqual([
      user("list"),
      toolUse,
      toolResult,
    ]);
  });

  it("drops a tool call whose results were never written (the process died mid-tool)", () => {
    expect(replayMessages([msg(user("list")), msg(toolUse)])).toEqual([user("list")]);
  });

  it("starts from the latest compaction", () => {
    const summary = user("[Summary of the earlier conversation] …");
    const events = [
      msg(user("old")),
      { type: "compacted", messages: [summary] },
      msg(toolUse),
      msg(toolResult),
    ];
    expect(replayMessages(events)).toEqual([summary, toolUse, toolResult]);
  });

  it("ignores other events", () => {
    expect(replayMessages([{ type: "title", title: "x" }, msg(user("hi")), { type: "usage" }])).toEqual([
      user("hi"),
    ]);
  });
});
