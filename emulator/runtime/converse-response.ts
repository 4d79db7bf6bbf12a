import type { FoundationModel } from "../world/schema.js";
import { splitDeltas } from "./chunking.js";
import { textTokens } from "./tokens.js";
import type { Reply, ReplyContent, StreamEvent, StreamTiming, UsageCounts } from "./types.js";

/** Renders an answer as a Converse response (WIRE.md §4.4) and as ConverseStream events (§4.5). */

/** Converse's usage: inputTokens excludes cache reads and writes; totalTokens includes everything. */
export function converseUsage(usage: UsageCounts): Record<string, unknown> {
  const out: Record<string, unknown> = {
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    totalTokens:
      usage.inputTokens + usage.outputTokens + usage.cacheReadInputTokens + usage.cacheCreationInputTokens,
    cacheReadInputTokens: usage.cacheReadInputTokens,
    cacheWriteInputTokens: usage.cacheCreationInputTokens,
  };
  const details: Record<string, unknown>[] = [];
  if (usage.cacheCreation5m > 0) details.push({ ttl: "5m", inputTokens: usage.cacheCreation5m });
  if (usage.cacheCreation1h > 0) details.push({ ttl: "1h", inputTokens: usage.cacheCreation1h });
  if (details.length > 0) out.cacheDetails = details;
  return out;
}

/** Whether the model signs its reasoning (Claude does; DeepSeek and gpt-oss return bare reasoning text). */
export function signsReasoning(model: FoundationModel): boolean {
  return model.converse?.signedReasoning ?? true;
}

function converseBlock(block: ReplyContent, signed: boolean): Record<string, unknown> {
  switch (block.type) {
    case "text":
      return { text: block.text };
    case "tool_use":
      return { toolUse: { toolUseId: block.id, name: block.name, input: block.input } };
    case "thinking":
      return {
        reasoningContent: {
          reasoningText: signed
            ? { text: block.thinking, signature: block.signature }
            : { text: block.thinking },
        },
      };
  }
}

/** The Converse JSON body. */
export function converseResponse(reply: Reply, latencyMs: number, signed = true): Record<string, unknown> {
  return {
    output: { message: { role: "assistant", content: reply.content.map((b) => converseBlock(b, signed)) } },
    stopReason: reply.stopReason,
    usage: converseUsage(reply.usage),
    metrics: { latencyMs },
  };
}

/**
 * ConverseStream events. Like real Bedrock for Claude: no contentBlockStart for text or reasoning, only for
 * toolUse; messageStop then metadata close the stream.
 */
export function converseStreamEvents(reply: Reply, timing: StreamTiming, signed = true): StreamEvent[] {
  const events: StreamEvent[] = [];
  const push = (name: string, payload: Record<string, unknown>, tokens = 0): void => {
    events.push({ name, payload: () => payload, tokens });
  };
  push("messageStart", { role: "assistant" });
  reply.content.forEach((block, contentBlockIndex) => {
    switch (block.type) {
      case "text":
        for (const text of splitDeltas(block.text)) {
          push("contentBlockDelta", { contentBlockIndex, delta: { text } }, textTokens(text));
        }
        break;
      case "thinking":
        for (const text of splitDeltas(block.thinking)) {
          push(
            "contentBlockDelta",
            { contentBlockIndex, delta: { reasoningContent: { text } } },
            textTokens(text),
          );
        }
        if (signed) {
          push("contentBlockDelta", {
            contentBlockIndex,
            delta: { reasoningContent: { signature: block.signature } },
          });
        }
        break;
      case "tool_use":
        push("contentBlockStart", {
          contentBlockIndex,
          start: { toolUse: { toolUseId: block.id, name: block.name } },
        });
        for (const input of splitDeltas(JSON.stringify(block.input))) {
          push("contentBlockDelta", { contentBlockIndex, delta: { toolUse: { input } } }, textTokens(input));
        }
        break;
    }
    push("contentBlockStop", { contentBlockIndex });
  });
  push("messageStop", { stopReason: reply.stopReason });
  events.push({
    name: "metadata",
    payload: () => ({
      usage: converseUsage(reply.usage),
      metrics: { latencyMs: timing.now() - timing.startedAt },
    }),
    tokens: 0,
  });
  return events;
}
