import { modelError, TEXT } from "./model-errors.js";
import type { JsonBlock, NormalizedMessage, NormalizedRequest } from "./types.js";

/**
 * Claude's rules for the shape of a conversation, checked after Bedrock's schema and before the model runs,
 * for InvokeModel bodies and (after translation) Converse requests alike. Texts and sources:
 * emulator/runtime/model-errors.ts and docs/emulator-rules.md.
 *
 * Consecutive messages of the same role are not refused: Anthropic's Messages API documents that
 * "consecutive user or assistant turns in your request will be combined into a single turn"
 * (docs.anthropic.com/en/api/messages). So the tool rules work on turns, where a turn is a run of messages
 * with one role. `role: "system"` entries (Claude Code 2.1.330 sends them, WIRE.md §5.1) are passed over.
 */

interface Turn {
  role: string;
  /** Indexes into the request's messages. */
  indexes: number[];
}

function turnsOf(messages: NormalizedMessage[]): Turn[] {
  const turns: Turn[] = [];
  messages.forEach((m, i) => {
    if (m.role === "system") return;
    const last = turns[turns.length - 1];
    if (last && last.role === m.role) last.indexes.push(i);
    else turns.push({ role: m.role, indexes: [i] });
  });
  return turns;
}

function blocksOf(
  turn: Turn,
  messages: NormalizedMessage[],
): { index: number; block: number; b: JsonBlock }[] {
  return turn.indexes.flatMap((index) => messages[index]!.content.map((b, block) => ({ index, block, b })));
}

/** Signatures are base64 (Anthropic's are long opaque base64 strings; the emulator's are base64 SHA-256). */
const SIGNATURE_SHAPE = /^[A-Za-z0-9+/_-]{16,}={0,2}$/;

/** Throws Claude's 400 for the first rule the conversation breaks. */
export function checkConversation(req: NormalizedRequest): void {
  const { messages } = req;
  checkRolesAndContent(messages);
  checkSystem(req.system);
  const turns = turnsOf(messages);
  if (turns.length > 0 && turns[0]!.role !== "user") throw modelError(TEXT.firstMessageUser);
  checkToolPairing(turns, messages);
  checkThinkingBlocks(messages);
  if (thinkingOn(req)) checkThinkingReplay(turns, messages);
}

function thinkingOn(req: NormalizedRequest): boolean {
  return req.thinking !== undefined && (req.thinking.type === "enabled" || req.thinking.type === "adaptive");
}

function checkRolesAndContent(messages: NormalizedMessage[]): void {
  messages.forEach((m, i) => {
    if (m.role !== "user" && m.role !== "assistant" && m.role !== "system") {
      throw modelError(TEXT.badRole(i, m.role));
    }
    const isFinalAssistant = i === messages.length - 1 && m.role === "assistant";
    if (m.content.length === 0 && !isFinalAssistant) throw modelError(TEXT.emptyContent(i));
    for (const b of m.content) checkTextBlock(b);
  });
}

function checkTextBlock(b: JsonBlock): void {
  if (b.type === "text") {
    const text = typeof b.text === "string" ? b.text : "";
    if (text === "") throw modelError(TEXT.emptyText);
    if (text.trim() === "") throw modelError(TEXT.whitespaceText);
  }
  // Text inside tool results obeys the same rule (an empty tool result is sent as no content at all).
  if (b.type === "tool_result" && Array.isArray(b.content)) {
    for (const part of b.content) {
      if (part && typeof part === "object" && (part as JsonBlock).type === "text")
        checkTextBlock(part as JsonBlock);
    }
  }
}

function checkSystem(system: JsonBlock[]): void {
  for (const b of system) {
    if (b.type === "text" && (typeof b.text !== "string" || b.text.trim() === "")) {
      throw modelError(TEXT.emptySystemText);
    }
  }
}

/**
 * Every tool_use is answered by a tool_result in the very next (user) turn; every tool_result answers a
 * tool_use of the turn right before it; tool_use ids are unique across the conversation.
 */
function checkToolPairing(turns: Turn[], messages: NormalizedMessage[]): void {
  const seen = new Set<string>();
  turns.forEach((turn, t) => {
    const blocks = blocksOf(turn, messages);
    if (turn.role === "assistant") {
      const uses = blocks.filter((x) => x.b.type === "tool_use");
      for (const u of uses) {
        const id = String(u.b.id);
        if (seen.has(id)) throw modelError(TEXT.duplicateToolUseId(u.index, u.block, id));
        seen.add(id);
      }
      if (uses.length === 0) return;
      const next = turns[t + 1];
      const answered = new Set(
        next
          ? blocksOf(next, messages).flatMap((x) =>
              x.b.type === "tool_result" ? [String(x.b.tool_use_id)] : [],
            )
          : [],
      );
      const missing = uses.map((u) => String(u.b.id)).filter((id) => !answered.has(id));
      if (missing.length > 0) throw modelError(TEXT.toolUseWithoutResult(uses[0]!.index, missing));
      return;
    }
    const previous = turns[t - 1];
    const asked = new Set(
      previous && previous.role === "assistant"
        ? blocksOf(previous, messages).flatMap((x) => (x.b.type === "tool_use" ? [String(x.b.id)] : []))
        : [],
    );
    for (const r of blocks) {
      if (r.b.type !== "tool_result") continue;
      const id = String(r.b.tool_use_id);
      if (!asked.has(id)) throw modelError(TEXT.orphanToolResult(r.index, r.block, id));
    }
  });
}

/** Thinking blocks sent back must carry what the model returned: a signature (or redacted data). */
function checkThinkingBlocks(messages: NormalizedMessage[]): void {
  messages.forEach((m, index) => {
    m.content.forEach((b, block) => {
      if (b.type === "thinking") {
        if (typeof b.signature !== "string" || b.signature === "") {
          throw modelError(TEXT.signatureMissing(index, block));
        }
        if (!SIGNATURE_SHAPE.test(b.signature)) throw modelError(TEXT.signatureInvalid(index, block));
      }
      if (b.type === "redacted_thinking" && (typeof b.data !== "string" || b.data === "")) {
        throw modelError(TEXT.signatureInvalid(index, block));
      }
    });
  });
}

/**
 * With thinking on, an assistant turn whose tool calls the last user turn answers must start with its
 * thinking (or redacted_thinking) block: the one the model returned.
 */
function checkThinkingReplay(turns: Turn[], messages: NormalizedMessage[]): void {
  const last = turns[turns.length - 1];
  const previous = turns[turns.length - 2];
  if (!last || !previous || last.role !== "user" || previous.role !== "assistant") return;
  const answersTools = blocksOf(last, messages).some((x) => x.b.type === "tool_result");
  if (!answersTools) return;
  const first = messages[previous.indexes[0]!]!;
  const head = first.content[0];
  if (head && (head.type === "thinking" || head.type === "redacted_thinking")) return;
  throw modelError(TEXT.thinkingFirst(previous.indexes[0]!, head?.type ?? "nothing"));
}
