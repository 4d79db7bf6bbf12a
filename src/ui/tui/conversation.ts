import type { AgentEvent } from "../../agent/events.js";
import { ZERO_USAGE } from "../../agent/events.js";
import { applyEvent, INITIAL_STATE, type Item, push, startTurn, type ViewState } from "./state.js";

/** A transcript line as the session store reads it back. */
export type TranscriptEvent = { readonly type: string; readonly [k: string]: unknown };

interface Block {
  type: string;
  text?: string;
  id?: string;
  tool_use_id?: string;
  content?: unknown;
  is_error?: boolean;
}

/** What a tool call was about, from its input: the command, the file, the pattern. */
function summaryOf(input: unknown): string {
  const o = (input ?? {}) as Record<string, unknown>;
  for (const k of ["command", "file_path", "notebook_path", "pattern", "path", "url"]) {
    if (typeof o[k] === "string") return (o[k] as string).split("\n")[0]!.slice(0, 100);
  }
  return "";
}

function resultText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content))
    return content.map((b: Block) => (b.type === "text" ? (b.text ?? "") : "")).join("");
  return "";
}

/**
 * The screen items of a saved conversation, rebuilt by replaying its transcript through the same reducer a
 * live turn uses, so a resumed session looks as it did: prompts, answers, tool calls with their results.
 */
export function conversationItems(events: readonly TranscriptEvent[]): Item[] {
  // Tool results live in the user message after the calls; index them so each call can show its result.
  const results = new Map<string, Block>();
  for (const e of events) {
    const m = e.message as { role?: string; content?: unknown } | undefined;
    if (e.type !== "message" || m?.role !== "user" || !Array.isArray(m.content)) continue;
    for (const b of m.content as Block[])
      if (b.type === "tool_result" && b.tool_use_id) results.set(b.tool_use_id, b);
  }
  let s: ViewState = INITIAL_STATE;
  const play = (event: AgentEvent) => {
    s = applyEvent(s, event);
  };
  for (const e of events) {
    switch (e.type) {
      case "user":
        if (typeof e.prompt === "string") s = { ...startTurn(s, e.prompt), running: false };
        break;
      case "message": {
        const m = e.message as { role?: string; content?: unknown };
        if (m.role !== "assistant") break;
        const blocks =
          typeof m.content === "string" ? [{ type: "text", text: m.content }] : (m.content as Block[]);
        for (const b of blocks ?? [])
          if (b.type === "text" && b.text) play({ type: "text_delta", text: b.text });
        break;
      }
      case "tool_call":
        play({
          type: "tool_call",
          id: String(e.id),
          name: String(e.name),
          input: e.input,
          summary: summaryOf(e.input),
        });
        break;
      case "permission":
        if (e.behavior === "deny")
          play({
            type: "permission_decision",
            id: String(e.id),
            behavior: "deny",
            reason: String(e.reason ?? ""),
          });
        break;
      case "tool_result": {
        const r = results.get(String(e.id));
        play({
          type: "tool_result",
          id: String(e.id),
          name: String(e.name),
          content: resultText(r?.content),
          isError: Boolean(e.isError),
        });
        break;
      }
      case "compacted":
        s = push(s, {
          kind: "info",
          text: "The conversation was compacted here: earlier turns were summarised.",
        });
        break;
      case "done":
        play({
          type: "done",
          reason: e.reason === "aborted" ? "aborted" : "end_turn",
          result: "",
          turns: 0,
          usage: ZERO_USAGE,
          costUsd: 0,
          durationMs: 0,
        });
        break;
    }
  }
  return [...s.done, ...s.live];
}
