import type { ContentBlock, Message, ToolResultBlock, ToolUseBlock } from "../model/types.js";

/**
 * Bedrock's rules for a Messages history (docs/decisions/0012-fault-handling.md), checked and enforced:
 * the first message is the user's, roles alternate, no empty content or blank text blocks, every tool_use is
 * answered by a tool_result in the very next user message (results first in it), no orphan or duplicate
 * tool_result, tool_use ids unique, and thinking blocks stay at the start of the assistant turn they belong to.
 * A history built by the loop satisfies them already; one rebuilt from a damaged or interleaved transcript
 * (two writers, a torn last line, a process killed mid-tool) may not, and Bedrock would refuse every later
 * request with a 400.
 */

/** Result text for a tool call whose result never reached the transcript. */
export const MISSING_RESULT =
  "No result was recorded for this call (the session was interrupted, or written by two Quarry processes at once). Run it again if it is still needed.";

/** The problems Bedrock would refuse in a history; empty when the history is valid. */
export function validateHistory(messages: readonly Message[]): string[] {
  const problems: string[] = [];
  const seenToolUse = new Set<string>();
  if (messages.length > 0 && messages[0]!.role !== "user")
    problems.push("messages[0]: the first message must be the user's");
  messages.forEach((m, i) => {
    const where = `messages[${i}]`;
    const blocks = blocksOf(m);
    if (blocks.length === 0) problems.push(`${where}: empty content`);
    if (i > 0 && messages[i - 1]!.role === m.role) problems.push(`${where}: two ${m.role} messages in a row`);
    blocks.forEach((b, k) => {
      if (b.type === "text" && b.text.trim() === "")
        problems.push(`${where}.content[${k}]: blank text block`);
    });
    if (m.role === "assistant") {
      const firstOther = blocks.findIndex((b) => !isThinking(b));
      if (firstOther >= 0 && blocks.slice(firstOther).some(isThinking))
        problems.push(`${where}: a thinking block after other content`);
      for (const b of blocks) {
        if (b.type === "tool_result") problems.push(`${where}: tool_result in an assistant message`);
        if (b.type !== "tool_use") continue;
        if (seenToolUse.has(b.id)) problems.push(`${where}: duplicate tool_use id ${b.id}`);
        seenToolUse.add(b.id);
      }
    } else {
      for (const b of blocks) {
        if (b.type === "tool_use" || isThinking(b)) problems.push(`${where}: ${b.type} in a user message`);
      }
    }
    const asked = m.role === "assistant" ? [...new Set(toolUseIds(blocks))] : [];
    if (asked.length > 0) {
      const next = messages[i + 1];
      const answered = next?.role === "user" ? toolResultIds(blocksOf(next)) : [];
      for (const id of asked)
        if (!answered.includes(id)) problems.push(`${where}: tool_use ${id} has no tool_result after it`);
    }
    if (m.role === "user") {
      const previous = messages[i - 1];
      const asked = previous?.role === "assistant" ? toolUseIds(blocksOf(previous)) : [];
      const results = toolResultIds(blocks);
      const seen = new Set<string>();
      for (const id of results) {
        if (!asked.includes(id)) problems.push(`${where}: tool_result ${id} answers no tool_use before it`);
        if (seen.has(id)) problems.push(`${where}: duplicate tool_result ${id}`);
        seen.add(id);
      }
      const firstOther = blocks.findIndex((b) => b.type !== "tool_result");
      if (firstOther >= 0 && blocks.slice(firstOther).some((b) => b.type === "tool_result"))
        problems.push(`${where}: tool_result blocks must come before other content`);
    }
  });
  return problems;
}

/** A repaired history and what was changed, one line per kind of change. */
export interface RepairedHistory {
  messages: Message[];
  repairs: string[];
}

/**
 * Rewrites a history so `validateHistory` finds nothing, changing as little as it can: blank blocks and empty
 * messages go, same-role neighbours merge, duplicate tool_use ids get a suffix, unanswered calls get an error
 * result (or are dropped when nothing follows them), orphan results go. Never mutates its input.
 */
export function repairHistory(input: readonly Message[]): RepairedHistory {
  const repairs = new Set<string>();
  // 1. Normalise blocks: strings to text blocks, no blank text, no misplaced block types, no empty messages.
  let messages: Message[] = [];
  for (const m of input) {
    const blocks = blocksOf(m).filter((b) => {
      if (b.type === "text" && b.text.trim() === "") {
        repairs.add("removed blank text blocks");
        return false;
      }
      if (m.role === "user" && (b.type === "tool_use" || isThinking(b))) {
        repairs.add("removed assistant-only blocks from user messages");
        return false;
      }
      if (m.role === "assistant" && b.type === "tool_result") {
        repairs.add("removed tool results from assistant messages");
        return false;
      }
      return true;
    });
    if (blocks.length === 0) {
      repairs.add("removed empty messages");
      continue;
    }
    // Plain-string prompts stay strings; block lists are copied so later steps can edit them.
    const content =
      typeof m.content === "string" ? m.content : (blocks.map((b) => ({ ...b })) as ContentBlock[]);
    messages.push({ role: m.role, content });
  }
  // 2. The conversation starts with the user.
  while (messages[0]?.role === "assistant") {
    messages.shift();
    repairs.add("removed assistant messages before the first user message");
  }
  // 3. Same-role neighbours merge (two writers, or results followed by the next prompt).
  messages = mergeNeighbours(messages, repairs);
  // 4. Unique tool_use ids: a later duplicate is renamed, and so is the result that answers it.
  renameDuplicateToolUses(messages, repairs);
  // 5. Pair every call with a result in the next user message; drop results that answer nothing.
  const paired: Message[] = [];
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    if (m.role === "assistant") {
      paired.push(m);
      const asked = toolUseIds(blocksOf(m));
      if (asked.length === 0) continue;
      const next = messages[i + 1];
      if (!next) {
        // Nothing follows the calls (the process died while they ran): they cannot be answered truthfully.
        const rest = blocksOf(m).filter((b) => b.type !== "tool_use");
        if (rest.some((b) => !isThinking(b)))
          paired[paired.length - 1] = { role: "assistant", content: rest };
        else paired.pop();
        repairs.add("dropped tool calls that were never answered at the end of the history");
        continue;
      }
      if (next.role !== "user") continue; // cannot happen after merging; kept for the type checker
      i++;
      paired.push({ role: "user", content: answerCalls(asked, blocksOf(next), repairs) });
    } else {
      const kept = blocksOf(m).filter((b) => b.type !== "tool_result");
      if (kept.length === blocksOf(m).length) paired.push(m);
      else {
        repairs.add("removed tool results that answer no tool call");
        if (kept.length > 0) paired.push({ role: "user", content: kept });
      }
    }
  }
  // Dropping calls or results can leave same-role neighbours or an assistant first again.
  messages = mergeNeighbours(paired, repairs);
  while (messages[0]?.role === "assistant") messages.shift();
  return { messages, repairs: [...repairs] };
}

/** The user message answering `asked`: results in call order first (missing ones filled in), then the rest. */
function answerCalls(asked: string[], blocks: ContentBlock[], repairs: Set<string>): ContentBlock[] {
  const results = new Map<string, ToolResultBlock>();
  const others: ContentBlock[] = [];
  for (const b of blocks) {
    if (b.type !== "tool_result") others.push(b);
    else if (!asked.includes(b.tool_use_id)) repairs.add("removed tool results that answer no tool call");
    else if (results.has(b.tool_use_id)) repairs.add("removed duplicate tool results");
    else results.set(b.tool_use_id, b);
  }
  const ordered: ContentBlock[] = asked.map((id) => {
    const found = results.get(id);
    if (found) return found;
    repairs.add("answered tool calls whose results were lost with an error result");
    return { type: "tool_result", tool_use_id: id, content: MISSING_RESULT, is_error: true };
  });
  return [...ordered, ...others];
}

function mergeNeighbours(messages: Message[], repairs: Set<string>): Message[] {
  const out: Message[] = [];
  for (const m of messages) {
    const last = out.at(-1);
    if (!last || last.role !== m.role) {
      out.push(m);
      continue;
    }
    repairs.add(`merged consecutive ${m.role} messages`);
    const merged = [...blocksOf(last), ...blocksOf(m)];
    if (m.role === "user") {
      // Tool results must lead the user message that carries them.
      last.content = [
        ...merged.filter((b) => b.type === "tool_result"),
        ...merged.filter((b) => b.type !== "tool_result"),
      ];
    } else {
      // Thinking belongs at the start of its turn; a later turn's thinking cannot sit mid-message.
      const lead = blocksOf(last).filter(isThinking);
      const rest = merged.filter((b) => !isThinking(b));
      if (lead.length + rest.length < merged.length) repairs.add("removed thinking blocks of merged turns");
      last.content = [...lead, ...rest];
    }
  }
  return out;
}

function renameDuplicateToolUses(messages: Message[], repairs: Set<string>): void {
  const seen = new Set<string>();
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    if (m.role !== "assistant") continue;
    // For each id as the model wrote it, the ids its calls in this message carry now, in order.
    const assigned = new Map<string, string[]>();
    let renamed = false;
    for (const b of blocksOf(m)) {
      if (b.type !== "tool_use") continue;
      const original = b.id;
      if (seen.has(original)) {
        let n = 2;
        while (seen.has(`${original}_${n}`)) n++;
        (b as ToolUseBlock).id = `${original}_${n}`;
        renamed = true;
        repairs.add("renamed duplicate tool_use ids");
      }
      seen.add(b.id);
      assigned.set(original, [...(assigned.get(original) ?? []), b.id]);
    }
    const next = messages[i + 1];
    if (!renamed || next?.role !== "user") continue;
    // The n-th result for an id answers the n-th call written with that id.
    const used = new Map<string, number>();
    for (const b of blocksOf(next)) {
      if (b.type !== "tool_result" || !assigned.has(b.tool_use_id)) continue;
      const original = b.tool_use_id;
      const k = used.get(original) ?? 0;
      used.set(original, k + 1);
      const target = assigned.get(original)![k];
      if (target) b.tool_use_id = target;
    }
  }
}

function blocksOf(m: Message): ContentBlock[] {
  if (typeof m.content === "string")
    return m.content.trim() === "" ? [] : [{ type: "text", text: m.content }];
  return Array.isArray(m.content) ? m.content : [];
}

function isThinking(b: ContentBlock): boolean {
  return b.type === "thinking" || b.type === "redacted_thinking";
}

function toolUseIds(blocks: ContentBlock[]): string[] {
  return blocks.flatMap((b) => (b.type === "tool_use" ? [b.id] : []));
}

function toolResultIds(blocks: ContentBlock[]): string[] {
  return blocks.flatMap((b) => (b.type === "tool_result" ? [b.tool_use_id] : []));
}

/**
 * A model turn's content with tool_use ids made unique (against each other and against `history`): a model
 * that repeats an id would otherwise get a history Bedrock refuses. Returns the renamed ids for a warning.
 */
export function uniqueToolUseIds(
  content: ContentBlock[],
  history: readonly Message[],
): { content: ContentBlock[]; renamed: string[] } {
  const taken = new Set(history.flatMap((m) => toolUseIds(blocksOf(m))));
  const renamed: string[] = [];
  const out = content.map((b) => {
    if (b.type !== "tool_use") return b;
    if (!taken.has(b.id)) {
      taken.add(b.id);
      return b;
    }
    let n = 2;
    while (taken.has(`${b.id}_${n}`)) n++;
    const id = `${b.id}_${n}`;
    taken.add(id);
    renamed.push(b.id);
    return { ...b, id };
  });
  return { content: renamed.length > 0 ? out : content, renamed };
}
