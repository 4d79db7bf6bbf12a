import type { ContentBlock, Message, ModelProvider } from "../model/types.js";

/** Compact when the conversation uses this share of the context window, leaving room for the answer. */
const COMPACT_AT = 0.8;

/** True when the estimated prompt size is close enough to the window that the next turn may not fit. */
export function shouldCompact(estimatedTokens: number, contextWindow: number): boolean {
  return estimatedTokens > contextWindow * COMPACT_AT;
}

export interface CompactionOutcome {
  messages: Message[];
  removed: number;
  summaryTokens: number;
}

/**
 * Replaces older turns with a summary written by the side model (the provider routes "compaction" there and
 * falls back to the main model if the side model is denied). Keeps the latest user prompt and what followed,
 * so the model still sees the task it is working on verbatim. Returns undefined when nothing can be cut.
 */
export async function compactConversation(
  provider: ModelProvider,
  messages: Message[],
  signal?: AbortSignal,
): Promise<CompactionOutcome | undefined> {
  const cut = lastPlainUserMessage(messages);
  if (cut === undefined || cut < 2) return undefined;
  const older = messages.slice(0, cut);
  const reply = await provider.complete(
    {
      system:
        "Summarise this coding session so another engineer can continue it: the user's goals, decisions, files changed and why, commands run and their outcomes, and open problems. Be specific (paths, names, errors). No preamble.",
      messages: [{ role: "user", content: renderTranscript(older) }],
      maxTokens: 4000,
      signal,
    },
    { role: "compaction" },
  );
  const summary = reply.content
    .flatMap((b) => (b.type === "text" ? [b.text] : []))
    .join("")
    .trim();
  const first = messages[cut]!;
  const firstBlocks: ContentBlock[] =
    typeof first.content === "string" ? [{ type: "text", text: first.content }] : first.content;
  const merged: Message = {
    role: "user",
    content: [{ type: "text", text: `[Summary of the earlier conversation]\n${summary}` }, ...firstBlocks],
  };
  return {
    messages: [merged, ...messages.slice(cut + 1)],
    removed: cut,
    summaryTokens: reply.usage.outputTokens,
  };
}

/** Index of the last user message that is a prompt (not tool results): a safe place to start the kept tail. */
function lastPlainUserMessage(messages: Message[]): number | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.role !== "user") continue;
    if (typeof m.content === "string" || m.content.every((b) => b.type === "text")) return i;
  }
  return undefined;
}

function renderTranscript(messages: Message[]): string {
  const lines: string[] = [];
  for (const m of messages) {
    const blocks: ContentBlock[] =
      typeof m.content === "string" ? [{ type: "text", text: m.content }] : m.content;
    for (const b of blocks) {
      if (b.type === "text") lines.push(`${m.role}: ${b.text}`);
      else if (b.type === "tool_use")
        lines.push(`${m.role} called ${b.name}(${JSON.stringify(b.input).slice(0, 500)})`);
      else if (b.type === "tool_result") {
        const text =
          typeof b.content === "string"
            ? b.content
            : b.content.map((c) => (c.type === "text" ? c.text : "[image]")).join("");
        lines.push(`tool result${b.is_error ? " (error)" : ""}: ${text.slice(0, 1000)}`);
      }
    }
  }
  return lines.join("\n");
}
