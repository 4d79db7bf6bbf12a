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

/** The summary call's input is cut to this many characters, so compaction fits even when nothing else does. */
export const MAX_SUMMARY_INPUT_CHARS = 400_000;

/**
 * Replaces older turns with a summary written by the side model (the provider routes "compaction" there and
 * falls back to the main model if the side model is denied). Keeps the latest user prompt and what followed,
 * so the model still sees the task it is working on verbatim. When the latest prompt is also the first (one
 * long print-mode run), the work done since it is summarised instead, keeping the last tool exchange. The
 * summary input is always cut to fit (docs/decisions/0012-fault-handling.md). Returns undefined when nothing
 * can be cut.
 */
export async function compactConversation(
  provider: ModelProvider,
  messages: Message[],
  signal?: AbortSignal,
  maxInputChars = MAX_SUMMARY_INPUT_CHARS,
): Promise<CompactionOutcome | undefined> {
  const plan = planCut(messages);
  if (!plan) return undefined;
  const reply = await provider.complete(
    {
      system:
        "Summarise this coding session so another engineer can continue it: the user's goals, decisions, files changed and why, commands run and their outcomes, and open problems. Be specific (paths, names, errors). No preamble.",
      messages: [{ role: "user", content: fitToBudget(renderTranscript(plan.summarised), maxInputChars) }],
      maxTokens: 4000,
      signal,
    },
    { role: "compaction" },
  );
  const summary = reply.content
    .flatMap((b) => (b.type === "text" ? [b.text] : []))
    .join("")
    .trim();
  const prompt = messages[plan.prompt]!;
  const promptBlocks: ContentBlock[] =
    typeof prompt.content === "string" ? [{ type: "text", text: prompt.content }] : prompt.content;
  const label =
    plan.prompt === 0 ? "Summary of the work so far on this request" : "Summary of the earlier conversation";
  const summaryBlock: ContentBlock = { type: "text", text: `[${label}]\n${summary || "(empty summary)"}` };
  const merged: Message = {
    role: "user",
    content: plan.prompt === 0 ? [...promptBlocks, summaryBlock] : [summaryBlock, ...promptBlocks],
  };
  return {
    messages: [merged, ...plan.kept],
    removed: plan.summarised.length - (plan.prompt === 0 ? 1 : 0),
    summaryTokens: reply.usage.outputTokens,
  };
}

/** Which messages go into the summary, which prompt leads the result, and which are kept after it. */
function planCut(
  messages: Message[],
): { summarised: Message[]; prompt: number; kept: Message[] } | undefined {
  const cut = lastPlainUserMessage(messages);
  if (cut === undefined) return undefined;
  if (cut >= 2) return { summarised: messages.slice(0, cut), prompt: cut, kept: messages.slice(cut + 1) };
  // One prompt and a long tool-calling run after it: keep the prompt and the last call + its results.
  const tail = messages.length - 2;
  if (cut !== 0 || tail < 3 || messages[tail]!.role !== "assistant") return undefined;
  return { summarised: messages.slice(0, tail), prompt: 0, kept: messages.slice(tail) };
}

/** Keeps the start (the goal) and the most recent part of a transcript that is too long to summarise whole. */
function fitToBudget(transcript: string, maxChars: number): string {
  if (transcript.length <= maxChars) return transcript;
  const head = Math.floor(maxChars * 0.2);
  const tail = maxChars - head;
  const cut = transcript.length - head - tail;
  return `${transcript.slice(0, head)}\n[… ${cut} characters of the middle of the session left out to fit …]\n${transcript.slice(-tail)}`;
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
